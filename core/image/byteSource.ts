// Where an image's bytes come from: random-access range reads of a local file or of a remote one
// over SFTP. Every read is bounded (no request past MAX_READ_LENGTH, none past the end) and
// counted (bytesRead: what a reader cost), and every promise settles, a closed connection
// included.
import { closeSync, readSync } from 'node:fs';
import type { SFTPWrapper } from 'ssh2';
import { openRegularFile } from '../common/boundedRead';
import { ImageError } from './errors';

/** No single read asks for more: the largest squashfs block is 1 MiB, headers far less. */
export const MAX_READ_LENGTH = 16 * 1024 * 1024;

export interface ByteSource {
  /** Where it is, for messages: a path, or host:path. */
  readonly name: string;
  readonly size: number;
  /** Modification time in ms since the epoch (with size, a part of the image's identity). */
  readonly mtimeMs: number;
  /** Bytes handed out so far. */
  readonly bytesRead: number;
  /** LENGTH bytes at OFFSET; fewer only at the end of the file. */
  read(offset: number, length: number): Promise<Buffer>;
  /** The same, synchronously, where the source can (a local file). */
  readSync?(offset: number, length: number): Buffer;
  close(): void;
}

function checkRange(source: ByteSource, offset: number, length: number): number {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
    throw new ImageError(
      'corrupt',
      `read of ${length} bytes at ${offset} in ${source.name}: not a valid range`,
    );
  if (length > MAX_READ_LENGTH)
    throw new ImageError('too-large', `a read of ${length} bytes asked of ${source.name} (more than 16 MiB)`);
  if (offset + length > source.size)
    throw new ImageError(
      'truncated',
      `${source.name} ends at byte ${source.size}, but a structure reaches to ${offset + length}`,
    );
  return length;
}

/** A local regular file (never a FIFO or device: see openRegularFile), open until close(). */
export class LocalFileSource implements ByteSource {
  readonly size: number;
  readonly mtimeMs: number;
  bytesRead = 0;
  private fd: number | undefined;

  private constructor(
    readonly name: string,
    fd: number,
    size: number,
    mtimeMs: number,
  ) {
    this.fd = fd;
    this.size = size;
    this.mtimeMs = mtimeMs;
  }

  static open(path: string): LocalFileSource {
    const opened = openRegularFile(path);
    if (!opened.ok) throw new ImageError('unreadable', `${path}: ${opened.message}`);
    return new LocalFileSource(path, opened.fd, opened.stats.size, opened.stats.mtimeMs);
  }

  readSync(offset: number, length: number): Buffer {
    checkRange(this, offset, length);
    if (this.fd === undefined) throw new ImageError('closed', `${this.name} is closed`);
    const buffer = Buffer.alloc(length);
    let done = 0;
    try {
      while (done < length) {
        const n = readSync(this.fd, buffer, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
    } catch (err) {
      throw new ImageError(
        'unreadable',
        `${this.name}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    if (done < length) throw new ImageError('truncated', `${this.name} shrank while it was read`);
    this.bytesRead += done;
    return buffer;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    return this.readSync(offset, length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * A remote file over an open SFTP session (the kept SSH connection's). Pending reads are rejected
 * when the session closes or fails, so no read waits for a connection that is gone.
 */
export class SftpSource implements ByteSource {
  bytesRead = 0;
  private closedReason: string | undefined;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly onGone: () => void;

  private constructor(
    readonly name: string,
    private readonly sftp: SFTPWrapper,
    private readonly handle: Buffer,
    readonly size: number,
    readonly mtimeMs: number,
  ) {
    this.onGone = () => this.fail(`the connection closed while ${name} was read`);
    sftp.on('close', this.onGone);
    sftp.on('end', this.onGone);
    sftp.on('error', this.onGone);
  }

  static async open(sftp: SFTPWrapper, path: string, name = path): Promise<SftpSource> {
    const settle = <T>(start: (done: (err: Error | null | undefined, value?: T) => void) => void) =>
      new Promise<T>((resolve, reject) => {
        const gone = () => reject(new ImageError('closed', `the connection closed while ${name} was opened`));
        sftp.once('close', gone);
        start((err, value) => {
          sftp.removeListener('close', gone);
          if (err) reject(new ImageError('unreadable', `${name}: ${err.message}`));
          else resolve(value as T);
        });
      });
    const handle = await settle<Buffer>((done) => sftp.open(path, 'r', done));
    const stats = await settle<{ size: number; mtime: number; mode: number }>((done) =>
      sftp.fstat(handle, done),
    ).catch((err: unknown) => {
      sftp.close(handle, () => undefined);
      throw err;
    });
    // 0o170000 is the file type mask, 0o100000 a regular file: a FIFO's reads never end.
    if ((stats.mode & 0o170000) !== 0o100000) {
      sftp.close(handle, () => undefined);
      throw new ImageError('unreadable', `${name}: not a regular file`);
    }
    return new SftpSource(name, sftp, handle, stats.size, stats.mtime * 1000);
  }

  private fail(reason: string): void {
    this.closedReason ??= reason;
    for (const reject of this.pending) reject(new ImageError('closed', this.closedReason));
    this.pending.clear();
  }

  read(offset: number, length: number): Promise<Buffer> {
    try {
      checkRange(this, offset, length);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.closedReason) return Promise.reject(new ImageError('closed', this.closedReason));
    return new Promise<Buffer>((resolve, reject) => {
      const buffer = Buffer.alloc(length);
      let done = 0;
      this.pending.add(reject);
      const next = () => {
        if (done >= length) {
          this.pending.delete(reject);
          this.bytesRead += done;
          resolve(buffer);
          return;
        }
        this.sftp.read(this.handle, buffer, done, length - done, offset + done, (err, n) => {
          if (!this.pending.has(reject)) return; // already rejected by a close
          if (err || n === 0) {
            this.pending.delete(reject);
            reject(
              err
                ? new ImageError('unreadable', `${this.name}: ${err.message}`)
                : new ImageError('truncated', `${this.name} shrank while it was read`),
            );
            return;
          }
          done += n;
          next();
        });
      };
      next();
    });
  }

  close(): void {
    this.fail(`${this.name} is closed`);
    this.sftp.removeListener('close', this.onGone);
    this.sftp.removeListener('end', this.onGone);
    this.sftp.removeListener('error', this.onGone);
    try {
      this.sftp.close(this.handle, () => undefined);
    } catch {
      // the session is gone already
    }
  }
}
