// Builds the command that runs a Python script through a container module on LUMI. This is the
// only place that assembles remote shell code; every user value goes through shellQuote /
// shellQuotePath so any byte sequence (spaces, quotes, `$(...)`, `;`, newlines) arrives unchanged.
import { shellJoin, shellQuote, shellQuotePath } from '../shell/quote';

export interface RunSpec {
  /** Directories for `module use`, in order. */
  modulePaths: readonly string[];
  /** Modules to `module load`, in order (e.g. the container module). */
  modules: readonly string[];
  /** A venv to activate (its bin/activate is sourced after the modules are loaded). */
  venv?: string;
  /** Working directory on the remote; default: the login directory. */
  cwd?: string;
  /** The user's own shell lines, run first (e.g. `export OMP_NUM_THREADS=7`). */
  preamble?: string;
  /** `srun` options as words; undefined runs python on the login node. */
  srun?: readonly string[];
  /** Script path on the remote. */
  script: string;
  args: readonly string[];
  /** Remote file holding the run's process group id, so a cancel can end the whole tree. */
  pidFile: string;
}

/** The remote directory that holds process-group files of running runs. */
export const PID_DIR = '~/.cache/lumi-modules/pids';
/** The remote directory that holds uploaded scripts, one directory per content hash. */
export const RUNS_DIR = '~/.cache/lumi-modules/runs';

function fail(message: string): string {
  return `{ printf '%s\\n' ${shellQuote(`lumi-modules: ${message}`)} >&2; exit 127; }`;
}

/** The bash script (run by `bash -l -c`, so `module` exists); the script and its args are "$@". */
export function buildRunScript(spec: RunSpec): string {
  const lines = [
    '# lumi-modules run: the login shell has loaded Lmod; $$ leads the process group of this run.',
    `lumi_pid_file=${shellQuotePath(spec.pidFile)}`,
    `mkdir -p ${shellQuotePath(PID_DIR)} && echo "$$" > "$lumi_pid_file"`,
    `trap 'rm -f "$lumi_pid_file"' EXIT`,
  ];
  if (spec.preamble) lines.push(`eval ${shellQuote(spec.preamble)}`);
  if (spec.modulePaths.length > 0 || spec.modules.length > 0) {
    lines.push(`type module >/dev/null 2>&1 || ${fail('the module command is not available in a bash login shell on this host (is Lmod set up?)')}`);
  }
  for (const dir of spec.modulePaths) {
    lines.push(`[ -d ${shellQuotePath(dir)} ] || ${fail(`module directory ${dir} does not exist on this host: fix lumiModules.run.modulePaths (--module-use)`)}`);
    lines.push(`module use ${shellQuotePath(dir)}`);
  }
  for (const name of spec.modules) {
    lines.push(`module load ${shellQuote(name)} || ${fail(`module ${name} not found or failed to load: add its directory to lumiModules.run.modulePaths (--module-use)`)}`);
  }
  if (spec.venv) {
    lines.push(`[ -f ${shellQuotePath(spec.venv)}/bin/activate ] || ${fail(`no venv at ${spec.venv} (bin/activate is missing): fix lumiModules.run.venv (--venv)`)}`);
    lines.push(`source ${shellQuotePath(spec.venv)}/bin/activate`);
  }
  if (spec.cwd) lines.push(`cd ${shellQuotePath(spec.cwd)} || ${fail(`cannot change to directory ${spec.cwd}`)}`);
  const runner = spec.srun ? `srun ${shellJoin(spec.srun)} ` : '';
  // Not exec: the trap removes the pid file; the status of python is the status of the run.
  lines.push(`${runner}python "$@"`, 'exit $?');
  return lines.join('\n') + '\n';
}

/** The remote command line: the login shell execs `bash -l -c SCRIPT` with the script and args. */
export function buildRemoteCommand(spec: RunSpec): string {
  return `exec bash -l -c ${shellQuote(buildRunScript(spec))} lumi-modules-run ${shellJoin([spec.script, ...spec.args])}`;
}

/** Ends the run's whole process group: TERM, then KILL after 2 s for what ignores TERM. */
export function buildCancelCommand(pidFile: string): string {
  const f = shellQuotePath(pidFile);
  return [
    `f=${f}`,
    // A cancel right after the start can come before the run wrote its pid file: wait for it.
    'for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -f "$f" ] && break; sleep 0.1; done',
    '[ -f "$f" ] || exit 0',
    'pg=$(cat "$f")',
    'kill -TERM -- "-$pg" 2>/dev/null',
    'for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do kill -0 -- "-$pg" 2>/dev/null || { rm -f "$f"; exit 0; }; sleep 0.1; done',
    'kill -KILL -- "-$pg" 2>/dev/null',
    'rm -f "$f"',
  ].join('; ');
}
