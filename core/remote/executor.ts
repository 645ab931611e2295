// THE execution interface: how remote/ (a run) and slurm/ (sbatch, the follower, scancel) do things
// on the host they work on, over the kept SSH connection (sshExecutor.ts) or on this machine
// (localExecutor.ts: `--host local`, a Remote-SSH window whose extension host is on LUMI). Programs
// get argv, never a shell string built from user input; the shell code that runs (a run's script,
// the follower) is the project's own, with every value quoted by core/shell/quote.ts.
import { readBounded } from '../common/boundedRead';
import { basename } from 'node:path';
import type { OutputSink } from './connection';
import type { UploadedFile } from './upload';

export type { UploadedFile } from './upload';

/** A program could not be started, or a file could not be read or placed, on this machine. */
export class ExecError extends Error {}

/** PROGRAM did not start at all (not installed, not on PATH); DETAIL is the system's reason. */
export class ProgramNotStartedError extends ExecError {
  constructor(
    readonly program: string,
    readonly detail: string,
  ) {
    super(`cannot run ${program} on this machine: ${detail}`);
  }
}

/** The file to read does not exist (on the host the executor works on). */
export class FileMissingError extends ExecError {
  constructor(readonly path: string) {
    super(`${path}: no such file`);
  }
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where output goes; a returned promise holds the output back until it settles (backpressure). */
export interface StreamOutput {
  stdout: OutputSink;
  stderr: OutputSink;
}

export interface StreamOptions {
  /**
   * Stops the script: over SSH the channel closes (a run's script ends itself when its stdin ends);
   * on this machine its process group gets TERM, then KILL.
   */
  signal?: AbortSignal;
  /** $0 of the script, in bash's own messages. */
  name?: string;
  /**
   * On this machine: bash -l, for the login's shell functions (`module`). Over SSH every command runs
   * in a login shell anyway (an SSH command does not read the profile otherwise).
   */
  login?: boolean;
  /**
   * Over SSH: a line on the script's stdin twice per ServerAliveInterval, for a watchdog in the script
   * that ends it after `heartbeatTimeoutSeconds` of silence (the client or the link is gone).
   */
  heartbeat?: boolean;
}

/** What stopping a process group by its pid file found. */
export type StopOutcome =
  | { state: 'stopped' | 'not-running' | 'still-running'; processGroup?: number }
  | { state: 'failed'; reason: string };

export interface Executor {
  /** The host in messages: its alias, or "this machine". */
  readonly where: string;
  /** The host's identity (user@host:port, or "local"): what ran there is remembered under it. */
  readonly id: string;
  /** Set when `heartbeat` is available: the silence (seconds) after which a run ends itself. */
  readonly heartbeatTimeoutSeconds?: number;
  /**
   * Runs ARGV in the user's login environment, INPUT on stdin, from CWD (`~/` allowed; default: the
   * login directory); output collected.
   */
  run(argv: readonly string[], options?: { input?: string; cwd?: string }): Promise<CommandResult>;
  /**
   * Runs the bash SCRIPT (the project's own text, never user text) with ARGS as $1..., in its own
   * process group, streaming its output; resolves with its exit status (128+N after signal N).
   */
  stream(
    script: string,
    args: readonly string[],
    output: StreamOutput,
    options?: StreamOptions,
  ): Promise<number>;
  /**
   * Ends the process group whose id a script wrote to PIDFILE (TERM, then KILL), waiting up to
   * WAITSECONDS for the file; never rejects.
   */
  stopGroup(pidFile: string, waitSeconds?: number): Promise<StopOutcome>;
  /** Places CONTENT at ~/.cache/lumi-modules/runs/<sha256>/NAME (upload.ts), reused when there. */
  upload(content: Buffer, name: string, mode: number): Promise<UploadedFile>;
  /** Up to MAXBYTES of the file at PATH from OFFSET, or its last MAXBYTES without one (FileMissingError). */
  read(
    path: string,
    range: { offset?: number; maxBytes: number },
  ): Promise<{ bytes: Buffer; offset: number }>;
  /** True when ERR means the way to the host is gone (what was started there may still run). */
  lost(err: unknown): boolean;
}

/** Files larger than this are not uploaded (a Python entry point is far smaller). */
export const MAX_UPLOAD_BYTES = 64 << 20;

/** Uploads the local file at LOCALPATH through EXECUTOR (its name kept), mode MODE. */
export async function uploadFile(executor: Executor, localPath: string, mode = 0o700): Promise<UploadedFile> {
  // The bounded reader: a FIFO or a device is refused unopened, a huge file is not read.
  const read = readBounded(localPath, MAX_UPLOAD_BYTES);
  if (!read.ok) throw new ExecError(`cannot read ${localPath}: ${read.message}`);
  if (read.truncated)
    throw new ExecError(`${localPath} is larger than ${MAX_UPLOAD_BYTES >> 20} MiB: not uploaded`);
  return executor.upload(read.bytes, basename(localPath), mode);
}

/** The stop command's answer (its last line: `stopped PGID`, `not-running`, `still-running PGID`). */
export function parseStopAnswer(out: string): StopOutcome {
  const last = /(stopped|not-running|still-running)(?: (\d+))?\s*$/.exec(out);
  if (!last)
    return { state: 'failed', reason: `unexpected answer from the host: ${JSON.stringify(out.slice(-200))}` };
  return {
    state: last[1] as 'stopped' | 'not-running' | 'still-running',
    processGroup: last[2] ? Number(last[2]) : undefined,
  };
}
