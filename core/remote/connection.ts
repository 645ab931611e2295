// One SSH connection (ssh2) configured like OpenSSH: host key checked against known_hosts,
// agent first then key files (asking for passphrases), keyboard-interactive shown to the user,
// ProxyJump through a second connection, keep-alives so a dropped link ends runs with an error.
import { readFileSync } from 'node:fs';
import { Client, utils, type AnyAuthMethod, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { addKnownHost, checkHostKey, fingerprint, hostKeyFromBlob, type HostKey } from './knownHosts';
import { resolveHost, type ResolvedHost } from './sshConfig';

/** What the user is asked while connecting; the VS Code and CLI layers implement it. */
export interface ConnectPrompts {
  /** Unknown host key: show the fingerprint and ask. True: trust it (it is then added to known_hosts). */
  confirmUnknownHost(question: { host: string; port: number; keyType: string; fingerprint: string }): Promise<boolean>;
  /** Passphrase for an encrypted key file; undefined skips the key. Never stored. */
  passphrase(keyFile: string): Promise<string | undefined>;
  /** Keyboard-interactive (2FA) prompts; undefined gives up. */
  keyboardInteractive(question: { name: string; instructions: string; prompts: { prompt: string; echo: boolean }[] }): Promise<string[] | undefined>;
}

/** Exit code 255, like ssh, for every failure to connect or authenticate. */
export class SshError extends Error {
  readonly exitCode = 255;
}

export class HostKeyError extends SshError {}

export interface ExecResult {
  /** Remote exit status; 128+N when killed by signal N (as a shell reports it). */
  code: number;
  signal?: string;
}

export interface ExecOptions {
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Aborting closes the channel; the caller ends the remote process tree first. */
  signal?: AbortSignal;
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15 };

function describeHost(host: ResolvedHost): string {
  return host.alias === host.hostname && host.port === 22 ? host.alias : `${host.alias} (${host.hostname}:${host.port})`;
}

async function verifyHostKey(host: ResolvedHost, key: HostKey, prompts: ConnectPrompts): Promise<void> {
  const files = [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles];
  const result = await checkHostKey(host.hostname, host.port, key, files);
  const fp = fingerprint(key.blob);
  if (result.status === 'known') return;
  if (result.status === 'revoked') throw new HostKeyError(`the ${key.type} host key of ${describeHost(host)} is marked @revoked in ${result.file}:${result.line}; refusing to connect`);
  if (result.status === 'changed') {
    throw new HostKeyError(
      `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${describeHost(host)}! The ${key.type} key it offers (${fp}) ` +
        `differs from the one in ${result.file}:${result.line}. Someone could be eavesdropping, or the host key was replaced. ` +
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
      `the authenticity of host ${describeHost(host)} can't be established: ${key.type} key fingerprint is ${fp}. ` +
        `Not connecting. Check the fingerprint and accept it, or connect once with ssh to add it to known_hosts.`,
    );
  }
  if (host.strictHostKeyChecking !== 'no' && host.userKnownHostsFiles[0]) addKnownHost(host.userKnownHostsFiles[0], host.hostname, host.port, key);
}

/** What went wrong while logging in, for one clear message; `exhausted`: every method was tried. */
type AuthFailures = string[] & { exhausted?: boolean };

/** Builds the authentication order: agent, then each key file, then keyboard-interactive. */
function authHandler(host: ResolvedHost, prompts: ConnectPrompts, failures: AuthFailures): ConnectConfig['authHandler'] {
  const steps: (() => Promise<AnyAuthMethod | undefined>)[] = [];
  if (host.agentSocket) steps.push(async () => ({ type: 'agent', username: host.user, agent: host.agentSocket! }));
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
        failures.push(`the login prompt ${JSON.stringify(questions.map((q) => q.prompt.trim()).join(' '))} was not answered`);
        failures.exhausted = true;
        finish([]);
      };
      prompts.keyboardInteractive({ name, instructions, prompts: questions.map((q) => ({ prompt: q.prompt, echo: Boolean(q.echo) })) }).then(
        (answers) => (answers === undefined ? unanswered() : finish(answers)),
        unanswered,
      );
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

export class SshConnection {
  private closed = false;
  private closeReason?: string;
  private readonly closeListeners = new Set<(reason: string) => void>();

  private constructor(
    readonly host: ResolvedHost,
    private readonly client: Client,
    private readonly jump?: SshConnection,
  ) {
    client.on('error', (err) => {
      this.closeReason ??= /keepalive/i.test(err.message)
        ? `connection to ${describeHost(host)} lost: no answer to ${host.keepaliveCountMax} keep-alives in ${(host.keepaliveIntervalMs * host.keepaliveCountMax) / 1000} s (network down, VPN dropped, or the login node is gone)`
        : `connection to ${describeHost(host)} failed: ${err.message}`;
    });
    client.on('close', () => {
      this.closed = true;
      const reason = this.closeReason ?? `connection to ${describeHost(host)} was closed`;
      for (const l of this.closeListeners) l(reason);
      this.jump?.close();
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  static async open(host: ResolvedHost, prompts: ConnectPrompts, via?: SshConnection): Promise<SshConnection> {
    const failures: AuthFailures = [];
    let hostKeyError: Error | undefined;
    const client = new Client();
    let sock: ConnectConfig['sock'];
    if (via) sock = await via.forward(host.hostname, host.port);
    return new Promise<SshConnection>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        client.end();
        via?.close();
        reject(err);
      };
      client.once('ready', () => {
        settled = true;
        resolve(new SshConnection(host, client, via));
      });
      const denied = () => {
        const tried = failures.length > 0 ? ` (${failures.join('; ')})` : '';
        return new SshError(`permission denied for ${host.user}@${describeHost(host)}: no key or answer was accepted${tried}. Add your key to ssh-agent or set IdentityFile in your SSH config; answer the login prompts (2FA) when asked.`);
      };
      client.once('error', (err: Error & { level?: string }) => {
        if (hostKeyError) return fail(hostKeyError);
        if (err.level === 'client-authentication') return fail(denied());
        if (err.level === 'client-timeout') return fail(new SshError(`timed out connecting to ${describeHost(host)}`));
        fail(new SshError(`cannot connect to ${describeHost(host)}: ${err.message}`));
      });
      // sshd may hang up after the last failed attempt before the client reports it.
      client.once('close', () => fail(hostKeyError ?? (failures.exhausted ? denied() : new SshError(`connection to ${describeHost(host)} closed during login`))));
      client.connect({
        host: host.hostname,
        port: host.port,
        sock,
        username: host.user,
        // Covers the whole login, prompts included: leave a person time to check a fingerprint or
        // type a passphrase (ConnectTimeout itself only bounds reaching the host in OpenSSH).
        readyTimeout: Math.max(host.connectTimeoutMs, 120_000),
        keepaliveInterval: host.keepaliveIntervalMs,
        keepaliveCountMax: host.keepaliveCountMax,
        tryKeyboard: true,
        hostVerifier: ((blob: Buffer, verify: (ok: boolean) => void) => {
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
      this.client.forwardOut('127.0.0.1', 0, hostname, port, (err, stream) => (err ? reject(new SshError(`jump host cannot reach ${hostname}:${port}: ${err.message}`)) : resolve(stream)));
    });
  }

  /** Runs COMMAND (a shell command line for the remote login shell), streaming its output. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new SshError(this.closeReason ?? `connection to ${describeHost(this.host)} is closed`));
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        if (err) return reject(new SshError(`cannot start the remote command on ${describeHost(this.host)}: ${err.message}`));
        let result: ExecResult | undefined;
        const stopListening = this.onClose((reason) => reject(new SshError(`${reason} while the command was running`)));
        const onAbort = () => channel.close();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (chunk: Buffer) => options.onStdout?.(chunk));
        channel.stderr.on('data', (chunk: Buffer) => options.onStderr?.(chunk));
        channel.on('exit', (code: number | null, signal?: string) => {
          result = code !== null && code !== undefined ? { code } : { code: 128 + (SIGNALS[signal ?? ''] ?? 0), signal };
        });
        channel.on('close', () => {
          stopListening();
          options.signal?.removeEventListener('abort', onAbort);
          if (result) resolve(result);
          else if (options.signal?.aborted) resolve({ code: 130, signal: 'INT' });
          else reject(new SshError(this.closeReason ?? `the remote command on ${describeHost(this.host)} ended without an exit status (connection lost?)`));
        });
        channel.stdin.end();
      });
    });
  }

  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => this.client.sftp((err, sftp) => (err ? reject(new SshError(`SFTP is not available on ${describeHost(this.host)}: ${err.message}`)) : resolve(sftp))));
  }

  close(): void {
    if (!this.closed) this.client.end();
  }
}

/** Opens HOST (already resolved), through its first ProxyJump hop when it has one. */
export async function connect(host: ResolvedHost, prompts: ConnectPrompts): Promise<SshConnection> {
  if (!host.proxyJump) return SshConnection.open(host, prompts);
  const hop = /^(?:(?<user>[^@]+)@)?(?<name>\[[^\]]+\]|[^:]+)(?::(?<port>\d+))?$/.exec(host.proxyJump);
  if (!hop?.groups) throw new SshError(`cannot read ProxyJump '${host.proxyJump}'`);
  const jumpHost = await resolveHost(hop.groups.name.replace(/^\[|\]$/g, ''), host.configFile);
  if (hop.groups.user) jumpHost.user = hop.groups.user;
  if (hop.groups.port) jumpHost.port = Number(hop.groups.port);
  jumpHost.proxyJump = undefined; // one hop
  const jump = await SshConnection.open(jumpHost, prompts);
  return SshConnection.open(host, prompts, jump);
}
