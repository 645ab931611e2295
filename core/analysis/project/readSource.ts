// Reads a file for checking (through the one bounded reader), turning every way it can go wrong
// into a clear finding instead of an exception: missing (deleted while checked), a directory, a
// FIFO/device/socket (never opened), unreadable, binary, too large, invalid UTF-8.
import { MAX_READ_BYTES, readBounded } from '../../common/boundedRead';
import type { Finding } from '../types';
import { range } from '../types';

/** Files over this size are skipped with one information diagnostic. */
export const MAX_CHECKED_BYTES = MAX_READ_BYTES;

export type SourceRead = { ok: true; text: string; notes: Finding[] } | { ok: false; notes: Finding[] };

export function fileNote(code: string, severity: Finding['severity'], message: string): Finding {
  return { range: range(0, 0, 0, 0), severity, code, message };
}

export function tooLargeNote(size: number): Finding {
  return fileNote(
    'file-too-large',
    'information',
    `file is ${size} bytes, over the 1 MiB limit: not checked`,
  );
}

export function decodeSource(bytes: Buffer): SourceRead {
  if (bytes.includes(0)) {
    return {
      ok: false,
      notes: [fileNote('binary-file', 'information', 'binary file (contains NUL bytes): not checked')],
    };
  }
  const text = bytes.toString('utf8');
  const notes: Finding[] = [];
  // toString replaces invalid sequences with U+FFFD; a round trip tells whether that happened.
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) {
    notes.push(
      fileNote('invalid-utf8', 'warning', 'file is not valid UTF-8: invalid bytes were read as U+FFFD'),
    );
  }
  return { ok: true, text, notes };
}

/** The first bytes of a regular file (to spot scripts without reading images), or undefined. */
export function readHeader(path: string, bytes = 256): Buffer | undefined {
  const read = readBounded(path, bytes);
  return read.ok ? read.bytes : undefined;
}

/** `seenAsRegularFile`: the walk listed it as a regular file just now (see readBounded). */
export function readSource(path: string, seenAsRegularFile = false): SourceRead {
  // The buffer is reused because the text is decoded out of it (a tree check reads thousands).
  const read = readBounded(path, MAX_CHECKED_BYTES, readBuffer, seenAsRegularFile);
  if (read.ok)
    return read.truncated ? { ok: false, notes: [tooLargeNote(read.size)] } : decodeSource(read.bytes);
  const why =
    read.reason === 'missing'
      ? 'file does not exist (deleted while being checked?)'
      : read.reason === 'directory'
        ? 'is a directory, not a file'
        : read.message;
  return { ok: false, notes: [fileNote('unreadable', 'warning', why)] };
}

const readBuffer = Buffer.alloc(MAX_CHECKED_BYTES + 1);
