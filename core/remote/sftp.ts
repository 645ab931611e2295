// SFTP over a kept SshConnection, where every call settles: with its answer, with the server's
// error in words (the operation and the path named), or with the connection's own reason when the
// link closes or drops under it. ssh2 leaves a request unanswered when the link dies mid-transfer;
// a caller awaiting it would wait forever (the CLI then exits 0, the editor hangs).
import type { SFTPWrapper, Stats } from 'ssh2';
import { SshError, type SshConnection } from './connection';

/** SFTP status codes of protocol version 3 (draft-ietf-secsh-filexfer-02), as ssh2 reports them. */
const NO_SUCH_FILE = 2;
const FAILURE = 4;

/**
 * The disk or the quota is full. SFTP v3 has no code for it: OpenSSH's sftp-server answers
 * ENOSPC and EDQUOT with the generic "Failure" on an open, a write or a close of a file.
 */
export class NoSpaceError extends SshError {}

export function noSpaceMessage(host: string, path: string): string {
  return `no space left (quota?) on ${host}: ${path}`;
}

/** An SFTP error from the server (not a lost connection): its status code is known. */
export class SftpStatusError extends SshError {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
  get missing(): boolean {
    return this.code === NO_SUCH_FILE;
  }
}

type Callback<T> = (err: (Error & { code?: number | string }) | null | undefined, value?: T) => void;

/** Bytes per SFTP write request, and how many are in flight at once (a long link stays busy). */
const WRITE_CHUNK = 32 * 1024;
const WRITES_IN_FLIGHT = 16;

export class SftpSession {
  private constructor(
    private readonly connection: SshConnection,
    private readonly sftp: SFTPWrapper,
  ) {}

  /** Opens the SFTP channel; settles when the connection closes first. */
  static async open(connection: SshConnection): Promise<SftpSession> {
    const sftp = await settleOnClose<SFTPWrapper>(connection, 'opening SFTP', (done) =>
      connection.rawSftp(done),
    );
    return new SftpSession(connection, sftp);
  }

  get host(): string {
    return this.connection.host.alias;
  }

  /** One SFTP request: WHAT on PATH, in words for an error. */
  private call<T>(what: string, path: string, fn: (cb: Callback<T>) => void): Promise<T> {
    return settleOnClose<T>(this.connection, `SFTP ${what} ${path}`, fn).catch((err: Error) => {
      if (err instanceof SshError) throw err;
      const code = (err as { code?: unknown }).code;
      throw new SftpStatusError(
        `cannot ${what} ${path} on ${this.host}: ${err.message}`,
        typeof code === 'number' ? code : undefined,
      );
    });
  }

  realpath(path: string): Promise<string> {
    return this.call('resolve', path, (cb) => this.sftp.realpath(path, cb));
  }

  stat(path: string): Promise<Stats> {
    return this.call('stat', path, (cb) => this.sftp.stat(path, cb));
  }

  /** The attributes of PATH, or undefined when it does not exist. */
  async statIfExists(path: string): Promise<Stats | undefined> {
    try {
      return await this.stat(path);
    } catch (err) {
      if (err instanceof SftpStatusError && err.missing) return undefined;
      throw err;
    }
  }

  mkdir(path: string, mode: number): Promise<void> {
    return this.call('create directory', path, (cb) => this.sftp.mkdir(path, { mode }, (e) => cb(e)));
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.call('change the mode of', path, (cb) => this.sftp.chmod(path, mode, (e) => cb(e)));
  }

  unlink(path: string): Promise<void> {
    return this.call('remove', path, (cb) => this.sftp.unlink(path, (e) => cb(e)));
  }

  /** Names in directory PATH with their attributes. */
  readdir(path: string): Promise<{ filename: string; attrs: Stats }[]> {
    return this.call('list', path, (cb) =>
      this.sftp.readdir(path, (e, list) => cb(e, list as unknown as { filename: string; attrs: Stats }[])),
    );
  }

  /**
   * Renames FROM to TO, replacing TO atomically where the server can (OpenSSH's posix-rename), so
   * that a concurrent reader never sees TO missing or partial; else unlink and rename.
   */
  async replace(from: string, to: string): Promise<void> {
    if (typeof this.sftp.ext_openssh_rename === 'function') {
      await this.call('rename', `${from} to ${to}`, (cb) =>
        this.sftp.ext_openssh_rename(from, to, (e) => cb(e)),
      );
      return;
    }
    await this.unlink(to).catch((err: Error) => {
      if (!(err instanceof SftpStatusError && err.missing)) throw err;
    });
    await this.call('rename', `${from} to ${to}`, (cb) => this.sftp.rename(from, to, (e) => cb(e)));
  }

  /**
   * Writes CONTENT to a new file PATH (created with MODE, truncated if there). A "Failure" on the
   * open, a write or the close is a full disk or quota (see NoSpaceError).
   */
  async writeNewFile(path: string, content: Buffer, mode: number): Promise<void> {
    const noSpace = (err: unknown) => {
      if (err instanceof SftpStatusError && err.code === FAILURE)
        return new NoSpaceError(noSpaceMessage(this.host, path));
      return err;
    };
    const handle = await this.call<Buffer>('create', path, (cb) =>
      this.sftp.open(path, 'w', { mode }, cb),
    ).catch((err) => {
      throw noSpace(err);
    });
    let failure: unknown;
    try {
      let next = 0;
      const writer = async () => {
        while (failure === undefined && next < content.length) {
          const at = next;
          const length = Math.min(WRITE_CHUNK, content.length - at);
          next += length;
          await this.call<void>('write', path, (cb) =>
            this.sftp.write(handle, content, at, length, at, (e) => cb(e)),
          );
        }
      };
      const writers = Array.from({ length: WRITES_IN_FLIGHT }, () =>
        writer().catch((err) => void (failure ??= err)),
      );
      await Promise.all(writers);
    } finally {
      // Closed also after a failed write (the handle is the server's); a close that fails after
      // a failed write says nothing new.
      await this.call<void>('close', path, (cb) => this.sftp.close(handle, (e) => cb(e))).catch((err) => {
        failure ??= err;
      });
    }
    if (failure !== undefined) throw noSpace(failure);
  }

  /** Up to MAXBYTES of PATH from byte START. */
  async readRange(path: string, start: number, maxBytes: number): Promise<Buffer> {
    const handle = await this.call<Buffer>('open', path, (cb) => this.sftp.open(path, 'r', cb));
    const chunks: Buffer[] = [];
    try {
      for (let at = start, left = maxBytes; left > 0;) {
        const buf = Buffer.alloc(Math.min(WRITE_CHUNK, left));
        const read = await this.call<number>('read', path, (cb) =>
          this.sftp.read(handle, buf, 0, buf.length, at, (e, n) =>
            // End of file is an answer here, not an error.
            e && (e as { code?: unknown }).code === 1 ? cb(null, 0) : cb(e, n),
          ),
        );
        if (!read) break;
        chunks.push(buf.subarray(0, read));
        at += read;
        left -= read;
      }
    } finally {
      await this.call<void>('close', path, (cb) => this.sftp.close(handle, (e) => cb(e))).catch(
        () => undefined,
      );
    }
    return Buffer.concat(chunks);
  }

  end(): void {
    this.sftp.end();
  }
}

/**
 * Calls FN with a node-style callback and settles with its answer, or rejects with the reason the
 * connection gives when it closes first (WHAT says what was going on).
 */
export function settleOnClose<T>(
  connection: SshConnection,
  what: string,
  fn: (cb: Callback<T>) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (!connection.isOpen) return reject(new SshError(`${connection.closeMessage()} (before ${what})`));
    let settled = false;
    const stop = connection.onClose((reason) => {
      if (settled) return;
      settled = true;
      reject(new SshError(`${reason} during ${what}`));
    });
    try {
      fn((err, value) => {
        if (settled) return;
        settled = true;
        stop();
        if (err) reject(err);
        else resolve(value as T);
      });
    } catch (err) {
      settled = true;
      stop();
      reject(err as Error);
    }
  });
}
