// One SSH connection (ssh2) configured like OpenSSH: host key checked against known_hosts,
// agent first then key files (asking for passphrases), keyboard-interactive shown to the user,
// ProxyJump through a second connection, keep-alives so a dropped link ends runs with an error.
import { existsSync, readFileSync } from 'node:fs';
import { Socket, connect as connectTcp } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  Client,
  OpenSSHAgent,
  utils,
  type AnyAuthMethod,
  type ClientChannel,
  type ConnectConfig,
  type ParsedKey,
  type SFTPWrapper,
} from 'ssh2';
import { addKnownHost, checkHostKey, fingerprint, hostKeyFromBlob, type HostKey } from './knownHosts';
import { resolveHost, type ResolvedHost } from './sshConfig';

/** What the user is asked while connecting; the VS Code and CLI layers implement it. */
export interface ConnectPrompts {
  /** Unknown host key: show the fingerprint and ask. True: trust it (it is then added to known_hosts). */
  confirmUnknownHost(question: {
    host: string;
    port: number;
    keyType: string;
    fingerprint: string;
  }): Promise<boolean>;
  /** Passphrase for an encrypted key file; undefined skips the key. Never stored. */
  passphrase(keyFile: string): Promise<string | undefined>;
  /** Keyboard-interactive (2FA) prompts; undefined gives up. */
  keyboardInteractive(question: {
    name: string;
    instructions: string;
    prompts: { prompt: string; echo: boolean }[];
  }): Promise<string[] | undefined>;
}

/** Exit code 255, like ssh, for every failure to connect or authenticate. */
export class SshError extends Error {
  readonly exitCode = 255;
}

export class HostKeyError extends SshError {}

/** Connecting was stopped by the user (Ctrl+C, a closed terminal): exit 130, not an SSH failure. */
export class ConnectAbortedError extends SshError {}

export interface ExecResult {
  /** Remote exit status; 128+N when killed by signal N (as a shell reports it). */
  code: number;
  signal?: string;
}

export interface ExecOptions {
  onStdout?: OutputSink;
  onStderr?: OutputSink;
  /** Aborting closes the channel; the caller ends the remote process tree first. */
  signal?: AbortSignal;
  /**
   * Called once the channel is open with a function that writes to the remote command's stdin;
   * without it stdin is closed at once (the command reads end of file).
   */
  onStdin?: (write: (data: string | Buffer) => void) => void;
}

/**
 * Output callbacks may return a promise: the channel is paused until it settles, so the remote
 * side is held back (SSH window) while the local reader is slow, and nothing piles up in memory.
 */
export type OutputSink = (chunk: Buffer) => unknown;

const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

function describeHost(host: ResolvedHost): string {
  return host.alias === host.hostname && host.port === 22
    ? host.alias
    : `${host.alias} (${host.hostname}:${host.port})`;
}

async function verifyHostKey(host: ResolvedHost, key: HostKey, prompts: ConnectPrompts): Promise<void> {
  const files = [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles];
  // HostKeyAlias: the key is looked up (and stored) under the alias instead of host:port.
  const result = await checkHostKey(
    host.hostKeyAlias ?? host.hostname,
    host.hostKeyAlias ? 22 : host.port,
    key,
    files,
  );
  const fp = fingerprint(key.blob);
  if (result.status === 'known') return;
  if (result.status === 'revoked')
    throw new HostKeyError(
      `the ${key.type} host key of ${describeHost(host)} is marked @revoked in ` +
        `${result.file}:${result.line}; refusing to connect`,
    );
  if (result.status === 'changed') {
    throw new HostKeyError(
      `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${describeHost(host)}! ` +
        `The ${key.type} key it offers (${fp}) differs from the one in ${result.file}:${result.line}. ` +
        `Someone could be eavesdropping, or the host key was replaced. ` +
        `Refusing to connect; if the change is expected, remove that line (ssh-keygen -R) and connect again.`,
    );
  }
  const question = { host: describeHost(host), port: host.port, keyType: key.type, fingerprint: fp };
  let accepted: boolean;
  if (host.strictHostKeyChecking === 'accept-new' || host.strictHostKeyChecking === 'no') accepted = true;
  else if (host.strictHostKeyChecking === 'yes') accepted = false;
  else accepted = await prompts.confirmUnknownHost(question);
  if (!accepted) {
    throw new HostKeyError(
      `the authenticity of host ${describeHost(host)} can't be established: ` +
        `${key.type} key fingerprint is ${fp}. ` +
        'Not connecting. Check the fingerprint and accept it, ' +
        'or connect once with ssh to add it to known_hosts.',
    );
  }
  if (host.strictHostKeyChecking !== 'no' && host.userKnownHostsFiles[0]) {
    addKnownHost(
      host.userKnownHostsFiles[0],
      host.hostKeyAlias ?? host.hostname,
      host.hostKeyAlias ? 22 : host.port,
      key,
      host.hashKnownHosts,
    );
  }
}

/** The public key of an IdentityFile (from FILE.pub, else the unencrypted key itself), base64. */
function identityPublicKey(file: string): string | undefined {
  try {
    if (existsSync(`${file}.pub`)) return readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)[1];
    const parsed = utils.parseKey(readFileSync(file));
    if (!(parsed instanceof Error))
      return (Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH().toString('base64');
  } catch {
    // unreadable: it is reported when the file itself is tried
  }
  return undefined;
}

/**
 * IdentitiesOnly yes: the agent may offer only the keys of the configured IdentityFiles, as
 * OpenSSH does (an agent holding many keys would otherwise use up the server's MaxAuthTries).
 */
function onlyConfiguredKeys(socket: string, identityFiles: readonly string[]): OpenSSHAgent {
  const allowed = new Set(identityFiles.map(identityPublicKey).filter((k): k is string => k !== undefined));
  const agent = new OpenSSHAgent(socket);
  const all = agent.getIdentities.bind(agent);
  agent.getIdentities = (cb: (err: Error | undefined, keys?: ParsedKey[]) => void) =>
    all((err, keys) =>
      cb(
        err ?? undefined,
        keys?.filter(
          (k) => 'getPublicSSH' in k && allowed.has((k as ParsedKey).getPublicSSH().toString('base64')),
        ) as ParsedKey[] | undefined,
      ),
    );
  return agent;
}

/** What went wrong while logging in, for one clear message; `exhausted`: every method was tried. */
type AuthFailures = string[] & { exhausted?: boolean };

/** Builds the authentication order: agent, then each key file, then keyboard-interactive. */
function authHandler(
  host: ResolvedHost,
  prompts: ConnectPrompts,
  failures: AuthFailures,
): ConnectConfig['authHandler'] {
  const steps: (() => Promise<AnyAuthMethod | undefined>)[] = [];
  if (host.agentSocket) {
    const agent = host.identitiesOnly
      ? onlyConfiguredKeys(host.agentSocket, host.identityFiles)
      : host.agentSocket;
    steps.push(async () => ({ type: 'agent', username: host.user, agent }));
  }
  for (const file of host.identityFiles) {
    steps.push(async () => {
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch (err) {
        failures.push(`${file}: ${(err as Error).message}`);
        return undefined;
      }
      const parsed = utils.parseKey(data);
      if (!(parsed instanceof Error)) return { type: 'publickey', username: host.user, key: data };
      if (!/encrypted/i.test(parsed.message) && !/passphrase/i.test(parsed.message)) {
        failures.push(`${file}: ${parsed.message}`);
        return undefined;
      }
      const passphrase = await prompts.passphrase(file);
      if (passphrase === undefined) {
        failures.push(`${file}: encrypted and no passphrase was given`);
        return undefined;
      }
      const decrypted = utils.parseKey(data, passphrase);
      if (decrypted instanceof Error) {
        failures.push(`${file}: ${decrypted.message.replace(/^.*bad passphrase.*$/i, 'wrong passphrase')}`);
        return undefined;
      }
      return { type: 'publickey', username: host.user, key: data, passphrase };
    });
  }
  steps.push(async () => ({
    type: 'keyboard-interactive',
    username: host.user,
    prompt: (name, instructions, _lang, questions, finish) => {
      const unanswered = () => {
        // The server hangs up on an empty answer: remember why, for the error the user sees.
        const asked = questions.map((q) => q.prompt.trim()).join(' ');
        failures.push(`the login prompt ${JSON.stringify(asked)} was not answered`);
        failures.exhausted = true;
        finish([]);
      };
      prompts
        .keyboardInteractive({
          name,
          instructions,
          prompts: questions.map((q) => ({ prompt: q.prompt, echo: Boolean(q.echo) })),
        })
        .then((answers) => (answers === undefined ? unanswered() : finish(answers)), unanswered);
    },
  }));
  let index = 0;
  return (methodsLeft, _partial, next) => {
    const advance = (): void => {
      const step = steps[index++];
      if (!step) {
        failures.exhausted = true;
        return next(false as unknown as AnyAuthMethod);
      }
      step().then(
        (method) => {
          if (!method) return advance();
          // Skip what the server does not offer (e.g. keyboard-interactive on LUMI's key-only sshd).
          const kind = method.type === 'agent' ? 'publickey' : method.type;
          if (methodsLeft && !methodsLeft.includes(kind as never)) return advance();
          next(method);
        },
        (err: Error) => {
          failures.push(err.message);
          advance();
        },
      );
    };
    advance();
  };
}

/** Options of one connection attempt. */
export interface OpenOptions {
  /** Aborting stops connecting at once (the socket is destroyed), with a ConnectAbortedError. */
  signal?: AbortSignal;
  /** Through this connection (ProxyJump). */
  via?: SshConnection;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Handshakes lost before the server said anything (sshd's MaxStartups drops): retried this often. */
const HANDSHAKE_RETRIES = 8;
const HANDSHAKE_BACKOFF_MS = 200;

/** A failure before the server sent its banner: sshd dropped the connection (MaxStartups), worth a retry. */
class DroppedBeforeBanner extends SshError {}

function keepaliveText(host: ResolvedHost): string {
  const s = (host.keepaliveIntervalMs * host.keepaliveCountMax) / 1000;
  return (
    `no answer from the server in ${s} s (ServerAliveInterval ${host.keepaliveIntervalMs / 1000} s ` +
    `x ServerAliveCountMax ${host.keepaliveCountMax})`
  );
}

export class SshConnection {
  private closed = false;
  private closeReason?: string;
  private readonly closeListeners = new Set<(reason: string) => void>();
  private watchdog?: NodeJS.Timeout;

  private constructor(
    readonly host: ResolvedHost,
    private readonly client: Client,
    sock: Duplex,
    private readonly jump?: SshConnection,
  ) {
    client.on('error', (err) => {
      this.closeReason ??= `connection to ${describeHost(host)} failed: ${err.message}`;
    });
    client.on('close', () => {
      this.closed = true;
      clearInterval(this.watchdog);
      const reason = this.closeReason ?? `connection to ${describeHost(host)} was closed`;
      for (const l of this.closeListeners) l(reason);
      this.jump?.close();
    });
    // Keep-alive as OpenSSH defines it: the link is dead when nothing at all came from the server
    // for ServerAliveInterval x ServerAliveCountMax. ssh2 sends the probes (twice per interval, so
    // an idle but healthy link always has an answer in time); this watchdog decides.
    let lastHeard = Date.now();
    sock.on('data', () => (lastHeard = Date.now()));
    const deadAfter = host.keepaliveIntervalMs * host.keepaliveCountMax;
    this.watchdog = setInterval(
      () => {
        if (Date.now() - lastHeard < deadAfter) return;
        this.closeReason ??=
          `connection to ${describeHost(host)} lost: ${keepaliveText(host)}; ` +
          'the network, the VPN or the login node is gone';
        clearInterval(this.watchdog);
        sock.destroy();
        client.end();
      },
      Math.min(250, host.keepaliveIntervalMs / 4),
    );
    this.watchdog.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Opens HOST: TCP (ConnectionAttempts tries, each bounded by ConnectTimeout, which also bounds
   * the wait for the server's first answer as in OpenSSH), then the SSH login. A handshake that
   * sshd drops before its banner (MaxStartups) is retried with backoff.
   */
  static async open(
    host: ResolvedHost,
    prompts: ConnectPrompts,
    options: OpenOptions = {},
  ): Promise<SshConnection> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await SshConnection.openOnce(host, prompts, options);
      } catch (err) {
        if (
          !(err instanceof DroppedBeforeBanner) ||
          attempt >= HANDSHAKE_RETRIES ||
          options.signal?.aborted
        ) {
          if (err instanceof DroppedBeforeBanner)
            throw new SshError(
              `${err.message} (tried ${attempt + 1} times; ` +
                'the server may be refusing new logins: sshd MaxStartups)',
            );
          throw err;
        }
        // Exponential backoff with jitter, so a storm of clients does not come back all at once.
        await sleep(HANDSHAKE_BACKOFF_MS * 2 ** Math.min(attempt, 5) * (0.5 + Math.random()), options.signal);
        if (options.signal?.aborted)
          throw new ConnectAbortedError(`connecting to ${describeHost(host)} was stopped`);
      }
    }
  }

  /** TCP to HOST, ConnectionAttempts times (a second apart, as OpenSSH), each within ConnectTimeout. */
  private static async tcp(host: ResolvedHost, signal?: AbortSignal): Promise<Socket> {
    let lastError = '';
    for (let attempt = 1; attempt <= host.connectionAttempts; attempt++) {
      if (attempt > 1) await sleep(1000, signal);
      if (signal?.aborted) throw new ConnectAbortedError(`connecting to ${describeHost(host)} was stopped`);
      try {
        return await new Promise<Socket>((resolve, reject) => {
          const sock = connectTcp({ host: host.hostname, port: host.port });
          const timer = setTimeout(
            () =>
              finish(
                new SshError(
                  `connect to host ${host.hostname} port ${host.port}: ` +
                    `Connection timed out (ConnectTimeout ${host.connectTimeoutMs / 1000} s)`,
                ),
              ),
            host.connectTimeoutMs,
          );
          const onAbort = () =>
            finish(new ConnectAbortedError(`connecting to ${describeHost(host)} was stopped`));
          signal?.addEventListener('abort', onAbort, { once: true });
          function finish(err?: Error) {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            sock.off('error', finish);
            if (err) {
              sock.destroy();
              reject(err);
            } else resolve(sock);
          }
          sock.once('connect', () => finish());
          sock.once('error', (e: Error) =>
            finish(new SshError(`connect to host ${host.hostname} port ${host.port}: ${e.message}`)),
          );
        });
      } catch (err) {
        if (err instanceof ConnectAbortedError) throw err;
        lastError = (err as Error).message;
      }
    }
    const attempts = host.connectionAttempts > 1 ? ` (${host.connectionAttempts} attempts)` : '';
    throw new SshError(`cannot connect to ${describeHost(host)}: ${lastError}${attempts}`);
  }

  private static async openOnce(
    host: ResolvedHost,
    prompts: ConnectPrompts,
    options: OpenOptions,
  ): Promise<SshConnection> {
    const { signal, via } = options;
    const started = Date.now();
    const failures: AuthFailures = [];
    let hostKeyError: Error | undefined;
    const client = new Client();
    const sock: Duplex = via
      ? await via.forward(host.hostname, host.port)
      : await SshConnection.tcp(host, signal);
    return new Promise<SshConnection>((resolve, reject) => {
      let settled = false;
      let serverAnswered = false;
      // ConnectTimeout also bounds the wait for the server's first answer (a tarpit that accepts
      // and never speaks), until the host key is presented; prompts after that are not bounded.
      const left = Math.max(1, host.connectTimeoutMs - (Date.now() - started));
      const bannerTimer = setTimeout(
        () =>
          fail(
            new SshError(
              `connection to ${describeHost(host)} timed out: ` +
                `no answer from the SSH server within ConnectTimeout ${host.connectTimeoutMs / 1000} s`,
            ),
          ),
        left,
      );
      const onAbort = () => fail(new ConnectAbortedError(`connecting to ${describeHost(host)} was stopped`));
      signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(bannerTimer);
        signal?.removeEventListener('abort', onAbort);
        sock.destroy();
        client.end();
        reject(err);
      };
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        clearTimeout(bannerTimer);
        signal?.removeEventListener('abort', onAbort);
        resolve(new SshConnection(host, client, sock, via));
      });
      const denied = () => {
        const tried = failures.length > 0 ? ` (${failures.join('; ')})` : '';
        return new SshError(
          `permission denied for ${host.user}@${describeHost(host)}: ` +
            `no key or answer was accepted${tried}. ` +
            'Add your key to ssh-agent or set IdentityFile in your SSH config; ' +
            'answer the login prompts (2FA) when asked.',
        );
      };
      const lostEarly = (why: string) =>
        serverAnswered
          ? new SshError(`connection to ${describeHost(host)} ${why} during login`)
          : new DroppedBeforeBanner(`connection to ${describeHost(host)} ${why} before the SSH handshake`);
      // Errors after the connection is up are handled by the SshConnection; this one stays so
      // that no 'error' is ever unhandled.
      client.on('error', (err: Error & { level?: string }) => {
        if (hostKeyError) return fail(hostKeyError);
        if (err.level === 'client-authentication') return fail(denied());
        if (err.level === 'client-timeout')
          return fail(new SshError(`timed out connecting to ${describeHost(host)}`));
        if (/before handshake|ECONNRESET|EPIPE/.test(err.message)) return fail(lostEarly('was closed'));
        fail(new SshError(`cannot connect to ${describeHost(host)}: ${err.message}`));
      });
      // sshd may hang up after the last failed attempt before the client reports it.
      client.once('close', () => fail(hostKeyError ?? (failures.exhausted ? denied() : lostEarly('closed'))));
      client.connect({
        sock: sock as ConnectConfig['sock'],
        username: host.user,
        // The whole login, prompts included: leave a person time to check a fingerprint or type a
        // passphrase. Reaching the host and its first answer are bounded by ConnectTimeout above.
        readyTimeout: 0,
        // Probes twice per ServerAliveInterval; the watchdog in the constructor declares the link
        // dead, so ssh2's own count never fires first.
        keepaliveInterval: Math.max(1, Math.floor(host.keepaliveIntervalMs / 2)),
        keepaliveCountMax: 1_000_000,
        tryKeyboard: true,
        hostVerifier: ((blob: Buffer, verify: (ok: boolean) => void) => {
          serverAnswered = true;
          clearTimeout(bannerTimer);
          verifyHostKey(host, hostKeyFromBlob(blob), prompts).then(
            () => verify(true),
            (err: Error) => {
              hostKeyError = err;
              verify(false);
            },
          );
        }) as ConnectConfig['hostVerifier'],
        authHandler: authHandler(host, prompts, failures),
      });
    });
  }

  /** A TCP stream to HOST:PORT through this connection (ProxyJump). */
  forward(hostname: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, hostname, port, (err, stream) =>
        err
          ? reject(
              new SshError(
                `jump host ${describeHost(this.host)} cannot reach ${hostname}:${port}: ${err.message}`,
              ),
            )
          : resolve(stream),
      );
    });
  }

  /** Runs COMMAND (a shell command line for the remote login shell), streaming its output. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new SshError(this.closeMessage()));
    return new Promise((resolve, reject) => {
      // Settles also when the link drops before the channel opens (ssh2 then never calls back).
      let opened = false;
      const stopWaiting = this.onClose((reason) => {
        if (!opened) reject(new SshError(`${reason} while starting the remote command`));
      });
      this.client.exec(command, (err, channel) => {
        opened = true;
        stopWaiting();
        if (err)
          return reject(
            new SshError(`cannot start the remote command on ${describeHost(this.host)}: ${err.message}`),
          );
        let result: ExecResult | undefined;
        const stopListening = this.onClose((reason) =>
          reject(new SshError(`${reason} while the command was running`)),
        );
        const onAbort = () => channel.close();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        // Backpressure: while a sink's promise is pending, that stream is paused; ssh2 then stops
        // opening the SSH window and the remote command blocks on its writes.
        const forward = (stream: NodeJS.ReadableStream, sink?: OutputSink) =>
          stream.on('data', (chunk: Buffer) => {
            const wait = sink?.(chunk);
            if (wait instanceof Promise) {
              stream.pause();
              (wait as Promise<unknown>).then(
                () => stream.resume(),
                () => stream.resume(),
              );
            }
          });
        forward(channel, options.onStdout);
        forward(channel.stderr, options.onStderr);
        channel.on('exit', (code: number | null, signal?: string) => {
          result =
            code !== null && code !== undefined
              ? { code }
              : { code: 128 + (SIGNALS[signal ?? ''] ?? 0), signal };
        });
        channel.on('close', () => {
          stopListening();
          options.signal?.removeEventListener('abort', onAbort);
          if (result) resolve(result);
          else if (options.signal?.aborted) resolve({ code: 130, signal: 'INT' });
          else
            reject(
              new SshError(
                this.closeReason ??
                  `the remote command on ${describeHost(this.host)} ` +
                    'ended without an exit status (connection lost?)',
              ),
            );
        });
        channel.stdin.on('error', () => undefined); // writes after the remote side closed
        if (options.onStdin) options.onStdin((data) => channel.stdin.writable && channel.stdin.write(data));
        else channel.stdin.end();
      });
    });
  }

  /**
   * Opens an SFTP channel, for SftpSession (sftp.ts), whose calls all settle when the link drops.
   * CB is called once, or never when the connection closes first (SftpSession covers that).
   */
  rawSftp(cb: (err: Error | undefined, sftp?: SFTPWrapper) => void): void {
    this.client.sftp((err, sftp) =>
      err
        ? cb(new SshError(`SFTP is not available on ${describeHost(this.host)}: ${err.message}`))
        : cb(undefined, sftp),
    );
  }

  /**
   * The raw SFTP channel, opened within the connection's life (rejects when it closes first).
   * Prefer SftpSession (sftp.ts): there every request also settles when the link drops.
   */
  sftp(): Promise<SFTPWrapper> {
    if (this.closed) return Promise.reject(new SshError(this.closeMessage()));
    return new Promise((resolve, reject) => {
      const stop = this.onClose((reason) => reject(new SshError(`${reason} while opening SFTP`)));
      this.rawSftp((err, sftp) => {
        stop();
        if (err || !sftp) reject(err);
        else resolve(sftp);
      });
    });
  }

  /** Why the connection is closed, in words (or that it is closed). */
  closeMessage(): string {
    return this.closeReason ?? `connection to ${describeHost(this.host)} is closed`;
  }

  close(): void {
    if (!this.closed) this.client.end();
  }
}

/** One ProxyJump hop: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
function parseHop(text: string): { user?: string; name: string; port?: number } {
  const hop = /^(?:ssh:\/\/)?(?:(?<user>[^@]+)@)?(?<name>\[[^\]]+\]|[^:@/]+)(?::(?<port>\d+))?\/?$/.exec(
    text.trim(),
  );
  if (!hop?.groups) throw new SshError(`cannot read ProxyJump hop '${text}'`);
  return {
    user: hop.groups.user,
    name: hop.groups.name.replace(/^\[|\]$/g, ''),
    port: hop.groups.port ? Number(hop.groups.port) : undefined,
  };
}

/** Longest ProxyJump chain followed (a loop in the config ends with an error, not a hang). */
const MAX_HOPS = 10;

/**
 * Opens HOST (already resolved) through its whole ProxyJump chain, as OpenSSH does: the first hop
 * with its own configuration (its own ProxyJump included), each next hop through the one before.
 * Aborting SIGNAL stops at once, whichever hop is connecting.
 */
export async function connect(
  host: ResolvedHost,
  prompts: ConnectPrompts,
  signal?: AbortSignal,
  depth = 0,
): Promise<SshConnection> {
  if (host.proxyJump.length === 0) return SshConnection.open(host, prompts, { signal });
  if (depth >= MAX_HOPS)
    throw new SshError(
      `ProxyJump of ${describeHost(host)} goes deeper than ${MAX_HOPS} hops (a loop in the SSH config?)`,
    );
  let via: SshConnection | undefined;
  try {
    for (const [index, text] of host.proxyJump.entries()) {
      const hop = parseHop(text);
      const jumpHost = await resolveHost(hop.name, host.configFile);
      if (hop.user) jumpHost.user = hop.user;
      if (hop.port) jumpHost.port = hop.port;
      if (index === 0) via = await connect(jumpHost, prompts, signal, depth + 1);
      else via = await SshConnection.open({ ...jumpHost, proxyJump: [] }, prompts, { signal, via });
    }
    return await SshConnection.open(host, prompts, { signal, via });
  } catch (err) {
    via?.close();
    throw err;
  }
}
