// Where the Slurm commands run. Over SSH: each command in a login shell on the login node, over the
// kept connection, files read over SFTP. Locally (`--host local`, or a Remote-SSH window whose
// extension host is on LUMI): the same programs started directly through execa (no shell), files
// read through the bounded reader. core/slurm/jobs.ts takes either.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { RUNS_DIR } from '../remote/command';
import type { SshConnection } from '../remote/connection';
import { uploadScript } from '../remote/run';
import { noSpaceMessage, SftpSession } from '../remote/sftp';
import { loadExeca } from '../common/execa';
import { readBounded, readBoundedTail } from '../common/boundedRead';
import { shellJoin, shellQuote, shellQuotePath } from '../shell/quote';

/** Slurm (or the way to it) refused or failed; the message is Slurm's own where there is one. */
export class SlurmError extends Error {}

/** The --host value (and the Jobs view's host) that means this machine, with no SSH. */
export const LOCAL_HOST = 'local';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StreamHandlers {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

export interface SlurmTransport {
  /** Runs ARGV (sbatch, squeue, scontrol, scancel) as the user, INPUT on stdin, from CWD (`~/` allowed). */
  run(argv: readonly string[], options?: { input?: string; cwd?: string }): Promise<CommandResult>;
  /**
   * Runs a bash SCRIPT (a file of this project, never user text) with ARGS as $1...; resolves with its exit
   * code.
   */
  runScript(
    script: string,
    args: readonly string[],
    handlers: StreamHandlers,
    signal?: AbortSignal,
  ): Promise<number>;
  /** The last MAX_BYTES of FILE; `skipped` bytes before them are not read. */
  readTail(file: string, maxBytes: number): Promise<{ text: string; skipped: number }>;
  /**
   * A copy of the local script where the job can run it: ~/.cache/lumi-modules/runs/<sha256>/<name>,
   * so the job runs the text as it was when submitted, even if the file is edited while it waits.
   */
  placeScript(localPath: string): Promise<string>;
}

/** `bash -l -c SCRIPT` with ARGS as $1...: the user's login environment, where sbatch and module live. */
export function loginShell(script: string, args: readonly string[]): string {
  return `exec bash -l -c ${shellQuote(script)} lumi-modules ${shellJoin(args)}`.trimEnd();
}

/** A shell fragment that prints `lumi-modules: MESSAGE` on stderr and exits with CODE. */
export function shellFail(message: string, code = 127): string {
  return `{ printf '%s\\n' ${shellQuote(`lumi-modules: ${message}`)} >&2; exit ${shellQuote(String(code))}; }`;
}

const cdProblem = (cwd: string) => `cannot change to the submit directory ${cwd}`;

/**
 * The remote command for ARGV over SSH: in a login shell, change to CWD, then run ARGV with INPUT
 * piped in by printf (the input travels inside the command, so no stdin stream has to be closed).
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

function collect(): { push: (c: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  return { push: (c) => void chunks.push(c), text: () => Buffer.concat(chunks).toString('utf8') };
}

/** TEXT after the line MARKER (what the command printed), or all of it when the marker never came. */
export function afterMarker(text: string, marker: string): string {
  const at = text.indexOf(`${marker}\n`);
  return at === -1 ? text : text.slice(at + marker.length + 1);
}

/** Slurm over the kept SSH connection. SSH failures stay SshError (exit 255 in the CLI). */
export function sshTransport(connection: SshConnection): SlurmTransport {
  return {
    async run(argv, options = {}) {
      const out = collect();
      const err = collect();
      const marker = `\x1elumi-modules-${randomBytes(8).toString('hex')}`;
      const result = await connection.exec(buildLoginCommand(argv, options, marker), {
        onStdout: out.push,
        onStderr: err.push,
      });
      return {
        code: result.code,
        stdout: afterMarker(out.text(), marker),
        stderr: afterMarker(err.text(), marker),
      };
    },
    async runScript(script, args, handlers, signal) {
      const result = await connection.exec(loginShell(script, args), {
        onStdout: handlers.stdout,
        onStderr: handlers.stderr,
        signal,
      });
      return result.code;
    },
    async readTail(file, maxBytes) {
      const sftp = await SftpSession.open(connection);
      try {
        const st = await sftp.statIfExists(file);
        if (!st) throw new SlurmError(`${file}: no such file (has the job started?)`);
        const start = Math.max(0, st.size - maxBytes);
        const bytes = await sftp.readRange(file, start, maxBytes);
        return { text: bytes.toString('utf8'), skipped: start };
      } finally {
        sftp.end();
      }
    },
    placeScript: (localPath) => uploadScript(connection, localPath),
  };
}

/** Scripts larger than this are not copied for a job (a Python entry point is far smaller). */
const MAX_SCRIPT_BYTES = 64 << 20;

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  if (path === '~') return home;
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/**
 * Slurm on this machine: the programs on PATH of ENV (the extension host's or the CLI's
 * environment, which sbatch hands to the job as it would from a terminal). Commands run from CWD
 * unless told otherwise (the CLI: its current directory; default: HOME, where an SSH login starts).
 */
export function localTransport(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): SlurmTransport {
  const env = options.env ?? process.env;
  const defaultCwd = options.cwd ?? expandHome('~', env);
  return {
    async run(argv, options = {}) {
      let cwd = defaultCwd;
      if (options.cwd) {
        cwd = expandHome(options.cwd, env);
        let isDir = false;
        try {
          isDir = statSync(cwd).isDirectory();
        } catch {
          // reported below
        }
        if (!isDir) return { code: 1, stdout: '', stderr: `lumi-modules: ${cdProblem(options.cwd)}\n` };
      }
      const { execa } = await loadExeca();
      const [program, ...args] = argv;
      const r = await execa(program, args, {
        cwd,
        env,
        extendEnv: false,
        input: options.input ?? '',
        reject: false,
        stripFinalNewline: false,
      });
      if (r.exitCode === undefined)
        throw new SlurmError(
          `cannot run ${program} on this machine (is it a Slurm login node?): ${r.shortMessage}`,
        );
      return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    async runScript(script, args, handlers, signal) {
      const { execa } = await loadExeca();
      const child = execa('bash', ['-c', script, 'lumi-modules', ...args], {
        detached: true, // its own process group: stopping it ends its sleep and scontrol too
        env,
        extendEnv: false,
        stdin: 'ignore',
        buffer: false,
        reject: false,
      });
      const stop = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      };
      signal?.addEventListener('abort', stop, { once: true });
      if (signal?.aborted) stop();
      child.stdout?.on('data', (c: Buffer) => handlers.stdout(c));
      child.stderr?.on('data', (c: Buffer) => handlers.stderr(c));
      try {
        const result = await child;
        if (result.exitCode === undefined && !result.isTerminated)
          throw new SlurmError(`cannot start bash: ${result.shortMessage}`);
        return result.exitCode ?? 143;
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    },
    async readTail(file, maxBytes) {
      const read = readBoundedTail(file, maxBytes);
      if (!read.ok)
        throw new SlurmError(
          `${file}: ${read.message}${read.reason === 'missing' ? ' (has the job started?)' : ''}`,
        );
      return { text: read.bytes.toString('utf8'), skipped: read.skipped };
    },
    async placeScript(localPath) {
      const read = readBounded(localPath, MAX_SCRIPT_BYTES);
      if (!read.ok) throw new SlurmError(`cannot read ${localPath}: ${read.message}`);
      if (read.truncated)
        throw new SlurmError(
          `${localPath} is larger than ${MAX_SCRIPT_BYTES >> 20} MiB: not copied for the job`,
        );
      const hash = createHash('sha256').update(read.bytes).digest('hex');
      const dir = join(expandHome(RUNS_DIR, env), hash);
      const target = join(dir, basename(localPath));
      try {
        // Private directories, as the SSH upload makes them; a copy already there is replaced.
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chmodSync(dir, 0o700);
        const temporary = join(dir, `.copy-${randomBytes(6).toString('hex')}`);
        try {
          writeFileSync(temporary, read.bytes, { mode: 0o700 });
          renameSync(temporary, target);
        } catch (err) {
          rmSync(temporary, { force: true });
          throw err;
        }
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EDQUOT')
          throw new SlurmError(noSpaceMessage('this machine', target));
        throw new SlurmError(`cannot copy ${localPath} to ${dir}: ${(err as Error).message}`);
      }
      return target;
    },
  };
}
