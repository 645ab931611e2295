// `lumi-modules submit`, `jobs` and `follow`: a Python script as a Slurm batch job on LUMI.
// Exit codes: submit/follow: the job's exit code (128+N when killed by signal N); 1 when Slurm
// refuses the job or no longer knows it; 130 on Ctrl+C; 255 when SSH fails (as ssh); 2 on bad usage.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, SshError, type SshConnection } from '../core/remote/connection';
import { resolveHost, SshConfigError } from '../core/remote/sshConfig';
import { ShellWordsError, splitShellWords } from '../core/shell/words';
import { shellQuote } from '../core/shell/quote';
import {
  cancelJob,
  followJob,
  listJobs,
  SlurmError,
  submitJob,
  type FollowResult,
  type JobEvent,
} from '../core/slurm/jobs';
import { ExecError, uploadFile, type Executor } from '../core/remote/executor';
import { LOCAL_HOST, localExecutor } from '../core/remote/localExecutor';
import { sshExecutor } from '../core/remote/sshExecutor';
import { SubmitInputError } from '../core/slurm/jobScript';
import { parseCommandArgs } from './args';

/** The parsed command line as these subcommands read it (node:util.parseArgs values). */
interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}
const stringFlag = (args: ParsedArgs, name: string) =>
  typeof args.values[name] === 'string' ? (args.values[name] as string) : undefined;
const booleanFlag = (args: ParsedArgs, name: string) => args.values[name] === true;
const listFlag = (args: ParsedArgs, name: string) =>
  Array.isArray(args.values[name]) ? (args.values[name] as string[]) : [];
const HOST_OPTIONS = {
  host: { type: 'string' },
  'ssh-config': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
import { CliIO, UsageError } from './io';
import { cliPrompts } from './run';

const LOCAL_HOST_HELP = [
  `--host ${LOCAL_HOST}: Slurm on this machine (on a LUMI login node), no SSH: sbatch, squeue, scontrol`,
  'and scancel from PATH, the script used in place, submitted from the current directory (or --cwd).',
].join('\n');

export const submitUsage = [
  'usage: lumi-modules submit --host ALIAS [--ssh-config FILE] [--module-use DIR]... [--module NAME]...',
  "                          [--venv DIR] [--cwd DIR] [--preamble 'LINES'] [--sbatch 'SBATCH OPTIONS']",
  "                          [--srun 'SRUN OPTIONS'] [--template FILE] [--detach] [--remote-script]",
  '                          SCRIPT [ARGS...]',
  'Submits SCRIPT as a batch job (templates/slurm-lumi-g.sh: small-g, 1 GPU, 7 cores, 30 min), prints',
  'its id, follows it (states on stderr, its output live) and exits with its exit code. Ctrl+C cancels',
  'the job (scancel); with --detach, Ctrl+C only stops following.',
  LOCAL_HOST_HELP,
].join('\n');
export const jobsUsage = `usage: lumi-modules jobs --host ALIAS [--ssh-config FILE]
${LOCAL_HOST_HELP}`;
export const followUsage = `usage: lumi-modules follow --host ALIAS [--ssh-config FILE] JOBID
Re-attaches to a job: states on stderr, its output live, exit with its exit code. Ctrl+C stops
following and leaves the job alone.
${LOCAL_HOST_HELP}`;

function words(args: ParsedArgs, flag: string): string[] {
  try {
    return splitShellWords(stringFlag(args, flag) ?? '');
  } catch (err) {
    if (err instanceof ShellWordsError) throw new UsageError(`--${flag}: ${err.message}`);
    throw err;
  }
}

/**
 * Opens the executor (--host local: this machine; else the SSH connection), runs FN, maps SSH and
 * Slurm failures to messages and exit codes.
 */
async function withExecutor(
  name: string,
  io: CliIO,
  args: ParsedArgs,
  usage: string,
  fn: (executor: Executor) => Promise<number>,
): Promise<number> {
  const host = stringFlag(args, 'host');
  if (!host) throw new UsageError(`--host is required\n${usage}`);
  const sshConfig = stringFlag(args, 'ssh-config');
  if (host === LOCAL_HOST && sshConfig)
    throw new UsageError(`--ssh-config does not apply to --host ${LOCAL_HOST} (no SSH)\n${usage}`);
  let connection: SshConnection | undefined;
  try {
    if (host === LOCAL_HOST) return await fn(localExecutor({ env: io.env, cwd: io.cwd }));
    const resolved = await resolveHost(host, sshConfig ? resolve(io.cwd, sshConfig) : undefined, io.env);
    connection = await connect(resolved, cliPrompts(io));
    return await fn(sshExecutor(connection));
  } catch (err) {
    if (err instanceof SlurmError || err instanceof SubmitInputError || err instanceof ExecError) {
      io.stderr.write(`lumi-modules ${name}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof SshError || err instanceof SshConfigError) {
      io.stderr.write(`lumi-modules ${name}: ${err.message}\n`);
      return 255;
    }
    throw err;
  } finally {
    connection?.close();
  }
}

/** How a state change reads on stderr. */
export function describeEvent(jobId: string, event: JobEvent): string | undefined {
  if (event.kind === 'state') {
    if (event.state === 'PENDING')
      return `job ${jobId} PENDING${event.reason && event.reason !== 'None' ? ` (${event.reason})` : ''}`;
    if (event.state === 'RUNNING')
      return `job ${jobId} RUNNING${event.nodes && event.nodes !== '(null)' ? ` on ${event.nodes}` : ''}`;
    return `job ${jobId} ${event.state}`;
  }
  if (event.kind === 'end') {
    const slurm = event.slurmExitCode ? ` (Slurm ExitCode=${event.slurmExitCode})` : '';
    return `job ${jobId} ${event.state}, exit code ${event.exitCode}${slurm}`;
  }
  if (event.kind === 'stalled')
    return `the Slurm controller does not answer (${event.message}); asking again until it does`;
  if (event.kind === 'resumed') return 'the Slurm controller answers again';
  if (event.kind === 'nooutput')
    return `job ${jobId} ran, but no output file of its own was found${event.file ? ` (${event.file})` : ''}`;
  if (event.kind === 'files') {
    const files = event.stdout === event.stderr ? event.stdout : `${event.stdout} and ${event.stderr}`;
    return files ? `job ${jobId} output: ${files}` : undefined;
  }
  return undefined;
}

/**
 * Follows JOBID on CONNECTION with the CLI's Ctrl+C: first Ctrl+C cancels the job (scancel) when
 * CANCEL_ON_INTERRUPT, else stops following; a second one exits at once.
 */
async function followInCli(
  name: string,
  io: CliIO,
  executor: Executor,
  jobId: string,
  hostArgs: string,
  cancelOnInterrupt: boolean,
): Promise<number> {
  const detach = new AbortController();
  let interrupts = 0;
  let cancelling: Promise<unknown> | undefined;
  const reattach = `re-attach with: lumi-modules follow ${hostArgs} ${jobId}`;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    if (cancelOnInterrupt) {
      io.stderr.write(`\nlumi-modules: cancelling job ${jobId} (scancel)...\n`);
      cancelling = cancelJob(executor, jobId).catch((err: Error) => {
        io.stderr.write(`lumi-modules ${name}: could not cancel job ${jobId}: ${err.message}\n`);
        detach.abort();
      });
    } else {
      io.stderr.write(
        `\nlumi-modules: stopped following; job ${jobId} keeps its place in Slurm (${reattach})\n`,
      );
      detach.abort();
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let result: FollowResult;
  try {
    result = await followJob(
      executor,
      jobId,
      {
        stdout: (c) => io.stdout.write(c),
        stderr: (c) => io.stderr.write(c),
        event: (e) => {
          const line = describeEvent(jobId, e);
          if (line) io.stderr.write(`lumi-modules: ${line}\n`);
        },
      },
      detach.signal,
    );
  } catch (err) {
    if (err instanceof SshError) {
      io.stderr.write(`lumi-modules ${name}: ${err.message}; job ${jobId} is not affected (${reattach})\n`);
      return 255;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (cancelling) {
    await cancelling;
    return 130;
  }
  if (result.message) io.stderr.write(`lumi-modules ${name}: ${result.message}\n`);
  return result.exitCode;
}

function hostArgsOf(args: ParsedArgs): string {
  const sshConfig = stringFlag(args, 'ssh-config');
  const hostArg = `--host ${shellQuote(stringFlag(args, 'host') ?? '')}`;
  return sshConfig ? `${hostArg} --ssh-config ${shellQuote(sshConfig)}` : hostArg;
}

export async function submitCommand(argv: string[], io: CliIO): Promise<number> {
  const args: ParsedArgs = parseCommandArgs(
    argv,
    {
      ...HOST_OPTIONS,
      'module-use': { type: 'string', multiple: true },
      module: { type: 'string', multiple: true },
      venv: { type: 'string' },
      cwd: { type: 'string' },
      preamble: { type: 'string' },
      sbatch: { type: 'string' },
      srun: { type: 'string' },
      template: { type: 'string' },
      detach: { type: 'boolean' },
      'remote-script': { type: 'boolean' },
    },
    { stopAtFirstPositional: true },
  );
  if (booleanFlag(args, 'help')) {
    io.stdout.write(submitUsage + '\n');
    return 0;
  }
  const [script, ...scriptArgs] = args.positionals;
  if (!stringFlag(args, 'host')) throw new UsageError(`--host is required\n${submitUsage}`);
  if (script === undefined) throw new UsageError(`a SCRIPT to submit is required\n${submitUsage}`);
  const remoteScript = booleanFlag(args, 'remote-script');
  const localScript =
    remoteScript && stringFlag(args, 'host') !== LOCAL_HOST ? script : resolve(io.cwd, script);
  if (!remoteScript && !(existsSync(localScript) && statSync(localScript).isFile())) {
    throw new UsageError(`${script} is not a local file (use --remote-script for a path on the remote)`);
  }
  const template = stringFlag(args, 'template');
  const sbatch = words(args, 'sbatch');
  const srun = words(args, 'srun');
  return withExecutor('submit', io, args, submitUsage, async (executor) => {
    const remotePath = remoteScript ? localScript : (await uploadFile(executor, localScript)).path;
    const { jobId } = await submitJob(executor, {
      modulePaths: listFlag(args, 'module-use'),
      modules: listFlag(args, 'module'),
      venv: stringFlag(args, 'venv'),
      cwd: stringFlag(args, 'cwd'),
      preamble: stringFlag(args, 'preamble'),
      sbatch,
      srun,
      template: template ? resolve(io.cwd, template) : undefined,
      script: remotePath,
      args: scriptArgs,
    });
    io.stdout.write(`${jobId}\n`);
    io.stderr.write(`lumi-modules: submitted batch job ${jobId}\n`);
    return followInCli('submit', io, executor, jobId, hostArgsOf(args), !booleanFlag(args, 'detach'));
  });
}

export async function followCommand(argv: string[], io: CliIO): Promise<number> {
  const args: ParsedArgs = parseCommandArgs(argv, HOST_OPTIONS);
  if (booleanFlag(args, 'help')) {
    io.stdout.write(followUsage + '\n');
    return 0;
  }
  if (!stringFlag(args, 'host')) throw new UsageError(`--host is required\n${followUsage}`);
  if (args.positionals.length !== 1) throw new UsageError(`one JOBID is required\n${followUsage}`);
  const jobId = args.positionals[0];
  if (!/^\d+(?:_\d+)?$/.test(jobId)) throw new UsageError(`'${jobId}' is not a Slurm job id\n${followUsage}`);
  return withExecutor('follow', io, args, followUsage, (executor) =>
    followInCli('follow', io, executor, jobId, hostArgsOf(args), false),
  );
}

export async function jobsCommand(argv: string[], io: CliIO): Promise<number> {
  const args: ParsedArgs = parseCommandArgs(argv, HOST_OPTIONS);
  if (booleanFlag(args, 'help')) {
    io.stdout.write(jobsUsage + '\n');
    return 0;
  }
  if (args.positionals.length > 0)
    throw new UsageError(`unexpected argument '${args.positionals[0]}'\n${jobsUsage}`);
  return withExecutor('jobs', io, args, jobsUsage, async (executor) => {
    const jobs = await listJobs(executor);
    // Control characters (a job name with escapes) are shown as \xNN, never sent to the terminal.
    const shown = (text: string) =>
      // eslint-disable-next-line no-control-regex -- control characters are what is looked for
      text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    const rows = [
      ['JOBID', 'PARTITION', 'STATE', 'TIME', 'TIME_LIMIT', 'NODES/REASON', 'NAME'],
      ...jobs.map((j) => [j.jobId, j.partition, j.state, j.elapsed, j.timeLimit, j.where, j.name].map(shown)),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows)
      io.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ') + '\n');
    return 0;
  });
}
