// Hash-addressed upload over SFTP: CONTENT lands at ~/.cache/lumi-modules/runs/<sha256>/<name>,
// reused when the copy there has that SHA-256 (computed on the remote). A new copy is written to a
// temporary name first (`runs/.upload-<machine>.<pid>-<random>`), then renamed into place, so no
// reader ever sees a partial file. The temporary file is removed when the upload fails, and a
// later connection removes those whose owner is gone (a killed process, a link that dropped).
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

/** This machine in a temporary file's name (letters, digits and '-' only). */
const machine =
  hostname()
    .replace(/[^A-Za-z0-9-]/g, '-')
    .slice(0, 40) || 'host';
const TEMP_PREFIX = '.upload-';
const TEMP_NAME = /^\.upload-(.+)\.(\d+)-[0-9a-f]+$/;
/** Temporary files of another machine are removed once they are this old (it may still write). */
const FOREIGN_TEMP_AGE_S = 24 * 3600;

/** Temporary files this process is writing now (remote paths). */
const writing = new Set<string>();
/** Connections whose leftovers were already looked for. */
const swept = new WeakSet<SshConnection>();

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
async function sweepLeftovers(sftp: SftpSession, runsDir: string): Promise<void> {
  let entries;
  try {
    entries = await sftp.readdir(runsDir);
  } catch (err) {
    if (!(err instanceof SftpStatusError)) throw err;
    return; // no runs directory yet
  }
  for (const { filename, attrs } of entries) {
    const path = `${runsDir}/${filename}`;
    if (filename.startsWith(TEMP_PREFIX) && ownerGone(filename, path, attrs.mtime))
      await sftp.unlink(path).catch(() => undefined);
  }
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

/** Creates HOME/RELATIVE, each level private (0700, also when it was made before with other modes). */
async function mkdirs(sftp: SftpSession, home: string, relative: string): Promise<void> {
  let dir = home;
  for (const part of relative.split('/').filter(Boolean)) {
    dir = `${dir}/${part}`;
    // Already there, or a real problem that the write below reports with its path.
    await sftp.mkdir(dir, 0o700).catch(rethrowLostLink);
    // ~/.cache is the user's, shared with other tools: its mode is left alone.
    if (dir !== `${home}/.cache`) await sftp.chmod(dir, 0o700).catch(rethrowLostLink);
  }
}

/** A lost connection goes on up; an SFTP status (exists, permission) is left to the next step. */
function rethrowLostLink(err: unknown): void {
  if (!(err instanceof SftpStatusError)) throw err;
}

/**
 * Puts CONTENT at ~/.cache/lumi-modules/runs/<sha256>/<name> (mode MODE, directories 0700) on
 * CONNECTION's host, or reuses the copy there when its SHA-256 matches.
 */
export async function uploadHashed(
  connection: SshConnection,
  content: Buffer,
  name: string,
  mode: number,
): Promise<UploadedFile> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const sftp = await SftpSession.open(connection);
  try {
    const home = await sftp.realpath('.');
    const relativeRuns = RUNS_DIR.replace(/^~\//, '');
    const runsDir = `${home}/${relativeRuns}`;
    const dir = `${runsDir}/${sha256}`;
    const target = `${dir}/${name}`;
    if (!swept.has(connection)) {
      swept.add(connection);
      await sweepLeftovers(sftp, runsDir);
    }
    const existing = await sftp.statIfExists(target);
    if (existing?.size === content.length && (await remoteSha256(connection, target)) === sha256) {
      // Directories made by older versions (0755) become private too.
      for (const d of [runsDir, dir]) await sftp.chmod(d, 0o700).catch(rethrowLostLink);
      if ((existing.mode & 0o777) !== mode) await sftp.chmod(target, mode);
      return { path: target, sha256 };
    }
    await mkdirs(sftp, home, `${relativeRuns}/${sha256}`);
    const temporary = `${runsDir}/${TEMP_PREFIX}${machine}.${process.pid}-${randomBytes(6).toString('hex')}`;
    writing.add(temporary);
    try {
      await sftp.writeNewFile(temporary, content, mode);
      await sftp.chmod(temporary, mode);
      await sftp.replace(temporary, target);
    } catch (err) {
      // Removed now when the link still stands; else by the next connection (the owner is gone).
      if (connection.isOpen) await sftp.unlink(temporary).catch(() => undefined);
      // The path the user asked for, not the temporary name.
      if (err instanceof NoSpaceError) throw new NoSpaceError(noSpaceMessage(connection.host.alias, target));
      if (!connection.isOpen) throw err;
      throw new SshError(`cannot upload ${name} to ${connection.host.alias}: ${(err as Error).message}`);
    } finally {
      writing.delete(temporary);
    }
    return { path: target, sha256 };
  } finally {
    sftp.end();
  }
}
