// Keeps one SSH connection per host alias for the editor: reused by every run and batch job, closed
// after an idle timeout (changed while the pool lives when the setting changes), reopened when it
// dropped. Reports state changes for a status bar item.
import { ConnectAbortedError, connect, type ConnectPrompts, type SshConnection } from './connection';
import { resolveHost } from './sshConfig';

export type ConnectionState = 'connecting' | 'connected' | 'idle-closed' | 'disconnected' | 'failed';

interface Entry {
  alias: string;
  configFile?: string;
  connection?: SshConnection;
  opening?: Promise<SshConnection>;
  stopOpening?: () => void;
  users: number;
  idleTimer?: NodeJS.Timeout;
  /** When the last user released it (Date.now()); undefined while in use. */
  idleSince?: number;
}

export type ConnectionStateListener = (
  host: { alias: string; configFile?: string },
  state: ConnectionState,
  detail?: string,
) => void;

export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();
  private idleTimeoutMs: number;
  private readonly onState?: ConnectionStateListener;

  constructor(
    private readonly prompts: ConnectPrompts,
    options: { idleTimeoutMs: number; onState?: ConnectionStateListener },
  ) {
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.onState = options.onState;
  }

  /**
   * A new idle timeout (the setting changed): connections idle now close once they have been idle
   * that long (at once when they already have), later ones after it.
   */
  setIdleTimeout(ms: number): void {
    if (ms === this.idleTimeoutMs) return;
    this.idleTimeoutMs = ms;
    for (const entry of this.entries.values())
      if (entry.users === 0 && entry.idleSince !== undefined)
        this.scheduleIdleClose(entry, Math.max(0, ms - (Date.now() - entry.idleSince)));
  }

  private scheduleIdleClose(entry: Entry, delayMs: number): void {
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      if (entry.users > 0) return;
      entry.idleSince = undefined;
      const connection = entry.connection;
      entry.connection = undefined;
      connection?.close();
      this.onState?.(entry, 'idle-closed');
    }, delayMs);
    entry.idleTimer.unref?.();
  }

  private key(alias: string, configFile?: string): string {
    return configFile ? `${alias} (${configFile})` : alias;
  }

  /**
   * The open connection for ALIAS, opening (or reopening) it when needed. Pair with release().
   * Aborting SIGNAL stops this caller's wait at once (ConnectAbortedError); the opening goes on only
   * while another caller still waits for it.
   */
  async acquire(alias: string, configFile?: string, signal?: AbortSignal): Promise<SshConnection> {
    const key = this.key(alias, configFile);
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { alias, configFile, users: 0 }));
    entry.users++;
    clearTimeout(entry.idleTimer);
    entry.idleSince = undefined;
    if (entry.connection?.isOpen) return entry.connection;
    if (!entry.opening) {
      this.onState?.(entry, 'connecting');
      const current = entry;
      const opener = new AbortController();
      current.stopOpening = () => opener.abort();
      entry.opening = resolveHost(alias, configFile)
        .then((host) => connect(host, this.prompts, opener.signal))
        .then(
          (connection) => {
            current.connection = connection;
            current.opening = undefined;
            this.onState?.(current, 'connected');
            connection.onClose((reason) => {
              if (current.connection === connection) current.connection = undefined;
              this.onState?.(current, 'disconnected', reason);
            });
            return connection;
          },
          (err: Error) => {
            current.opening = undefined;
            this.onState?.(current, 'failed', err.message);
            throw err;
          },
        );
    }
    const opening = entry.opening;
    const current = entry;
    try {
      if (!signal) return await opening;
      return await new Promise<SshConnection>((resolve, reject) => {
        const onAbort = () => {
          reject(new ConnectAbortedError(`connecting to ${alias} was stopped`));
          // Nobody else waits: stop connecting altogether.
          if (current.users <= 1) current.stopOpening?.();
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        opening.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } catch (err) {
      entry.users--;
      throw err;
    }
  }

  release(alias: string, configFile?: string): void {
    const key = this.key(alias, configFile);
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.users = Math.max(0, entry.users - 1);
    if (entry.users > 0) return;
    entry.idleSince = Date.now();
    this.scheduleIdleClose(entry, this.idleTimeoutMs);
  }

  /** Opens (or reuses) a connection for ALIAS, runs FN with it and releases it. */
  async with<T>(
    alias: string,
    configFile: string | undefined,
    fn: (connection: SshConnection) => Promise<T>,
  ): Promise<T> {
    const connection = await this.acquire(alias, configFile);
    try {
      return await fn(connection);
    } finally {
      this.release(alias, configFile);
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.idleTimer);
      entry.connection?.close();
    }
    this.entries.clear();
  }
}
