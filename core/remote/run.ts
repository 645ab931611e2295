// Runs a Python script on LUMI through a container module: uploads it (content-addressed) unless
// it is already remote, runs the command from command.ts, streams output, returns the exit code,
// and on cancel ends the remote process group so nothing keeps running on the login node.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  argsFileContent,
  buildCancelCommand,
  buildRemoteCommand,
  buildRunScript,
  needsArgsFile,
  PID_DIR,
  type RunSpec,
} from './command';
import { SshError, type OutputSink, type SshConnection } from './connection';
import { uploadHashed } from './upload';
import { loadExeca } from '../common/execa';

/** What to run: the command's fields, without the pid file (chosen per run). */
export interface RunRequest extends Omit<RunSpec, 'pidFile'> {
  /** False: `script` is a local path, uploaded first; true: it is already a path on the remote. */
  remoteScript: boolean;
}

/** Where output goes; a returned promise holds the remote output back until it settles (backpressure). */
export interface RunOutput {
  stdout: OutputSink;
  stderr: OutputSink;
}

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

/**
 * Uploads SCRIPT to ~/.cache/lumi-modules/runs/<sha256>/<name> (reused when its SHA-256 matches on the
 * remote).
 */
export async function uploadScript(connection: SshConnection, localPath: string): Promise<string> {
  return (await uploadScriptChecked(connection, localPath)).path;
}

async function uploadScriptChecked(
  connection: SshConnection,
  localPath: string,
): Promise<{ path: string; sha256: string }> {
  let content: Buffer;
  try {
    content = readFileSync(localPath);
  } catch (err) {
    throw new SshError(`cannot read ${localPath}: ${(err as Error).message}`);
  }
  try {
    return await uploadHashed(connection, content, basename(localPath), 0o700);
  } catch (err) {
    if (err instanceof SshError) throw err;
    throw new SshError(`cannot upload ${localPath} to ${connection.host.alias}: ${(err as Error).message}`);
  }
}

/** What a cancel found on the remote. */
export type CancelOutcome =
  | { state: 'stopped' | 'not-running' | 'still-running'; processGroup?: number }
  | { state: 'failed'; reason: string };

/** Ends the run of PIDFILE on the remote (TERM, then KILL) and says what really happened. */
export async function cancelRun(
  connection: SshConnection,
  pidFile: string,
  waitSeconds?: number,
): Promise<CancelOutcome> {
  let out = '';
  try {
    await connection.exec(buildCancelCommand(pidFile, waitSeconds), {
      onStdout: (c) => void (out += c.toString()),
    });
  } catch (err) {
    return { state: 'failed', reason: (err as Error).message };
  }
  const last = /(stopped|not-running|still-running)(?: (\d+))?\s*$/.exec(out);
  if (!last)
    return {
      state: 'failed',
      reason: `unexpected answer from the remote: ${JSON.stringify(out.slice(-200))}`,
    };
  return {
    state: last[1] as 'stopped' | 'not-running' | 'still-running',
    processGroup: last[2] ? Number(last[2]) : undefined,
  };
}

export interface RunOverSshOptions {
  /** Told what a cancel really did on the remote (the run ended, was not running, or is still running). */
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

function hostId(connection: SshConnection): string {
  return `${connection.host.user}@${connection.host.hostname}:${connection.host.port}`;
}

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

function rememberOrphan(connection: SshConnection, pidFile: string, file?: string): void {
  const host = hostId(connection);
  const set = orphans.get(host) ?? new Set();
  set.add(pidFile);
  orphans.set(host, set);
  if (file) updateOrphanFile(file, host, (list) => list.add(pidFile));
}

/**
 * Ends, by each run's own marker (its pid file, else its command-line marker), the runs on this
 * host whose connection dropped. Never a broad pattern: only those runs' process groups.
 */
export async function cleanUpOrphans(
  connection: SshConnection,
  options: RunOverSshOptions = {},
): Promise<void> {
  const host = hostId(connection);
  const pending = new Set(orphans.get(host) ?? []);
  if (options.orphanFile)
    for (const p of readOrphanFile(options.orphanFile)[host] ?? [])
      if (typeof p === 'string' && p.startsWith(`${PID_DIR}/`)) pending.add(p);
  for (const pidFile of pending) {
    const outcome = await cancelRun(connection, pidFile, 0);
    if (outcome.state === 'failed') continue; // try again next time
    orphans.get(host)?.delete(pidFile);
    if (options.orphanFile) updateOrphanFile(options.orphanFile, host, (list) => list.delete(pidFile));
    options.onOrphanCleaned?.(pidFile, outcome);
  }
}

/** Runs the request over CONNECTION. Resolves with the remote exit code (130 when cancelled). */
export async function runOverSsh(
  connection: SshConnection,
  request: RunRequest,
  output: RunOutput,
  signal?: AbortSignal,
  options: RunOverSshOptions = {},
): Promise<number> {
  await cleanUpOrphans(connection, options);
  const uploaded = request.remoteScript ? undefined : await uploadScriptChecked(connection, request.script);
  if (signal?.aborted) return 130;
  const host = connection.host;
  // The client's heartbeat: twice per ServerAliveInterval; the remote gives up after the same
  // silence that makes this side declare the link dead, plus one interval.
  const heartbeatMs = Math.max(500, Math.floor(host.keepaliveIntervalMs / 2));
  const spec: RunSpec = {
    ...specFor(request, uploaded?.path ?? request.script),
    scriptSha256: uploaded?.sha256,
    heartbeatTimeoutSeconds: Math.ceil((host.keepaliveIntervalMs * (host.keepaliveCountMax + 1)) / 1000),
  };
  if (needsArgsFile(spec)) {
    const content = argsFileContent(spec.args);
    spec.argsFile = (await uploadHashed(connection, content, 'args', 0o600)).path;
  }
  if (signal?.aborted) return 130;
  let cancelling: Promise<unknown> | undefined;
  const channelAbort = new AbortController();
  const onAbort = () => {
    // End the remote process group first, then close the channel.
    cancelling = cancelRun(connection, spec.pidFile)
      .then((outcome) => options.onCancelled?.(outcome))
      .finally(() => channelAbort.abort());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    const result = await connection.exec(buildRemoteCommand(spec), {
      onStdout: output.stdout,
      onStderr: output.stderr,
      signal: channelAbort.signal,
      onStdin: (write) => {
        heartbeat = setInterval(() => write('\n'), heartbeatMs);
        heartbeat.unref();
      },
    });
    if (cancelling) await cancelling;
    return signal?.aborted ? 130 : result.code;
  } catch (err) {
    // The connection dropped under the run: end it on the next connection to this host.
    if (err instanceof SshError && !connection.isOpen)
      rememberOrphan(connection, spec.pidFile, options.orphanFile);
    throw err;
  } finally {
    clearInterval(heartbeat);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The same run on this machine (a Remote-SSH window, where the extension host already is on
 * LUMI): bash -l runs the same script, in its own process group so cancel ends the whole tree.
 */
export async function runLocally(
  request: RunRequest,
  output: RunOutput,
  signal?: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const spec = specFor(request, request.script);
  const { execa } = await loadExeca();
  // Node passes arguments as UTF-8 strings: bytes that are not UTF-8 can travel only over SSH (argsFile).
  const args = spec.args.map((a) => (typeof a === 'string' ? a : a.toString('utf8')));
  const child = execa('bash', ['-l', '-c', buildRunScript(spec), 'lumi-modules-run', spec.script, ...args], {
    detached: true, // its own process group: cancel signals the whole tree
    env,
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
  });
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const onAbort = () => {
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), 2000).unref();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  child.stdout?.on('data', (c: Buffer) => output.stdout(c));
  child.stderr?.on('data', (c: Buffer) => output.stderr(c));
  try {
    const result = await child;
    if (result.failed && result.exitCode === undefined && !result.isTerminated)
      throw new Error(`cannot start bash: ${result.shortMessage}`);
    if (signal?.aborted) return 130;
    return result.exitCode ?? 128 + (result.signal === 'SIGKILL' ? 9 : 15);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
