// Keeps one SSH connection per host alias for the editor: reused by every run, closed after an
// idle timeout, reopened when it dropped. Reports state changes for a status bar item.
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
}

export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly prompts: ConnectPrompts,
    private readonly options: {
      idleTimeoutMs: number;
      onState?: (
        host: { alias: string; configFile?: string },
        state: ConnectionState,
        detail?: string,
      ) => void;
    },
  ) {}

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
    if (entry.connection?.isOpen) return entry.connection;
    if (!entry.opening) {
      this.options.onState?.(entry, 'connecting');
      const current = entry;
      const opener = new AbortController();
      current.stopOpening = () => opener.abort();
      entry.opening = resolveHost(alias, configFile)
        .then((host) => connect(host, this.prompts, opener.signal))
        .then(
          (connection) => {
            current.connection = connection;
            current.opening = undefined;
            this.options.onState?.(current, 'connected');
            connection.onClose((reason) => {
              if (current.connection === connection) current.connection = undefined;
              this.options.onState?.(current, 'disconnected', reason);
            });
            return connection;
          },
          (err: Error) => {
            current.opening = undefined;
            this.options.onState?.(current, 'failed', err.message);
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
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      if (entry.users > 0) return;
      const connection = entry.connection;
      entry.connection = undefined;
      connection?.close();
      this.options.onState?.(entry, 'idle-closed');
    }, this.options.idleTimeoutMs);
    entry.idleTimer.unref?.();
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
