// Runs a Python script on LUMI through a container module: uploads it (content-addressed) unless
// it is already remote, runs the command from command.ts, streams output, returns the exit code,
// and on cancel ends the remote process group so nothing keeps running on the login node.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { buildCancelCommand, buildRemoteCommand, buildRunScript, PID_DIR, RUNS_DIR, type RunSpec } from './command';
import { SshError, type SshConnection } from './connection';
import { loadExeca } from '../common/execa';

/** What to run: the command's fields, without the pid file (chosen per run). */
export interface RunRequest extends Omit<RunSpec, 'pidFile'> {
  /** False: `script` is a local path, uploaded first; true: it is already a path on the remote. */
  remoteScript: boolean;
}

export interface RunOutput {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
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

function sftpCall<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

async function mkdirs(sftp: SFTPWrapper, home: string, relative: string): Promise<string> {
  let dir = home;
  for (const part of relative.split('/').filter(Boolean)) {
    dir = `${dir}/${part}`;
    try {
      await sftpCall<void>((cb) => sftp.mkdir(dir, (err) => cb(err)));
    } catch {
      // Already there (or a real problem that the write below reports with its path).
    }
  }
  return dir;
}

/** Uploads SCRIPT to ~/.cache/lumi-modules/runs/<sha256>/<name> (skipped when already there). */
export async function uploadScript(connection: SshConnection, localPath: string): Promise<string> {
  let content: Buffer;
  try {
    content = readFileSync(localPath);
  } catch (err) {
    throw new SshError(`cannot read ${localPath}: ${(err as Error).message}`);
  }
  const hash = createHash('sha256').update(content).digest('hex');
  const sftp = await connection.sftp();
  try {
    const home = await sftpCall<string>((cb) => sftp.realpath('.', cb));
    const dir = await mkdirs(sftp, home, `${RUNS_DIR.replace(/^~\//, '')}/${hash}`);
    const target = `${dir}/${basename(localPath)}`;
    const existing = await sftpCall<{ size: number }>((cb) => sftp.stat(target, cb)).catch(() => undefined);
    if (existing?.size !== content.length) {
      const temporary = `${dir}/.upload-${randomBytes(6).toString('hex')}`;
      await sftpCall<void>((cb) => sftp.writeFile(temporary, content, { mode: 0o644 }, (err) => cb(err)));
      await sftpCall<void>((cb) => sftp.rename(temporary, target, (err) => cb(err))).catch(async (err: Error) => {
        await sftpCall<void>((cb) => sftp.unlink(temporary, (e) => cb(e))).catch(() => undefined);
        if (!(await sftpCall((cb) => sftp.stat(target, cb)).catch(() => undefined))) throw err;
      });
    }
    return target;
  } catch (err) {
    if (err instanceof SshError) throw err;
    throw new SshError(`cannot upload ${localPath} to ${connection.host.alias}: ${(err as Error).message}`);
  } finally {
    sftp.end();
  }
}

/** Runs the request over CONNECTION. Resolves with the remote exit code. */
export async function runOverSsh(connection: SshConnection, request: RunRequest, output: RunOutput, signal?: AbortSignal): Promise<number> {
  const script = request.remoteScript ? request.script : await uploadScript(connection, request.script);
  if (signal?.aborted) return 130;
  const spec = specFor(request, script);
  let cancelling: Promise<unknown> | undefined;
  const channelAbort = new AbortController();
  const onAbort = () => {
    // End the remote process group first, then close the channel.
    cancelling = connection
      .exec(buildCancelCommand(spec.pidFile))
      .catch(() => undefined)
      .finally(() => channelAbort.abort());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await connection.exec(buildRemoteCommand(spec), {
      onStdout: (c) => output.stdout(c),
      onStderr: (c) => output.stderr(c),
      signal: channelAbort.signal,
    });
    if (cancelling) await cancelling;
    return signal?.aborted ? 130 : result.code;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The same run on this machine (a Remote-SSH window, where the extension host already is on
 * LUMI): bash -l runs the same script, in its own process group so cancel ends the whole tree.
 */
export async function runLocally(request: RunRequest, output: RunOutput, signal?: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const spec = specFor(request, request.script);
  const { execa } = await loadExeca();
  const child = execa('bash', ['-l', '-c', buildRunScript(spec), 'lumi-modules-run', spec.script, ...spec.args], {
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
    if (result.failed && result.exitCode === undefined && !result.isTerminated) throw new Error(`cannot start bash: ${result.shortMessage}`);
    if (signal?.aborted) return 130;
    return result.exitCode ?? 128 + (result.signal === 'SIGKILL' ? 9 : 15);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
