// The execution interface (executor.ts) on this machine (`--host local`, a Remote-SSH window whose
// extension host is on LUMI): programs started directly through execa (no shell), a script in its
// own process group so a stop ends the whole tree, files read through the bounded reader and
// uploaded by upload.ts over node:fs.
import { createHash } from 'node:crypto';
import { promises as fs, statSync, constants as fsConstants } from 'node:fs';
import { constants as osConstants, homedir } from 'node:os';
import { join } from 'node:path';
import { readBounded, readBoundedTail } from '../common/boundedRead';
import { loadExeca } from '../common/execa';
import { buildCancelCommand, cdProblem } from './command';
import {
  ExecError,
  FileMissingError,
  parseStopAnswer,
  ProgramNotStartedError,
  type Executor,
} from './executor';
import { noSpaceMessage } from './sftp';
import { uploadHashed, type UploadFileSystem } from './upload';

/** The --host value (and the Jobs view's host) that means this machine, with no SSH. */
export const LOCAL_HOST = 'local';

const WHERE = 'this machine';

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  if (path === '~') return home;
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

const errnoCode = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

/** This machine's files for upload.ts; a home swept once per process. */
const sweepKeys = new Map<string, object>();
function localUploadFileSystem(home: string): UploadFileSystem {
  let sweepKey = sweepKeys.get(home);
  if (!sweepKey) sweepKeys.set(home, (sweepKey = {}));
  return {
    sweepKey,
    home: async () => home,
    async list(dir) {
      try {
        const names = await fs.readdir(dir);
        const entries = await Promise.all(
          names.map(async (name) => {
            const st = await fs.lstat(join(dir, name)).catch(() => undefined);
            return st && { name, mtimeSeconds: st.mtimeMs / 1000 };
          }),
        );
        return entries.filter((e) => e !== undefined);
      } catch {
        return undefined;
      }
    },
    async stat(path) {
      const st = await fs.stat(path).catch(() => undefined);
      return st && { size: st.size, mode: st.mode };
    },
    async sha256(path, size) {
      const read = readBounded(path, size);
      return read.ok && !read.truncated ? createHash('sha256').update(read.bytes).digest('hex') : undefined;
    },
    mkdir: (dir, mode) => fs.mkdir(dir, { mode }).then(() => undefined),
    chmod: (path, mode) => fs.chmod(path, mode),
    async writeNewFile(path, content, mode) {
      // O_EXCL: never through a file or a link someone put there.
      const handle = await fs.open(
        path,
        fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL,
        mode,
      );
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
    },
    replace: (from, to) => fs.rename(from, to),
    unlink: (path) => fs.unlink(path),
    isOpen: () => true,
    refused: (err) => typeof errnoCode(err) === 'string',
    failure(name, target, err) {
      const code = errnoCode(err);
      if (code === 'ENOSPC' || code === 'EDQUOT') return new ExecError(noSpaceMessage(WHERE, target));
      return new ExecError(`cannot copy ${name} to ${target}: ${(err as Error).message}`);
    },
  };
}

/**
 * This machine: the programs on PATH of ENV (the extension host's or the CLI's environment, which
 * sbatch hands to a job as it would from a terminal). Commands and scripts run from CWD unless told
 * otherwise (the CLI: its current directory; default: HOME, where an SSH login starts).
 */
export function localExecutor(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Executor {
  const env = options.env ?? process.env;
  const defaultCwd = options.cwd ?? expandHome('~', env);
  return {
    where: WHERE,
    id: LOCAL_HOST,

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
      if (program === undefined) throw new ExecError('no program to run');
      const r = await execa(program, args, {
        cwd,
        env,
        extendEnv: false,
        input: options.input ?? '',
        reject: false,
        stripFinalNewline: false,
      });
      if (r.exitCode === undefined)
        throw new ProgramNotStartedError(program, r.shortMessage ?? 'not started');
      return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
    },

    async stream(script, args, output, options = {}) {
      const { execa } = await loadExeca();
      const bash = [...(options.login ? ['-l'] : []), '-c', script, options.name ?? 'lumi-modules', ...args];
      const child = execa('bash', bash, {
        cwd: defaultCwd,
        detached: true, // its own process group: a stop ends the whole tree
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
      const stop = () => {
        killGroup('SIGTERM');
        setTimeout(() => killGroup('SIGKILL'), 2000).unref();
      };
      const signal = options.signal;
      signal?.addEventListener('abort', stop, { once: true });
      if (signal?.aborted) stop();
      child.stdout?.on('data', (c: Buffer) => output.stdout(c));
      child.stderr?.on('data', (c: Buffer) => output.stderr(c));
      try {
        const result = await child;
        if (result.exitCode === undefined && !result.isTerminated)
          throw new ProgramNotStartedError('bash', result.shortMessage ?? 'not started');
        return result.exitCode ?? 128 + (osConstants.signals[result.signal as NodeJS.Signals] ?? 15);
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    },

    async stopGroup(pidFile, waitSeconds) {
      const { execa } = await loadExeca();
      const r = await execa('bash', ['-c', buildCancelCommand(pidFile, waitSeconds)], {
        cwd: defaultCwd,
        env,
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
      });
      if (r.exitCode === undefined) return { state: 'failed', reason: `cannot run bash: ${r.shortMessage}` };
      return parseStopAnswer(String(r.stdout));
    },

    upload: async (content, name, mode) =>
      uploadHashed(localUploadFileSystem(expandHome('~', env)), content, name, mode),

    async read(path, { offset, maxBytes }) {
      const read = readBoundedTail(expandHome(path, env), maxBytes, offset);
      if (!read.ok) {
        if (read.reason === 'missing') throw new FileMissingError(path);
        throw new ExecError(`${path}: ${read.message}`);
      }
      return { bytes: read.bytes, offset: read.skipped };
    },

    lost: () => false,
  };
}
