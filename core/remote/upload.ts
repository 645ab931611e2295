// THE hash-addressed upload, over SFTP or on this machine: CONTENT lands at
// ~/.cache/lumi-modules/runs/<sha256>/<name>, reused when the copy there has that SHA-256. A new copy
// is written to a temporary name first (`runs/.upload-<machine>.<pid>-<random>`), then renamed into
// place, so no reader ever sees a partial file. The temporary file is removed when the upload fails,
// and a later upload removes those whose owner is gone (a killed process, a link that dropped).
// The file system under it is an UploadFileSystem: SFTP (sftpUploadFileSystem, below) or node:fs
// (localExecutor.ts).
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { RUNS_DIR } from './command';
import { SshError, type SshConnection } from './connection';
import { NoSpaceError, noSpaceMessage, SftpSession, SftpStatusError } from './sftp';
import { shellQuote } from '../shell/quote';

export interface UploadedFile {
  path: string;
  sha256: string;
}

/** What the upload needs of a file system; paths are absolute. */
export interface UploadFileSystem {
  /** Leftovers are looked for once per key (a connection, this machine's home). */
  readonly sweepKey: object;
  home(): Promise<string>;
  /** The entries of DIR with their modification times; undefined when DIR cannot be listed. */
  list(dir: string): Promise<{ name: string; mtimeSeconds: number }[] | undefined>;
  /** Size and mode of PATH, or undefined when it does not exist. */
  stat(path: string): Promise<{ size: number; mode: number } | undefined>;
  /** SHA-256 (hex) of PATH, undefined when it cannot be read. */
  sha256(path: string, size: number): Promise<string | undefined>;
  mkdir(dir: string, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** Writes a file that must not exist yet. */
  writeNewFile(path: string, content: Buffer, mode: number): Promise<void>;
  /** Renames FROM over TO. */
  replace(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** False once the way to the file system is gone (a dropped link): nothing more can be tidied. */
  isOpen(): boolean;
  /** True for a refusal of one operation (it exists, permission), not a lost link. */
  refused(err: unknown): boolean;
  /** The error for a failed upload of NAME to TARGET: CAUSE was the disk or quota full, or another. */
  failure(name: string, target: string, cause: unknown): Error;
}

/** This machine in a temporary file's name (letters, digits and '-' only). */
const machine =
  hostname()
    .replace(/[^A-Za-z0-9-]/g, '-')
    .slice(0, 40) || 'host';
const TEMP_PREFIX = '.upload-';
const TEMP_NAME = /^\.upload-(.+)\.(\d+)-[0-9a-f]+$/;
/** Temporary files of another machine are removed once they are this old (it may still write). */
const FOREIGN_TEMP_AGE_S = 24 * 3600;

/** Temporary files this process is writing now (paths). */
const writing = new Set<string>();
/** File systems whose leftovers were already looked for. */
const swept = new WeakSet<object>();

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the temporary file NAME (in a runs directory) belongs to nobody any more. */
export function ownerGone(name: string, path: string, mtimeSeconds: number, now = Date.now()): boolean {
  const m = TEMP_NAME.exec(name);
  if (!m) return false;
  const [, owner, pid] = m;
  if (owner === machine) return Number(pid) === process.pid ? !writing.has(path) : !processAlive(Number(pid));
  return now / 1000 - mtimeSeconds > FOREIGN_TEMP_AGE_S;
}

/** Removes the temporary files in RUNSDIR whose owner is gone; errors leave them for next time. */
async function sweepLeftovers(fs: UploadFileSystem, runsDir: string): Promise<void> {
  const entries = await fs.list(runsDir);
  for (const { name, mtimeSeconds } of entries ?? []) {
    const path = `${runsDir}/${name}`;
    if (name.startsWith(TEMP_PREFIX) && ownerGone(name, path, mtimeSeconds))
      await fs.unlink(path).catch(() => undefined);
  }
}

/** Creates HOME/RELATIVE, each level private (0700, also when it was made before with other modes). */
async function mkdirs(fs: UploadFileSystem, home: string, relative: string): Promise<void> {
  // Already there, or a real problem that the write below reports with its path.
  const leftToTheWrite = (err: unknown) => {
    if (!fs.refused(err)) throw err;
  };
  let dir = home;
  for (const part of relative.split('/').filter(Boolean)) {
    dir = `${dir}/${part}`;
    await fs.mkdir(dir, 0o700).catch(leftToTheWrite);
    // ~/.cache is the user's, shared with other tools: its mode is left alone.
    if (dir !== `${home}/.cache`) await fs.chmod(dir, 0o700).catch(leftToTheWrite);
  }
}

/**
 * Puts CONTENT at ~/.cache/lumi-modules/runs/<sha256>/<name> (mode MODE, directories 0700) on FS,
 * or reuses the copy there when its SHA-256 matches.
 */
export async function uploadHashed(
  fs: UploadFileSystem,
  content: Buffer,
  name: string,
  mode: number,
): Promise<UploadedFile> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const home = await fs.home();
  const relativeRuns = RUNS_DIR.replace(/^~\//, '');
  const runsDir = `${home}/${relativeRuns}`;
  const dir = `${runsDir}/${sha256}`;
  const target = `${dir}/${name}`;
  if (!swept.has(fs.sweepKey)) {
    swept.add(fs.sweepKey);
    await sweepLeftovers(fs, runsDir);
  }
  const existing = await fs.stat(target);
  if (existing?.size === content.length && (await fs.sha256(target, existing.size)) === sha256) {
    // Directories made by older versions (0755) become private too.
    for (const d of [runsDir, dir])
      await fs.chmod(d, 0o700).catch((err: unknown) => {
        if (!fs.refused(err)) throw err;
      });
    if ((existing.mode & 0o777) !== mode) await fs.chmod(target, mode);
    return { path: target, sha256 };
  }
  await mkdirs(fs, home, `${relativeRuns}/${sha256}`);
  const temporary = `${runsDir}/${TEMP_PREFIX}${machine}.${process.pid}-${randomBytes(6).toString('hex')}`;
  writing.add(temporary);
  try {
    await fs.writeNewFile(temporary, content, mode);
    await fs.chmod(temporary, mode);
    await fs.replace(temporary, target);
  } catch (err) {
    // Removed now when the link still stands; else by the next upload (the owner is gone).
    if (fs.isOpen()) await fs.unlink(temporary).catch(() => undefined);
    // The path the user asked for, not the temporary name.
    throw fs.failure(name, target, err);
  } finally {
    writing.delete(temporary);
  }
  return { path: target, sha256 };
}

/** SHA-256 (hex) of a remote file, computed on the remote; undefined when it cannot be read. */
async function remoteSha256(connection: SshConnection, path: string): Promise<string | undefined> {
  let out = '';
  const r = await connection.exec(`sha256sum < ${shellQuote(path)}`, {
    onStdout: (c) => void (out += c.toString('latin1')),
  });
  const hash = /^([0-9a-f]{64}) /.exec(out)?.[1];
  return r.code === 0 ? hash : undefined;
}

/** The remote host's files over SFTP; SSH failures stay SshError (exit 255 in the CLI). */
export function sftpUploadFileSystem(connection: SshConnection, sftp: SftpSession): UploadFileSystem {
  return {
    sweepKey: connection,
    home: () => sftp.realpath('.'),
    async list(dir) {
      try {
        return (await sftp.readdir(dir)).map((e) => ({ name: e.filename, mtimeSeconds: e.attrs.mtime }));
      } catch (err) {
        if (err instanceof SftpStatusError) return undefined; // no runs directory yet
        throw err;
      }
    },
    stat: (path) => sftp.statIfExists(path),
    sha256: (path) => remoteSha256(connection, path),
    mkdir: (dir, mode) => sftp.mkdir(dir, mode),
    chmod: (path, mode) => sftp.chmod(path, mode),
    writeNewFile: (path, content, mode) => sftp.writeNewFile(path, content, mode),
    replace: (from, to) => sftp.replace(from, to),
    unlink: (path) => sftp.unlink(path),
    isOpen: () => connection.isOpen,
    refused: (err) => err instanceof SftpStatusError,
    failure(name, target, err) {
      if (err instanceof NoSpaceError) return new NoSpaceError(noSpaceMessage(connection.host.alias, target));
      if (!connection.isOpen || !(err instanceof Error)) return err as Error;
      return new SshError(`cannot upload ${name} to ${connection.host.alias}: ${err.message}`);
    },
  };
}
