// The one way this project reads a file it did not write: only regular files (a FIFO, device or
// socket is named, never opened: opening a FIFO blocks, reading /dev/zero never ends), and never
// more than a byte limit (the rest is reported as cut). Symlinks are followed to what they name,
// and that is what a refusal describes ("character device", not "0 bytes").
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** The default limit: modulefiles, wrappers, load messages and templates are far smaller. */
export const MAX_READ_BYTES = 1024 * 1024;

export type BoundedRead =
  | {
      ok: true;
      bytes: Buffer;
      /** True when the file holds more than the limit: `bytes` is its first `limit` bytes. */
      truncated: boolean;
      /** The size fstat reported when it was opened. */
      size: number;
    }
  | {
      ok: false;
      reason: 'missing' | 'not-regular' | 'directory' | 'permission' | 'loop' | 'error';
      /** What the path is, or why it cannot be read, in words (e.g. "a FIFO (named pipe)"). */
      message: string;
    };

/** What a non-regular file is, in words. */
export function describeKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why a file was not read. */
export type ReadRefusal = Extract<BoundedRead, { ok: false }>;

function failure(err: unknown): ReadRefusal {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return { ok: false, reason: 'missing', message: 'no such file' };
  if (code === 'EACCES' || code === 'EPERM')
    return { ok: false, reason: 'permission', message: 'permission denied' };
  if (code === 'ELOOP') return { ok: false, reason: 'loop', message: 'symbolic link loop' };
  if (code === 'EISDIR') return { ok: false, reason: 'directory', message: 'a directory, not a file' };
  return { ok: false, reason: 'error', message: `cannot read: ${code ?? (err as Error).message}` };
}

function notRegular(st: Stats): ReadRefusal {
  return st.isDirectory()
    ? { ok: false, reason: 'directory', message: 'a directory, not a file' }
    : { ok: false, reason: 'not-regular', message: `${describeKind(st)}, not a regular file: not read` };
}

/**
 * Opens PATH only when it is a regular file and hands its descriptor and size to USE. Never throws,
 * never blocks on a FIFO: stat first (nothing that is not a regular file is opened), then open
 * non-blocking and fstat the descriptor (the path may have been swapped meanwhile). A caller that
 * has just listed the path as a regular file (a tree walk over thousands) skips the stat: the
 * non-blocking open cannot hang and the fstat still refuses anything else.
 */
function withRegularFile<T>(
  path: string,
  seenAsRegularFile: boolean,
  use: (fd: number, size: number) => T,
): T | ReadRefusal {
  let fd: number | undefined;
  try {
    if (!seenAsRegularFile) {
      const st = statSync(path);
      if (!st.isFile()) return notRegular(st);
    }
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const fst = fstatSync(fd);
    if (!fst.isFile()) return notRegular(fst);
    return use(fd, fst.size);
  } catch (err) {
    return failure(err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Opens PATH for random access (an image read block by block) with withRegularFile's refusals:
 * nothing that is not a regular file is opened. The caller closes the descriptor.
 */
export function openRegularFile(path: string): { ok: true; fd: number; stats: Stats } | ReadRefusal {
  let fd: number | undefined;
  try {
    const st = statSync(path);
    if (!st.isFile()) return notRegular(st);
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const fst = fstatSync(fd);
    if (!fst.isFile()) {
      closeSync(fd);
      return notRegular(fst);
    }
    return { ok: true, fd, stats: fst };
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    return failure(err);
  }
}

/** Reads at most `limit` bytes of the regular file at PATH (refusals: withRegularFile). */
export function readBounded(
  path: string,
  limit = MAX_READ_BYTES,
  buffer?: Buffer,
  seenAsRegularFile = false,
): BoundedRead {
  return withRegularFile(path, seenAsRegularFile, (fd, size): BoundedRead => {
    // One byte more than the limit tells whether there was more (a file may grow meanwhile).
    const want = Math.min(limit + 1, Math.max(size + 1, 1));
    const target = buffer && buffer.length >= want ? buffer : Buffer.alloc(want);
    let read = 0;
    while (read < want) {
      const n = readSync(fd, target, read, want - read, read);
      if (n === 0) break;
      read += n;
      // All fstat reported, within the limit: done without one more read to see the end (a
      // tree check reads thousands); only a file at the limit needs the extra byte.
      if (read === size && size <= limit) break;
    }
    const truncated = read > limit;
    return {
      ok: true,
      bytes: target.subarray(0, Math.min(read, limit)),
      truncated,
      size: Math.max(size, read),
    };
  });
}

export type BoundedTail =
  { ok: true; bytes: Buffer; /** Bytes before `bytes` that were not read. */ skipped: number } | ReadRefusal;

/**
 * The last `limit` bytes of the regular file at PATH (a growing log: the end is what matters),
 * or, with FROM, up to `limit` bytes from that offset (what a follower has not read yet); the same
 * refusals as readBounded: nothing that is not a regular file is opened.
 */
export function readBoundedTail(path: string, limit = MAX_READ_BYTES, from?: number): BoundedTail {
  return withRegularFile(path, false, (fd, size): BoundedTail => {
    const start = from === undefined ? Math.max(0, size - limit) : Math.min(Math.max(0, from), size);
    const target = Buffer.alloc(Math.min(limit, size - start));
    let read = 0;
    while (read < target.length) {
      const n = readSync(fd, target, read, target.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, bytes: target.subarray(0, read), skipped: start };
  });
}
