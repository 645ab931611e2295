// Builds the shell code that runs on the host: a run's script (a Python script through a container
// module), the stop of a process group, the login shell around a program or a script. Every user
// value goes through shellQuote / shellQuotePath so any byte sequence (spaces, quotes, `$(...)`, `;`,
// newlines) arrives unchanged.
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
  /** The script's arguments; a Buffer keeps bytes that are not UTF-8. */
  args: readonly (string | Buffer)[];
  /** Remote file holding the run's process group id, so a cancel can end the whole tree. */
  pidFile: string;
  /**
   * A remote file holding the arguments (NUL-separated), used instead of `args` on the command
   * line when they are too long for one command line or are not UTF-8.
   */
  argsFile?: string;
  /** SHA-256 (hex) the script must have; checked on the remote right before python starts. */
  scriptSha256?: string;
  /**
   * Seconds without a heartbeat line on stdin after which the remote run ends itself; end of
   * stdin ends it at once. For runs over SSH: the client gone (closed, killed, link dead) means
   * the remote process tree goes too. Undefined: no watchdog (the local run, stdin is /dev/null).
   */
  heartbeatTimeoutSeconds?: number;
}

/** The remote directory that holds process-group files of running runs. */
export const PID_DIR = '~/.cache/lumi-modules/pids';
/** The remote directory that holds uploaded scripts, one directory per content hash. */
export const RUNS_DIR = '~/.cache/lumi-modules/runs';
/**
 * A run's marker in its remote command line: `lumi_run_marker=lumi-run-<id>` (id from the pid file's name).
 */
export const RUN_MARKER_PREFIX = 'lumi-run-';

/** The run id of a pid file (its name). */
export function runId(pidFile: string): string {
  return pidFile.slice(pidFile.lastIndexOf('/') + 1);
}

/** A path as one shell word that cannot be read as an option (`-x` becomes `./-x`). */
function pathWord(path: string): string {
  return shellQuotePath(path.startsWith('-') ? `./${path}` : path);
}

/** A shell fragment that prints `lumi-modules: MESSAGE` on stderr and exits with CODE. */
export function shellFail(message: string, code = 127): string {
  const print = `printf '%s\\n' ${shellQuote(`lumi-modules: ${message}`)} >&2`;
  return `{ ${print}; exit ${shellQuote(String(code))}; }`;
}

/** $0 of a run's script. */
export const RUN_SCRIPT_NAME = 'lumi-modules-run';

/** `bash -l -c SCRIPT` with ARGS as $1...: the user's login environment, where sbatch and module live. */
export function loginShell(script: string, args: readonly string[], name = 'lumi-modules'): string {
  return `exec bash -l -c ${shellQuote(script)} ${shellQuote(name)} ${shellJoin(args)}`.trimEnd();
}

/** The message of a working directory that cannot be entered. */
export const cdProblem = (cwd: string) => `cannot change to directory ${cwd}`;

/**
 * The command for ARGV over SSH: in a login shell, change to CWD, then run ARGV with INPUT piped in
 * by printf (the input travels inside the command, so no stdin stream has to be closed). MARKER, on
 * stdout and stderr first, says where the program's output begins (afterMarker).
 */
export function buildLoginCommand(
  argv: readonly string[],
  options: { input?: string; cwd?: string } = {},
  marker?: string,
): string {
  const lines: string[] = [];
  // What the login shell printed before this line (banners, terminal titles, profile noise) is
  // not the command's: the marker, on stdout and stderr, says where the command's output begins.
  if (marker) lines.push(`printf '%s\\n' ${shellQuote(marker)}; printf '%s\\n' ${shellQuote(marker)} >&2`);
  if (options.cwd) lines.push(`cd ${shellQuotePath(options.cwd)} || ${shellFail(cdProblem(options.cwd), 1)}`);
  lines.push(
    options.input === undefined
      ? `exec ${shellJoin(argv)}`
      : `printf '%s' ${shellQuote(options.input)} | ${shellJoin(argv)}`,
  );
  return loginShell(lines.join('\n'), []);
}

/** TEXT after the line MARKER (what the command printed), or all of it when the marker never came. */
export function afterMarker(text: string, marker: string): string {
  const at = text.indexOf(`${marker}\n`);
  return at === -1 ? text : text.slice(at + marker.length + 1);
}

/**
 * `module load NAME`, and when it fails, why: a module that is there (`module is-avail`) failed in
 * its own load (a module it depends on is missing, its Lua failed), so Lmod's own error, printed just
 * before, says what; only a module that is not there gets NOTFOUNDHINT (where to add its directory).
 */
export function moduleLoad(name: string, notFoundHint: string): string {
  const word = shellQuote(name);
  const found = shellFail(`module ${name} is there, but Lmod could not load it: see Lmod's error above`);
  const missing = shellFail(`module ${name} not found: ${notFoundHint}`);
  return `module load -- ${word} || { module is-avail -- ${word} >/dev/null 2>&1 && ${found}; ${missing}; }`;
}

/** The bash script (run by `bash -l -c`, so `module` exists); the script and its args are "$@". */
export function buildRunScript(spec: RunSpec): string {
  const lines = [
    '# lumi-modules run: the login shell has loaded Lmod; $$ leads the process group of this run.',
    `lumi_run_marker=${shellQuote(RUN_MARKER_PREFIX + runId(spec.pidFile))}`,
    `lumi_pid_file=${shellQuotePath(spec.pidFile)}`,
    // Private (0700) and written whole (rename), so a cancel never reads an empty pid file.
    `(umask 077 && mkdir -p ${shellQuotePath(PID_DIR)} && echo "$$" > "$lumi_pid_file.new" ` +
      '&& mv -f "$lumi_pid_file.new" "$lumi_pid_file")',
  ];
  if (spec.heartbeatTimeoutSeconds !== undefined) {
    // The client writes a line to stdin every few seconds. End of stdin (channel closed, client
    // killed, SIGHUP) or silence (link dead) ends the whole process group, TERM then KILL.
    lines.push(
      'exec 3<&0 </dev/null',
      `( trap '' TERM INT HUP; ` +
        `while IFS= read -r -t ${shellQuote(String(spec.heartbeatTimeoutSeconds))} _ <&3; do :; done; ` +
        'kill -TERM -- "-$$" 2>/dev/null; sleep 2; kill -KILL -- "-$$" 2>/dev/null ) &',
      'lumi_watchdog=$!',
      'exec 3<&-',
      `trap 'rm -f "$lumi_pid_file"; kill -KILL "$lumi_watchdog" 2>/dev/null' EXIT`,
      // Ended by a signal: still run the EXIT trap (pid file, watchdog) with the shell's status.
      "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
    );
  } else lines.push(`trap 'rm -f "$lumi_pid_file"' EXIT`);
  if (spec.argsFile) {
    // Arguments too long for one command line, or not UTF-8: NUL-separated in a file.
    lines.push(
      `mapfile -d '' -t lumi_args < ${shellQuotePath(spec.argsFile)} || ` +
        shellFail(`cannot read the arguments file ${spec.argsFile}`),
      'set -- "$1" "${lumi_args[@]}"',
      'unset lumi_args',
    );
  }
  if (spec.preamble) lines.push(`eval ${shellQuote(spec.preamble)}`);
  if (spec.modulePaths.length > 0 || spec.modules.length > 0) {
    lines.push(
      'type module >/dev/null 2>&1 || ' +
        shellFail('the module command is not available in a bash login shell on this host (is Lmod set up?)'),
    );
  }
  for (const dir of spec.modulePaths) {
    lines.push(
      `[ -d ${pathWord(dir)} ] || ` +
        shellFail(
          `module directory ${dir} does not exist on this host: ` +
            'fix lumiModules.run.modulePaths (--module-use)',
        ),
    );
    lines.push(`module use -- ${pathWord(dir)}`);
  }
  for (const name of spec.modules)
    lines.push(moduleLoad(name, 'add its directory to lumiModules.run.modulePaths (--module-use)'));
  if (spec.venv) {
    lines.push(
      `[ -f ${pathWord(spec.venv)}/bin/activate ] || ` +
        shellFail(`no venv at ${spec.venv} (bin/activate is missing): fix lumiModules.run.venv (--venv)`),
    );
    lines.push(`source ${pathWord(spec.venv)}/bin/activate`);
  }
  if (spec.cwd)
    lines.push(`cd -- ${pathWord(spec.cwd)} || ${shellFail(`cannot change to directory ${spec.cwd}`)}`);
  if (spec.scriptSha256) {
    lines.push(
      `[ "$(sha256sum < "$1" 2>/dev/null)" = ${shellQuote(`${spec.scriptSha256}  -`)} ] || ` +
        shellFail('the uploaded script changed on the remote after it was checked; not running it'),
    );
  }
  const runner = spec.srun ? `srun ${shellJoin(spec.srun)} ` : '';
  // Not exec: the trap removes the pid file; the status of python is the status of the run.
  // The script path cannot start with '-' here (uploads are absolute; remote paths are made so).
  lines.push(`${runner}python "$@"`, 'exit $?');
  return lines.join('\n') + '\n';
}

/** Longest remote command line sent as is; longer arguments go through an arguments file. */
export const MAX_COMMAND_LINE = 64 * 1024;

/** True when ARGS cannot travel on the command line: not UTF-8, or too long. */
export function needsArgsFile(spec: Omit<RunSpec, 'argsFile'>): boolean {
  if (spec.args.some((a) => typeof a !== 'string')) return true;
  return Buffer.byteLength(buildRemoteCommand(spec)) > MAX_COMMAND_LINE;
}

/** The arguments file's content: each argument's bytes followed by a NUL. */
export function argsFileContent(args: readonly (string | Buffer)[]): Buffer {
  return Buffer.concat(
    args.flatMap((a) => {
      const bytes = typeof a === 'string' ? Buffer.from(a) : a;
      if (bytes.includes(0)) throw new Error('an argument cannot contain a NUL byte');
      return [bytes, Buffer.alloc(1)];
    }),
  );
}

/** The run script's $1...: the script, then its arguments unless they travel in the arguments file. */
export function runScriptArgs(spec: RunSpec | Omit<RunSpec, 'argsFile'>): string[] {
  const args =
    'argsFile' in spec && spec.argsFile
      ? []
      : spec.args.map((a) => (typeof a === 'string' ? a : a.toString('utf8')));
  return [spec.script.startsWith('-') ? `./${spec.script}` : spec.script, ...args];
}

/** The remote command line: the login shell execs `bash -l -c SCRIPT` with the script and args. */
export function buildRemoteCommand(spec: RunSpec | Omit<RunSpec, 'argsFile'>): string {
  return loginShell(buildRunScript(spec as RunSpec), runScriptArgs(spec), RUN_SCRIPT_NAME);
}

/**
 * Ends the run's whole process group: TERM, then KILL after 2 s for what ignores TERM. Waits up
 * to WAITSECONDS (15) for the pid file (a slow login shell), else finds the run by its marker. Prints what
 * happened as its last line: `stopped PGID`, `not-running` or `still-running PGID`.
 */
export function buildCancelCommand(pidFile: string, waitSeconds = 15): string {
  const f = shellQuotePath(pidFile);
  const id = runId(pidFile);
  return [
    `f=${f}`,
    // The marker is assembled at run time so that this command's own line does not contain it.
    `m='lumi_run_marker'"="${shellQuote(RUN_MARKER_PREFIX + id)}`,
    'pg=',
    `for _ in $(seq ${Math.max(1, Math.round(waitSeconds * 10))}); do ` +
      '[ -s "$f" ] && { pg=$(cat "$f"); break; }; ' +
      'pid=$(pgrep -f -- "$m" | head -n 1); ' +
      '[ -n "$pid" ] && { pg=$(ps -o pgid= -p "$pid" | tr -d " "); [ -n "$pg" ] && break; }; ' +
      'sleep 0.1; done',
    '[ -n "$pg" ] || { echo not-running; exit 0; }',
    'kill -TERM -- "-$pg" 2>/dev/null',
    'for _ in $(seq 20); do ' +
      'kill -0 -- "-$pg" 2>/dev/null || { rm -f "$f"; echo "stopped $pg"; exit 0; }; ' +
      'sleep 0.1; done',
    'kill -KILL -- "-$pg" 2>/dev/null',
    'sleep 0.2',
    'kill -0 -- "-$pg" 2>/dev/null && { echo "still-running $pg"; exit 1; }',
    'rm -f "$f"; echo "stopped $pg"',
  ].join('; ');
}
