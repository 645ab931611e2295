// Slurm through an Executor (core/remote/executor.ts: the kept SSH connection, or this machine):
// submit a job script, follow a job (state changes and its output files, through
// templates/slurm-follow.sh on the login node), cancel, list the user's jobs, read a job's output.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resourcePath } from '../common/resources';
import { buildJobScript, submitArgv, type SubmitSpec } from './jobScript';
import {
  FileMissingError,
  ProgramNotStartedError,
  type CommandResult,
  type Executor,
} from '../remote/executor';

/** Slurm (or the way to it) refused or failed; the message is Slurm's own where there is one. */
export class SlurmError extends Error {}

/** A Slurm command through EXECUTOR; a program that is not there is named with the likely reason. */
async function slurm(
  executor: Executor,
  argv: readonly string[],
  options?: { input?: string; cwd?: string },
): Promise<CommandResult> {
  try {
    return await executor.run(argv, options);
  } catch (err) {
    if (err instanceof ProgramNotStartedError)
      throw new SlurmError(
        `cannot run ${err.program} on ${executor.where} (is it a Slurm login node?): ${err.detail}`,
      );
    throw err;
  }
}

const JOB_ID = /^\d+(?:_\d+)?$/;

function checkJobId(jobId: string): void {
  if (!JOB_ID.test(jobId)) throw new SlurmError(`'${jobId}' is not a Slurm job id`);
}

/** Throws Slurm's own message when the command failed. */
function succeeded(result: CommandResult, program: string): CommandResult {
  if (result.code !== 0)
    throw new SlurmError(
      result.stderr.trim() || result.stdout.trim() || `${program} exited with ${result.code}`,
    );
  return result;
}

/** The job id in sbatch --parsable's answer: the first line that is `ID` or `ID;CLUSTER`. */
export function parsableJobId(stdout: string): string | undefined {
  for (const line of stdout.split('\n')) {
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    const id = /^(\d+)(?:;[^\x00-\x1f]*)?$/.exec(line.replace(/\r$/, ''))?.[1];
    if (id) return id;
  }
  return undefined;
}

/** Submits the job; resolves with its id. */
export async function submitJob(
  executor: Executor,
  spec: SubmitSpec,
): Promise<{ jobId: string; jobScript: string }> {
  const jobScript = buildJobScript(spec);
  const result = await slurm(executor, submitArgv(spec), { input: jobScript, cwd: spec.cwd });
  // --parsable prints "ID" or "ID;CLUSTER" on a line of its own; the executor has dropped what
  // the login shell printed before the command, and a wrapper around sbatch may add notices.
  const jobId = parsableJobId(result.stdout);
  succeeded(result, 'sbatch');
  if (jobId === undefined)
    throw new SlurmError(
      result.stderr.trim() || `sbatch printed no job id: ${JSON.stringify(result.stdout.slice(-200))}`,
    );
  return { jobId, jobScript };
}

/** Asks Slurm to cancel the job (scancel). */
export async function cancelJob(executor: Executor, jobId: string): Promise<void> {
  checkJobId(jobId);
  succeeded(await slurm(executor, ['scancel', '--', jobId]), 'scancel');
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
export async function listJobs(executor: Executor): Promise<JobSummary[]> {
  // \x1f between fields; the name (which may hold anything but a newline) last.
  const result = succeeded(
    await slurm(executor, ['squeue', '--me', '-h', '-o', '%i\x1f%P\x1f%T\x1f%M\x1f%l\x1f%R\x1f%j']),
    'squeue',
  );
  return result.stdout
    .split('\n')
    .filter((l) => l.includes('\x1f'))
    .map((l) => {
      const [jobId, partition, state, elapsed, timeLimit, where, ...name] = l.split('\x1f');
      return { jobId, partition, state, elapsed, timeLimit, where, name: name.join('\x1f') };
    });
}

/**
 * The end of the job's stdout file (at most MAX_BYTES) and its path, from `scontrol show job`
 * (which knows the job until MinJobAge after its end).
 */
export async function readJobOutput(
  executor: Executor,
  jobId: string,
  maxBytes = 1 << 20,
): Promise<{ path: string; text: string; skipped: number }> {
  checkJobId(jobId);
  const result = succeeded(await slurm(executor, ['scontrol', 'show', 'job', jobId]), 'scontrol');
  const path = /^\s*StdOut=(.*)$/m.exec(result.stdout)?.[1];
  if (!path) throw new SlurmError(`Slurm does not say where job ${jobId} writes its output`);
  try {
    const { bytes, offset } = await executor.read(path, { maxBytes });
    return { path, text: bytes.toString('utf8'), skipped: offset };
  } catch (err) {
    if (err instanceof FileMissingError) throw new SlurmError(`${path}: no such file (has the job started?)`);
    throw err;
  }
}

export type JobEvent =
  | { kind: 'files'; stdout: string; stderr: string }
  /** The Slurm controller does not answer (timed out, refused): asked again with backoff. */
  | { kind: 'stalled'; message: string }
  | { kind: 'resumed' }
  /** The job ran, but no output file of its own was found (FILE as Slurm names it). */
  | { kind: 'nooutput'; file: string }
  | { kind: 'state'; state: string; reason: string; nodes: string }
  | { kind: 'end'; state: string; exitCode: number; slurmExitCode: string };

export interface FollowHandlers {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  event(event: JobEvent): void;
}

export interface FollowResult {
  /**
   * 'ended': the job finished; 'detached': the signal stopped following; 'unknown': Slurm no longer knows the
   * job.
   */
  outcome: 'ended' | 'detached' | 'unknown';
  state?: string;
  exitCode: number;
  message?: string;
}

/**
 * What a shell would report for a job: its own exit status, 128+N when killed by signal N, 1 for a failure
 * without one.
 */
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
  private readonly onData: (chunk: Buffer) => void;
  private readonly onRecord: (fields: string[]) => void;
  private pending: Buffer = Buffer.alloc(0);
  private inRecord = false;
  /** Until the script's `start` record, data is the login shell's (banners): dropped. */
  private started: boolean;

  constructor(
    nonce: string,
    onData: (chunk: Buffer) => void,
    onRecord: (fields: string[]) => void,
    options: { dropUntilStart?: boolean } = {},
  ) {
    this.marker = Buffer.from(`\x1e${nonce}\x1f`);
    this.started = !options.dropUntilStart;
    this.onData = (chunk) => {
      if (this.started) onData(chunk);
    };
    this.onRecord = (fields) => {
      if (fields[0] === 'start' && fields.length === 1) this.started = true;
      else onRecord(fields);
    };
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
export async function followJob(
  executor: Executor,
  jobId: string,
  handlers: FollowHandlers,
  signal?: AbortSignal,
  options: FollowOptions = {},
): Promise<FollowResult> {
  checkJobId(jobId);
  followScript ??= readFileSync(resourcePath('templates', 'slurm-follow.sh'), 'utf8');
  const nonce = randomBytes(8).toString('hex');
  let end: FollowResult | undefined;
  let gone: string | undefined;
  const demux = new EventDemux(
    nonce,
    handlers.stderr,
    (fields) => {
      const [kind, ...rest] = fields;
      if (kind === 'files') handlers.event({ kind, stdout: rest[0] ?? '', stderr: rest[1] ?? '' });
      else if (kind === 'stalled') handlers.event({ kind, message: rest.join(' ').trim() });
      else if (kind === 'resumed') handlers.event({ kind });
      else if (kind === 'nooutput') handlers.event({ kind, file: rest[0] ?? '' });
      else if (kind === 'state')
        handlers.event({ kind, state: rest[0] ?? '', reason: rest[1] ?? '', nodes: rest[2] ?? '' });
      else if (kind === 'end') {
        const state = rest[0] ?? '';
        const exitCode = jobExitCode(state, rest[1] ?? '');
        end = { outcome: 'ended', state, exitCode };
        handlers.event({ kind, state, exitCode, slurmExitCode: rest[1] ?? '' });
      } else if (kind === 'gone') gone = rest.join(' ');
    },
    { dropUntilStart: true },
  );
  // The job's stdout: what the login shell printed before the script's start line is dropped.
  const stdoutMarker = new EventDemux(nonce, handlers.stdout, () => undefined, { dropUntilStart: true });
  const args = [jobId, nonce, String(options.stateInterval ?? 1), String(options.readInterval ?? 0.2)];
  const code = await executor.stream(
    followScript,
    args,
    { stdout: (c) => stdoutMarker.push(c), stderr: (c) => demux.push(c) },
    { signal },
  );
  stdoutMarker.flush();
  demux.flush();
  if (end) return end;
  if (signal?.aborted) return { outcome: 'detached', exitCode: 130 };
  if (gone !== undefined)
    return {
      outcome: 'unknown',
      exitCode: 1,
      message: `Slurm no longer knows job ${jobId} (${gone.trim()})`,
    };
  return {
    outcome: 'unknown',
    exitCode: 1,
    message: `following job ${jobId} stopped unexpectedly (exit ${code})`,
  };
}
