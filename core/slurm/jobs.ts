// Slurm over one SSH connection: submit a job script, follow a job (state changes and its output
// files, through templates/slurm-follow.sh on the login node), cancel, list the user's jobs.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SshConnection } from '../remote/connection';
import { resourcePath } from '../common/resources';
import { buildJobScript, buildSubmitCommand, loginShell, type SubmitSpec } from './jobScript';

/** sbatch refused the job; the message is Slurm's own (e.g. "sbatch: error: invalid partition specified: x"). */
export class SlurmError extends Error {}

const JOB_ID = /^\d+(?:_\d+)?$/;

function collect(): { chunks: Buffer[]; push: (c: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  return { chunks, push: (c) => chunks.push(c), text: () => Buffer.concat(chunks).toString('utf8') };
}

function checkJobId(jobId: string): void {
  if (!JOB_ID.test(jobId)) throw new SlurmError(`'${jobId}' is not a Slurm job id`);
}

/** Submits the job; resolves with its id. */
export async function submitJob(connection: SshConnection, spec: SubmitSpec): Promise<{ jobId: string; jobScript: string }> {
  const jobScript = buildJobScript(spec);
  const out = collect();
  const err = collect();
  const result = await connection.exec(buildSubmitCommand(spec, jobScript), { onStdout: out.push, onStderr: err.push });
  // --parsable prints "ID" or "ID;CLUSTER" as its last line; a login banner may come before it.
  const last = out.text().trim().split('\n').pop() ?? '';
  const jobId = /^(\d+)(?:;.*)?$/.exec(last)?.[1];
  if (result.code !== 0 || jobId === undefined) {
    const message = err.text().trim() || out.text().trim() || `sbatch exited with ${result.code}`;
    throw new SlurmError(message);
  }
  return { jobId, jobScript };
}

/** Asks Slurm to cancel the job (scancel). */
export async function cancelJob(connection: SshConnection, jobId: string): Promise<void> {
  checkJobId(jobId);
  const err = collect();
  const result = await connection.exec(loginShell('scancel -- "$1"', [jobId]), { onStderr: err.push });
  if (result.code !== 0) throw new SlurmError(err.text().trim() || `scancel exited with ${result.code}`);
}

export interface JobSummary {
  jobId: string;
  partition: string;
  state: string;
  /** Elapsed time as squeue prints it (e.g. 1:02:03, 0:00 while pending). */
  elapsed: string;
  /** Time limit as squeue prints it. */
  timeLimit: string;
  /** Pending: the reason; running: the node list. */
  where: string;
  name: string;
}

/** The user's jobs in the queue (squeue --me). */
export async function listJobs(connection: SshConnection): Promise<JobSummary[]> {
  const out = collect();
  const err = collect();
  // \x1f between fields; the name (which may hold anything but a newline) last.
  const result = await connection.exec(loginShell('squeue --me -h -o "$1"', ['%i\x1f%P\x1f%T\x1f%M\x1f%l\x1f%R\x1f%j']), { onStdout: out.push, onStderr: err.push });
  if (result.code !== 0) throw new SlurmError(err.text().trim() || `squeue exited with ${result.code}`);
  return out
    .text()
    .split('\n')
    .filter((l) => l.includes('\x1f'))
    .map((l) => {
      const [jobId, partition, state, elapsed, timeLimit, where, ...name] = l.split('\x1f');
      return { jobId, partition, state, elapsed, timeLimit, where, name: name.join('\x1f') };
    });
}

/**
 * The end of the job's stdout file (at most MAX_BYTES, read over SFTP) and its path, from
 * `scontrol show job` (which knows the job until MinJobAge after its end).
 */
export async function readJobOutput(connection: SshConnection, jobId: string, maxBytes = 1 << 20): Promise<{ path: string; text: string; skipped: number }> {
  checkJobId(jobId);
  const out = collect();
  const err = collect();
  const result = await connection.exec(loginShell('scontrol show job "$1"', [jobId]), { onStdout: out.push, onStderr: err.push });
  if (result.code !== 0) throw new SlurmError(err.text().trim() || `scontrol exited with ${result.code}`);
  const path = /^\s*StdOut=(.*)$/m.exec(out.text())?.[1];
  if (!path) throw new SlurmError(`Slurm does not say where job ${jobId} writes its output`);
  const sftp = await connection.sftp();
  try {
    const size = await new Promise<number>((resolve, reject) => sftp.stat(path, (e, st) => (e ? reject(new SlurmError(`${path}: ${e.message} (has the job started?)`)) : resolve(st.size))));
    const start = Math.max(0, size - maxBytes);
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = sftp.createReadStream(path, { start });
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('error', (e: Error) => reject(new SlurmError(`${path}: ${e.message}`)));
      stream.on('end', () => resolve());
    });
    return { path, text: Buffer.concat(chunks).toString('utf8'), skipped: start };
  } finally {
    sftp.end();
  }
}

export type JobEvent =
  | { kind: 'files'; stdout: string; stderr: string }
  | { kind: 'state'; state: string; reason: string; nodes: string }
  | { kind: 'end'; state: string; exitCode: number; slurmExitCode: string };

export interface FollowHandlers {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  event(event: JobEvent): void;
}

export interface FollowResult {
  /** 'ended': the job finished; 'detached': the signal stopped following; 'unknown': Slurm no longer knows the job. */
  outcome: 'ended' | 'detached' | 'unknown';
  state?: string;
  exitCode: number;
  message?: string;
}

/** What a shell would report for a job: its own exit status, 128+N when killed by signal N, 1 for a failure without one. */
export function jobExitCode(state: string, slurmExitCode: string): number {
  const [code, signal] = slurmExitCode.split(':').map(Number);
  if (signal > 0) return 128 + signal;
  if (Number.isInteger(code) && code > 0) return code;
  return state === 'COMPLETED' ? 0 : 1;
}

/**
 * Splits the follow script's stderr into the job's own stderr bytes and event records
 * (\x1e NONCE \x1f fields... \n). Bytes that may begin a record are held back until the next chunk.
 */
export class EventDemux {
  private readonly marker: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private inRecord = false;

  constructor(
    nonce: string,
    private readonly onData: (chunk: Buffer) => void,
    private readonly onRecord: (fields: string[]) => void,
  ) {
    this.marker = Buffer.from(`\x1e${nonce}\x1f`);
  }

  push(chunk: Buffer): void {
    let buf: Buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.inRecord) {
        const nl = buf.indexOf(10);
        if (nl === -1) {
          this.pending = buf;
          return;
        }
        this.onRecord(buf.subarray(0, nl).toString('utf8').split('\x1f'));
        buf = buf.subarray(nl + 1);
        this.inRecord = false;
        continue;
      }
      const at = buf.indexOf(this.marker);
      if (at !== -1) {
        if (at > 0) this.onData(buf.subarray(0, at));
        buf = buf.subarray(at + this.marker.length);
        this.inRecord = true;
        continue;
      }
      // Hold back a tail that could be the start of a marker split across chunks.
      let keep = 0;
      for (let k = Math.min(this.marker.length - 1, buf.length); k > 0; k--) {
        if (buf.subarray(buf.length - k).equals(this.marker.subarray(0, k))) {
          keep = k;
          break;
        }
      }
      if (buf.length > keep) this.onData(buf.subarray(0, buf.length - keep));
      this.pending = Buffer.from(buf.subarray(buf.length - keep));
      return;
    }
  }

  /** The rest, at the end of the stream. */
  flush(): void {
    if (this.pending.length > 0 && !this.inRecord) this.onData(this.pending);
    this.pending = Buffer.alloc(0);
  }
}

let followScript: string | undefined;

export interface FollowOptions {
  /** Seconds between state polls (each one is an RPC to slurmctld). Default 1. */
  stateInterval?: number;
  /** Seconds between reads of the output files. Default 0.2. */
  readInterval?: number;
}

/**
 * Follows JOBID until it ends (or SIGNAL aborts: then the follow stops and the job is left alone).
 * The job's output is streamed as it grows; state changes arrive as events.
 */
export async function followJob(connection: SshConnection, jobId: string, handlers: FollowHandlers, signal?: AbortSignal, options: FollowOptions = {}): Promise<FollowResult> {
  checkJobId(jobId);
  followScript ??= readFileSync(resourcePath('templates', 'slurm-follow.sh'), 'utf8');
  const nonce = randomBytes(8).toString('hex');
  let end: FollowResult | undefined;
  let gone: string | undefined;
  const demux = new EventDemux(nonce, handlers.stderr, (fields) => {
    const [kind, ...rest] = fields;
    if (kind === 'files') handlers.event({ kind, stdout: rest[0] ?? '', stderr: rest[1] ?? '' });
    else if (kind === 'state') handlers.event({ kind, state: rest[0] ?? '', reason: rest[1] ?? '', nodes: rest[2] ?? '' });
    else if (kind === 'end') {
      const state = rest[0] ?? '';
      const exitCode = jobExitCode(state, rest[1] ?? '');
      end = { outcome: 'ended', state, exitCode };
      handlers.event({ kind, state, exitCode, slurmExitCode: rest[1] ?? '' });
    } else if (kind === 'gone') gone = rest.join(' ');
  });
  const args = [jobId, nonce, String(options.stateInterval ?? 1), String(options.readInterval ?? 0.2)];
  const result = await connection.exec(loginShell(followScript, args), { onStdout: handlers.stdout, onStderr: (c) => demux.push(c), signal });
  demux.flush();
  if (end) return end;
  if (signal?.aborted) return { outcome: 'detached', exitCode: 130 };
  if (gone !== undefined) return { outcome: 'unknown', exitCode: 1, message: `Slurm no longer knows job ${jobId} (${gone.trim()})` };
  return { outcome: 'unknown', exitCode: 1, message: `following job ${jobId} stopped unexpectedly (exit ${result.code})` };
}
