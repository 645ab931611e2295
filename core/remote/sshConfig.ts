// Resolves a host alias the way Remote-SSH and OpenSSH do: by asking OpenSSH itself (`ssh -G`),
// so Include, Match, wildcards and defaults behave exactly as in a terminal. No hand parser.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { loadExeca } from '../common/execa';

export interface ResolvedHost {
  alias: string;
  hostname: string;
  port: number;
  user: string;
  /**
   * IdentityFile entries that exist (the key, or only its .pub for a key held by the agent), in OpenSSH's
   * order.
   */
  identityFiles: string[];
  identitiesOnly: boolean;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: 'yes' | 'ask' | 'accept-new' | 'no';
  /**
   * The ProxyJump chain as written (`[user@]host[:port]` or an alias per hop), first hop first; empty:
   * direct.
   */
  proxyJump: string[];
  /** HostKeyAlias: the name the host key is checked and stored under instead of host:port. */
  hostKeyAlias?: string;
  /** HashKnownHosts: new known_hosts entries are written hashed. */
  hashKnownHosts: boolean;
  /** ConnectionAttempts: TCP connection tries, a second apart. */
  connectionAttempts: number;
  /** Agent socket: IdentityAgent, else SSH_AUTH_SOCK; undefined when none. */
  agentSocket?: string;
  /**
   * Keep-alive interval in ms (ServerAliveInterval, 15 s when unset or 0 so drops are noticed);
   * the link is declared dead after keepaliveIntervalMs x keepaliveCountMax of silence.
   */
  keepaliveIntervalMs: number;
  /** ServerAliveCountMax (3 by default). */
  keepaliveCountMax: number;
  /** ConnectTimeout in ms (30 s when `none`): bounds the TCP connect and the server's first answer. */
  connectTimeoutMs: number;
  /** The config file given with -F, passed on to ProxyJump resolution. */
  configFile?: string;
}

export class SshConfigError extends Error {}

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/** Parses `ssh -G` output (lower-case keyword, a space, the value; some keywords repeat). */
export function parseSshG(
  alias: string,
  output: string,
  env: NodeJS.ProcessEnv,
  configFile?: string,
): ResolvedHost {
  const values = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space).toLowerCase();
    const list = values.get(key) ?? [];
    list.push(line.slice(space + 1).trim());
    values.set(key, list);
  }
  const one = (key: string) => values.get(key)?.[0];
  const seconds = (key: string, fallback: number) => {
    const v = Number(one(key));
    return Number.isFinite(v) && v > 0 ? v * 1000 : fallback;
  };
  const strict = (one('stricthostkeychecking') ?? 'ask').toLowerCase();
  const agentSetting = one('identityagent');
  let agentSocket: string | undefined = env.SSH_AUTH_SOCK || undefined;
  if (agentSetting && agentSetting !== 'SSH_AUTH_SOCK')
    agentSocket = agentSetting === 'none' ? undefined : expandHome(agentSetting);
  const proxy = one('proxyjump');
  return {
    alias,
    hostname: one('hostname') ?? alias,
    port: Number(one('port') ?? 22),
    user: one('user') ?? env.USER ?? 'root',
    identityFiles: (values.get('identityfile') ?? [])
      .map(expandHome)
      .filter((f) => existsSync(f) || existsSync(`${f}.pub`)),
    identitiesOnly: one('identitiesonly') === 'yes',
    userKnownHostsFiles: (one('userknownhostsfile') ?? '~/.ssh/known_hosts')
      .split(/\s+/)
      .filter(Boolean)
      .map(expandHome),
    globalKnownHostsFiles: (one('globalknownhostsfile') ?? '').split(/\s+/).filter(Boolean).map(expandHome),
    strictHostKeyChecking:
      strict === 'yes' || strict === 'true'
        ? 'yes'
        : strict === 'accept-new'
          ? 'accept-new'
          : strict === 'no' || strict === 'off' || strict === 'false'
            ? 'no'
            : 'ask',
    proxyJump:
      proxy && proxy !== 'none'
        ? proxy
            .split(',')
            .map((h) => h.trim())
            .filter(Boolean)
        : [],
    hostKeyAlias: one('hostkeyalias') && one('hostkeyalias') !== 'none' ? one('hostkeyalias') : undefined,
    hashKnownHosts: one('hashknownhosts') === 'yes',
    connectionAttempts: Math.max(1, Math.floor(Number(one('connectionattempts') ?? 1)) || 1),
    agentSocket,
    keepaliveIntervalMs: seconds('serveraliveinterval', 15_000),
    keepaliveCountMax: Number(one('serveralivecountmax') ?? 3) || 3,
    connectTimeoutMs: seconds('connecttimeout', 30_000),
    configFile,
  };
}

/** `ssh -G [-F FILE] ALIAS` through execa; a clear error when ssh is missing or rejects the alias. */
export async function resolveHost(
  alias: string,
  configFile?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedHost> {
  if (alias === '' || alias.startsWith('-')) throw new SshConfigError(`'${alias}' is not a host alias`);
  const args = [...(configFile ? ['-F', configFile] : []), '-G', '--', alias];
  let result;
  try {
    const { execa } = await loadExeca();
    result = await execa('ssh', args, { reject: false, env, stdin: 'ignore' });
  } catch (err) {
    throw new SshConfigError(`cannot run OpenSSH's ssh to read the SSH config: ${(err as Error).message}`);
  }
  if (result.exitCode !== 0) {
    const why = String(result.stderr).trim() || `ssh -G exited with ${result.exitCode}`;
    throw new SshConfigError(
      `cannot resolve host '${alias}'${configFile ? ` with ${configFile}` : ''}: ${why}`,
    );
  }
  return parseSshG(alias, String(result.stdout), env, configFile);
}
