// Runs a Python script on LUMI through a container module, over any Executor (executor.ts: the
// kept SSH connection, or this machine in a Remote-SSH window): uploads it (content-addressed) unless
// it is already there, runs the script from command.ts, streams output, returns the exit code, and
// on cancel ends the run's process group so nothing keeps running on the login node.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  argsFileContent,
  buildRunScript,
  needsArgsFile,
  PID_DIR,
  RUN_SCRIPT_NAME,
  runScriptArgs,
  type RunSpec,
} from './command';
import { uploadFile, type Executor, type StopOutcome, type StreamOutput } from './executor';

/** What to run: the command's fields, without the pid file (chosen per run). */
export interface RunRequest extends Omit<RunSpec, 'pidFile'> {
  /** False: `script` is a local path, uploaded first; true: it is already a path on the remote. */
  remoteScript: boolean;
}

/** Where output goes; a returned promise holds the output back until it settles (backpressure). */
export type RunOutput = StreamOutput;

function specFor(request: RunRequest, script: string): RunSpec {
  const { remoteScript: _remote, ...fields } = request;
  return {
    ...fields,
    // Empty settings mean "none".
    venv: request.venv || undefined,
    cwd: request.cwd || undefined,
    preamble: request.preamble || undefined,
    script,
    pidFile: `${PID_DIR}/${randomBytes(8).toString('hex')}`,
  };
}

/** What a cancel found on the host. */
export type CancelOutcome = StopOutcome;

export interface RunOptions {
  /** Told what a cancel really did on the host (the run ended, was not running, or is still running). */
  onCancelled?: (outcome: CancelOutcome) => void;
  /**
   * A local JSON file that remembers runs whose connection dropped, so that another process (the
   * next CLI call) ends them too; without it they are remembered in this process only.
   */
  orphanFile?: string;
  /** Told about each run left by a dropped connection that was ended on this connection. */
  onOrphanCleaned?: (pidFile: string, outcome: CancelOutcome) => void;
}

/** Runs whose connection dropped, per host (user@host:port), by pid file: ended on the next connection. */
const orphans = new Map<string, Set<string>>();

function readOrphanFile(file: string): Record<string, string[]> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return data && typeof data === 'object' ? (data as Record<string, string[]>) : {};
  } catch {
    return {};
  }
}

function updateOrphanFile(file: string, host: string, change: (list: Set<string>) => void): void {
  try {
    const all = readOrphanFile(file);
    const list = new Set(Array.isArray(all[host]) ? all[host].filter((p) => typeof p === 'string') : []);
    change(list);
    if (list.size > 0) all[host] = [...list];
    else delete all[host];
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  } catch {
    // Best effort: the remote watchdog ends such runs by itself as well.
  }
}

function rememberOrphan(host: string, pidFile: string, file?: string): void {
  const set = orphans.get(host) ?? new Set();
  set.add(pidFile);
  orphans.set(host, set);
  if (file) updateOrphanFile(file, host, (list) => list.add(pidFile));
}

/**
 * Ends, by each run's own marker (its pid file, else its command-line marker), the runs on this
 * host whose connection dropped. Never a broad pattern: only those runs' process groups.
 */
export async function cleanUpOrphans(executor: Executor, options: RunOptions = {}): Promise<void> {
  const host = executor.id;
  const pending = new Set(orphans.get(host) ?? []);
  if (options.orphanFile)
    for (const p of readOrphanFile(options.orphanFile)[host] ?? [])
      if (typeof p === 'string' && p.startsWith(`${PID_DIR}/`)) pending.add(p);
  for (const pidFile of pending) {
    const outcome = await executor.stopGroup(pidFile, 0);
    if (outcome.state === 'failed') continue; // try again next time
    orphans.get(host)?.delete(pidFile);
    if (options.orphanFile) updateOrphanFile(options.orphanFile, host, (list) => list.delete(pidFile));
    options.onOrphanCleaned?.(pidFile, outcome);
  }
}

/**
 * Runs the request through EXECUTOR (over SSH: with the heartbeat watchdog). Resolves with the run's
 * exit code (130 when cancelled).
 */
export async function runOnHost(
  executor: Executor,
  request: RunRequest,
  output: RunOutput,
  signal?: AbortSignal,
  options: RunOptions = {},
): Promise<number> {
  await cleanUpOrphans(executor, options);
  const uploaded = request.remoteScript ? undefined : await uploadFile(executor, request.script);
  if (signal?.aborted) return 130;
  const spec: RunSpec = {
    ...specFor(request, uploaded?.path ?? request.script),
    scriptSha256: uploaded?.sha256,
    heartbeatTimeoutSeconds: executor.heartbeatTimeoutSeconds,
  };
  // Arguments that are not UTF-8, or too long for one command line, travel in a file.
  if (needsArgsFile(spec))
    spec.argsFile = (await executor.upload(argsFileContent(spec.args), 'args', 0o600)).path;
  if (signal?.aborted) return 130;
  let cancelling: Promise<unknown> | undefined;
  const streamAbort = new AbortController();
  const onAbort = () => {
    // End the run's process group first, then stop the stream.
    cancelling = executor
      .stopGroup(spec.pidFile)
      .then((outcome) => options.onCancelled?.(outcome))
      .finally(() => streamAbort.abort());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await executor.stream(buildRunScript(spec), runScriptArgs(spec), output, {
      signal: streamAbort.signal,
      name: RUN_SCRIPT_NAME,
      login: true,
      heartbeat: spec.heartbeatTimeoutSeconds !== undefined,
    });
    if (cancelling) await cancelling;
    return signal?.aborted ? 130 : code;
  } catch (err) {
    // The connection dropped under the run: end it on the next connection to this host.
    if (executor.lost(err)) rememberOrphan(executor.id, spec.pidFile, options.orphanFile);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
