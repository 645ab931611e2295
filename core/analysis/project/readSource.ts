// Reads a file for checking, turning every way it can go wrong into a clear finding instead of
// an exception: missing (deleted while checked), a directory, unreadable, binary, too large,
// invalid UTF-8.
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import type { Finding } from '../types';
import { range } from '../types';

/** Files over this size are skipped with one information diagnostic. */
export const MAX_CHECKED_BYTES = 1024 * 1024;

export type SourceRead = { ok: true; text: string; notes: Finding[] } | { ok: false; notes: Finding[] };

export function fileNote(code: string, severity: Finding['severity'], message: string): Finding {
  return { range: range(0, 0, 0, 0), severity, code, message };
}

export function tooLargeNote(size: number): Finding {
  return fileNote('file-too-large', 'information', `file is ${size} bytes, over the 1 MiB limit: not checked`);
}

export function decodeSource(bytes: Buffer): SourceRead {
  if (bytes.includes(0)) {
    return { ok: false, notes: [fileNote('binary-file', 'information', 'binary file (contains NUL bytes): not checked')] };
  }
  const text = bytes.toString('utf8');
  const notes: Finding[] = [];
  // toString replaces invalid sequences with U+FFFD; a round trip tells whether that happened.
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) {
    notes.push(fileNote('invalid-utf8', 'warning', 'file is not valid UTF-8: invalid bytes were read as U+FFFD'));
  }
  return { ok: true, text, notes };
}

/** The first bytes of a file (to spot scripts without reading images), or undefined. */
export function readHeader(path: string, bytes = 256): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function readSource(path: string): SourceRead {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    // One read of up to the limit + 1 byte tells "too large" without an fstat per file (a tree
    // check reads thousands); the buffer is reused because the text is decoded out of it.
    // A regular file gives all it has in one read (a file truncated meanwhile: what was there).
    const read = readSync(fd, readBuffer, 0, readBuffer.length, 0);
    if (read > MAX_CHECKED_BYTES) return { ok: false, notes: [tooLargeNote(fstatSync(fd).size)] };
    return decodeSource(readBuffer.subarray(0, read));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file does not exist (deleted while being checked?)'
      : code === 'EACCES' ? 'permission denied'
      : code === 'EISDIR' ? 'is a directory, not a file'
      : `cannot read: ${(err as Error).message}`;
    return { ok: false, notes: [fileNote('unreadable', 'warning', why)] };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const readBuffer = Buffer.alloc(MAX_CHECKED_BYTES + 1);
