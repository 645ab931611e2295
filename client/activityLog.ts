// The lines LUMI: Show Output gets for each run and batch job: where, what, with which modules, and
// how it ended. Names only (host alias, file, module names, job id and state), never an environment
// value or a setting's text beyond those; control characters escaped, so each is one line.
import { escapeControl } from '../core/common/terminalText';

const modulesText = (modules: readonly string[]) =>
  modules.length === 0 ? 'no module' : `module${modules.length === 1 ? '' : 's'} ${modules.join(', ')}`;

export interface RunLogStart {
  file: string;
  /** The SSH host alias, or undefined for a run on this LUMI node (a Remote-SSH window). */
  host: string | undefined;
  modules: readonly string[];
  srun: boolean;
}

const where = (host: string | undefined) => (host === undefined ? 'this LUMI node' : host);

export function runStartLine(run: RunLogStart): string {
  const srun = run.srun ? ', srun' : '';
  return escapeControl(
    `run started: ${run.file} on ${where(run.host)} with ${modulesText(run.modules)}${srun}`,
  );
}

/** The end of a run: its exit code (and whether it was stopped), or why it failed. */
export function runEndLine(
  run: { file: string; host: string | undefined },
  end: { exitCode: number; stopped: boolean } | { error: string },
): string {
  const how =
    'error' in end ? `failed: ${end.error}` : `exit code ${end.exitCode}${end.stopped ? ' (stopped)' : ''}`;
  return escapeControl(`run ended: ${run.file} on ${where(run.host)}, ${how}`);
}

export function jobSubmittedLine(job: {
  jobId: string;
  file: string;
  host: string | undefined;
  modules: readonly string[];
}): string {
  return escapeControl(
    `job ${job.jobId} submitted: ${job.file} on ${where(job.host)} with ${modulesText(job.modules)}`,
  );
}

export function jobSubmitFailedLine(job: { file: string; host: string | undefined }, error: string): string {
  return escapeControl(`job not submitted: ${job.file} on ${where(job.host)}: ${error}`);
}

/** The job's final state as the follower saw it (COMPLETED, FAILED, ..., or UNKNOWN, DISCONNECTED). */
export function jobEndLine(
  job: { jobId: string; host: string | undefined },
  state: string,
  exitCode?: number,
): string {
  const code = exitCode === undefined ? '' : `, exit code ${exitCode}`;
  return escapeControl(`job ${job.jobId} on ${where(job.host)}: ${state}${code}`);
}
