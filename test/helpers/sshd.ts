// A real OpenSSH sshd for tests: started on 127.0.0.1 on a free port with its own host key, config
// and authorized keys, stopped (with every session process) by stop() or when the test process exits.
//
// How it stays off the machine's own files:
// - sshd runs inside bubblewrap with `--dev-bind / /` (the host's file system and devices, writable),
//   in a private mount namespace. The network namespace is shared, so clients connect to 127.0.0.1:PORT.
// - `--tmpfs /run --dir /run/sshd`: sshd (as root) insists on its privilege separation directory
//   /run/sshd; it exists only in the namespace. utmp (/run/utmp) lands in that tmpfs too.
// - `--ro-bind PASSWD /etc/passwd`: a copy of /etc/passwd in which the user's home directory is the
//   fixture's temp dir `remoteHome`, so the remote $HOME is the same path on both sides (sshd, bash,
//   Lmod's caches, ~/.bash_profile all go there). The real home (/root) is not hidden: remote
//   commands can still read the repository and tools installed there. If the user has no line in
//   /etc/passwd (NSS from elsewhere), the temp dir is bound over the real home instead; then the
//   remote $HOME is the real home's path, backed by remoteHome.
// - /var/log/wtmp, /var/log/btmp and /var/log/lastlog (which sshd writes for pty logins and failed
//   logins) are covered by empty files in the temp dir when they exist.
// - `--unshare-pid`: sshd and everything it starts live in a PID namespace. sshd's per-connection
//   children call setsid() and sessions may start daemons, so neither the process group nor the
//   process tree catches them all; when the namespace's init (bwrap's) dies, the kernel kills every
//   process in it. `--die-with-parent` kills that init when bwrap or the test process dies.
//   A fresh /proc for the namespace is mounted by `mount -t proc` in a small sh wrapper, NOT by
//   bwrap's `--proc /proc`: bwrap covers /proc/sys, /proc/irq, ... with read-only binds, and a
//   procfs with such overmounts is not "fully visible", so a nested sandbox that creates a user
//   namespace (`bwrap --unshare-all ... --proc /proc`, `unshare -Urpf --mount-proc`) is refused
//   ("Can't mount proc on /newroot/proc: Operation not permitted"). With the plain mount, nested
//   bwrap works in all tried forms (with and without --unshare-pid/--unshare-all/--proc).
// Nothing is written outside the fixture's temp dir (removed by stop()).
//
// Written for running the tests as root (the container's case); sshd then logs in as root with
// PermitRootLogin prohibit-password.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshdFixture {
  host: string; // '127.0.0.1'
  port: number;
  user: string; // os.userInfo().username
  dir: string; // the fixture's temp dir
  remoteHome: string; // host path of the temp dir that is the remote user's HOME
  hostPublicKey: string; // 'ssh-ed25519 AAAA...'
  hostKeyFingerprint: string; // 'SHA256:...' as ssh-keygen -l prints it
  knownHostsLine: string; // '[127.0.0.1]:PORT ssh-ed25519 AAAA...'
  clientKey: string; // path of the unencrypted private key
  encryptedClientKey: string; // path of the passphrase-protected private key
  passphrase: string;
  /**
   * Writes an OpenSSH client config (Host ALIAS, HostName, Port, User, IdentityFile, IdentitiesOnly yes,
   * UserKnownHostsFile, plus `extra` options verbatim) and returns its path.
   */
  writeSshConfig(
    alias: string,
    options?: { identityFile?: string; knownHostsFile?: string; extra?: Record<string, string> },
  ): string;
  /**
   * A known_hosts file in dir: 'known' holds knownHostsLine, 'hashed' the same hashed (ssh-keygen -H),
   * 'changed' a different ed25519 key for the same host, 'empty' nothing.
   */
  knownHostsFile(kind: 'known' | 'hashed' | 'changed' | 'empty'): string;
  /** Lines appended to the remote ~/.bash_profile (e.g. `export PATH=/x/bin:$PATH`), read by `bash -l`. */
  addRemoteProfile(lines: string): void;
  /** sshd's own log (stderr) so far. */
  log(): string;
  /** Kills sshd (and every session process it started) and waits for the port to close. */
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';
const HOST = '127.0.0.1';
const PASSPHRASE = 'lumi fixture passphrase';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const BIND_ATTEMPTS = 5;
/** Files sshd writes login records to, outside /run (which is a tmpfs in the namespace). */
const LOGIN_RECORD_FILES = ['/var/log/wtmp', '/var/log/btmp', '/var/log/lastlog'];

// Fixtures still running; killed when the test process exits without stop().
const live = new Set<{ kill(): void }>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const f of live) f.kill();
  });
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function keygen(path: string, passphrase = ''): void {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'lumi-sshd-fixture', '-f', path]);
}

/** 'ssh-ed25519 AAAA...' without the comment. */
function publicKey(path: string): string {
  return readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

/**
 * OpenSSH's version (major + minor / 10) from `sshd -V` (which older versions answer with usage + version).
 */
function sshdVersion(): number {
  const r = spawnSync(SSHD, ['-V'], { encoding: 'utf8' });
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return m ? Number(m[1]) + Number(m[2]) / 10 : 0;
}

/** Quotes a value for ssh_config/sshd_config when it has blanks or quotes. */
function cfgValue(v: string): string {
  return /[\s"'\\#]/.test(v) ? `"${v.replace(/(["\\])/g, '\\$1')}"` : v;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

/** One TCP connect to HOST:port: 'ssh' if it answers with an SSH-2.0 banner, 'refused' if nothing listens. */
function probe(port: number, timeoutMs = 1000): Promise<'ssh' | 'refused' | 'other'> {
  return new Promise((resolve) => {
    let data = '';
    let done = false;
    const sock = net.connect({ host: HOST, port });
    const finish = (r: 'ssh' | 'refused' | 'other') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish('other'), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('data', (chunk: string) => {
      data += chunk;
      if (data.startsWith('SSH-2.0-')) finish('ssh');
      else if (data.length >= 8 || data.includes('\n')) finish('other');
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNREFUSED' ? 'refused' : 'other'));
    sock.on('close', () => finish('other'));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `pid:[inode]` of a process's PID namespace, or undefined once it is gone (or not ours to read). */
function pidNamespaceOf(pid: number | string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Host PIDs of the children of PARENT (from /proc/PID/stat: the field after the command). */
function childrenOf(parent: number): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) found.push(Number(pid));
    } catch {
      /* exited */
    }
  }
  return found;
}

/** Host PIDs still in the PID namespace NS (the kernel kills them after its init dies, not at once). */
function processesIn(ns: string): number[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && pidNamespaceOf(pid) === ns)
    .map(Number);
}

/** /etc/passwd with `user`'s home replaced, or undefined when the user has no line there. */
function passwdWithHome(user: string, home: string): string | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  let found = false;
  const lines = text.split('\n').map((line) => {
    const f = line.split(':');
    if (f.length === 7 && f[0] === user && !found) {
      found = true;
      f[5] = home;
      return f.join(':');
    }
    return line;
  });
  return found ? lines.join('\n') : undefined;
}

export interface SshdOptions {
  /**
   * A second factor after the key, as LUMI-like 2FA: sshd then requires publickey AND
   * keyboard-interactive, where PAM (pam_unix against a shadow copy holding this password, both
   * bound only inside the namespace) asks "Password:".
   */
  secondFactorPassword?: string;
  /**
   * sshd_config lines put first (sshd keeps the first value), e.g. `MaxStartups 2:90:4`, `MaxAuthTries 3`.
   */
  extraConfig?: string[];
  /**
   * A small tmpfs mounted inside the namespace only, at this path under the remote HOME (e.g.
   * `.cache/lumi-modules`), of SIZE (mount's size=, e.g. `300k`): a full disk or quota on the
   * remote. The host does not see it; look at it through the sshd.
   */
  remoteTmpfs?: { path: string; size: string };
}

/** PAM stack of the namespace when a second factor is on: only pam_unix asks. */
const SECOND_FACTOR_PAM =
  'auth required pam_unix.so\naccount required pam_permit.so\nsession required pam_permit.so\npassword required pam_deny.so\n';

export async function startSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found (install openssh-server)`);
  const info = userInfo();
  const user = info.username;
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lumi-sshd-')));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const killChild = () => {
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL'); // bwrap's process group; the PID namespace dies with its init
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  const safety = {
    kill() {
      killChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  installExitHook();
  live.add(safety);
  try {
    const remoteHome = join(dir, 'home');
    mkdirSync(remoteHome, { mode: 0o700 });
    writeFileSync(
      join(remoteHome, '.bash_profile'),
      '# Remote ~/.bash_profile of the test sshd (test/helpers/sshd.ts).\n' +
        '# bash -l reads /etc/profile first (it resets PATH and loads Lmod), then this file.\n',
    );

    const hostKey = join(dir, 'ssh_host_ed25519_key');
    const changedHostKey = join(dir, 'other_host_ed25519_key');
    const clientKey = join(dir, 'id_ed25519');
    const encryptedClientKey = join(dir, 'id_ed25519_encrypted');
    keygen(hostKey);
    keygen(clientKey);
    keygen(encryptedClientKey, PASSPHRASE);
    const hostPublicKey = publicKey(hostKey);
    const hostKeyFingerprint =
      run('ssh-keygen', ['-l', '-f', `${hostKey}.pub`])
        .trim()
        .split(/\s+/)[1] ?? '';
    const authorizedKeys = join(dir, 'authorized_keys');
    writeFileSync(authorizedKeys, `${publicKey(clientKey)}\n${publicKey(encryptedClientKey)}\n`, {
      mode: 0o600,
    });

    // The namespace: see the comment at the top of the file.
    const bwrapArgs = [
      '--dev-bind',
      '/',
      '/',
      '--unshare-pid',
      '--die-with-parent',
      '--tmpfs',
      '/run',
      '--dir',
      '/run/sshd',
    ];
    const passwd = passwdWithHome(user, remoteHome);
    if (passwd !== undefined) {
      const passwdCopy = join(dir, 'passwd');
      writeFileSync(passwdCopy, passwd);
      bwrapArgs.push('--ro-bind', passwdCopy, '/etc/passwd');
    } else if (info.homedir && info.homedir !== '/' && existsSync(info.homedir)) {
      bwrapArgs.push('--bind', remoteHome, info.homedir);
    } else {
      throw new Error(`sshd fixture: user ${user} is not in /etc/passwd and has no home directory to cover`);
    }
    const recordsDir = join(dir, 'login-records');
    mkdirSync(recordsDir);
    for (const file of LOGIN_RECORD_FILES) {
      let st;
      try {
        st = lstatSync(file);
      } catch {
        continue; // sshd does not create them
      }
      if (!st.isFile()) continue;
      const stand = join(recordsDir, file.replace(/\//g, '_'));
      writeFileSync(stand, '', { mode: 0o600 }); // sshd writes btmp only when it is 0600
      bwrapArgs.push('--bind', stand, file);
    }
    if (options.secondFactorPassword !== undefined) {
      const hash = run('openssl', [
        'passwd',
        '-6',
        '-salt',
        'lumifixture',
        options.secondFactorPassword,
      ]).trim();
      const shadow = readFileSync('/etc/shadow', 'utf8')
        .split('\n')
        .map((line) =>
          line.startsWith(`${user}:`) ? [user, hash, ...line.split(':').slice(2)].join(':') : line,
        )
        .join('\n');
      writeFileSync(join(dir, 'shadow'), shadow, { mode: 0o600 });
      writeFileSync(join(dir, 'pam-sshd'), SECOND_FACTOR_PAM);
      bwrapArgs.push(
        '--ro-bind',
        join(dir, 'shadow'),
        '/etc/shadow',
        '--ro-bind',
        join(dir, 'pam-sshd'),
        '/etc/pam.d/sshd',
      );
    }
    const secondFactor = options.secondFactorPassword !== undefined;
    // sh is the namespace's PID 2; it mounts the namespace's own /proc and becomes sshd.
    let wrapper =
      'mount -t proc proc /proc 2>/dev/null || echo "sshd fixture: could not mount a fresh /proc" >&2; exec "$@"';
    if (options.remoteTmpfs) {
      const at = join(remoteHome, options.remoteTmpfs.path);
      mkdirSync(at, { recursive: true, mode: 0o700 });
      const size = options.remoteTmpfs.size.replace(/[^0-9kmgKMG]/g, '');
      wrapper = `mount -t tmpfs -o size=${size},mode=0700 tmpfs '${at.replace(/'/g, "'\\''")}' || exit 1; ${wrapper}`;
    }

    const penalties = sshdVersion() >= 9.8; // OpenSSH 9.8 blocks sources after failed logins: not in tests
    const config = join(dir, 'sshd_config');
    const logFile = join(dir, 'sshd.log');
    const writeConfig = (port: number) =>
      writeFileSync(
        config,
        [
          ...(options.extraConfig ?? []),
          `ListenAddress ${HOST}`,
          `Port ${port}`,
          `HostKey ${cfgValue(hostKey)}`,
          `PidFile ${cfgValue(join(dir, 'sshd.pid'))}`,
          `AuthorizedKeysFile ${cfgValue(authorizedKeys)}`,
          'StrictModes no',
          // prohibit-password would refuse keyboard-interactive for root.
          `PermitRootLogin ${secondFactor ? 'yes' : 'prohibit-password'}`,
          'PubkeyAuthentication yes',
          'PasswordAuthentication no',
          ...(secondFactor
            ? [
                'KbdInteractiveAuthentication yes',
                'UsePAM yes',
                'AuthenticationMethods publickey,keyboard-interactive',
              ]
            : ['KbdInteractiveAuthentication no', 'UsePAM no']),
          'PrintMotd no',
          'PrintLastLog no',
          'Subsystem sftp internal-sftp',
          'LogLevel VERBOSE',
          // No AcceptEnv: the client's environment is not passed (sshd's default).
          ...(penalties ? ['PerSourcePenalties no'] : []),
          '',
        ].join('\n'),
      );

    let port = 0;
    const readLog = () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    let lastFailure = '';
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      if (port === 22) continue;
      writeConfig(port);
      writeFileSync(logFile, '');
      // sshd's stderr goes to a file, not a pipe: tests block the event loop in spawnSync while sshd
      // logs, and a full pipe would stall sshd.
      const fd = openSync(logFile, 'a');
      try {
        child = spawn(
          'bwrap',
          [...bwrapArgs, 'sh', '-c', wrapper, 'sshd-fixture', SSHD, '-D', '-e', '-f', config],
          {
            detached: true,
            stdio: ['ignore', fd, fd],
            env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
          },
        );
      } finally {
        closeSync(fd);
      }
      child.unref(); // a forgotten stop() must not keep the test process alive; the exit hook kills it
      let exitInfo: string | undefined;
      let spawnError: Error | undefined;
      const c = child;
      exited = new Promise<void>((resolve) => {
        c.on('error', (e) => {
          spawnError = e;
          exitInfo = `failed to start: ${e.message}`;
          resolve();
        });
        c.on('exit', (code, signal) => {
          exitInfo = signal ? `killed by ${signal}` : `exited with ${code}`;
          resolve();
        });
      });

      let ready = false;
      while (Date.now() < deadline) {
        if (exitInfo !== undefined) break;
        if (
          readLog().includes(`Server listening on ${HOST} port ${port}.`) &&
          (await probe(port)) === 'ssh'
        ) {
          ready = exitInfo === undefined;
          break;
        }
        await sleep(50);
      }
      if (ready) break;
      const log = readLog();
      if (spawnError) throw new Error(`sshd fixture: could not run bwrap: ${spawnError.message}`);
      if (exitInfo === undefined) {
        killChild();
        await exited;
        throw new Error(
          `sshd fixture: sshd did not accept connections on ${HOST}:${port} within ${START_TIMEOUT_MS} ms; its log:\n${log}`,
        );
      }
      lastFailure = `sshd (in bwrap) ${exitInfo}; its log:\n${log}`;
      const bindFailed = /Address already in use|Cannot bind any address/.test(log);
      if (!bindFailed || attempt >= BIND_ATTEMPTS || Date.now() >= deadline) {
        throw new Error(`sshd fixture: ${lastFailure}`);
      }
      // Someone took the port between freePort() and sshd's bind: try another one.
    }

    // The namespace of sshd and its sessions: bwrap's child is its init (a new PID namespace).
    const hostNamespace = pidNamespaceOf(process.pid);
    const namespace = childrenOf(child!.pid!)
      .map(pidNamespaceOf)
      .find((ns) => ns !== undefined && ns !== hostNamespace);
    if (namespace === undefined)
      throw new Error(`sshd fixture: no PID namespace found under bwrap (pid ${child!.pid})`);

    const knownHostsLine = `[${HOST}]:${port} ${hostPublicKey}`;
    let counter = 0;
    let lastLog = '';
    let stopping: Promise<void> | undefined;
    const proc = child!;

    const fixture: SshdFixture = {
      host: HOST,
      port,
      user,
      dir,
      remoteHome,
      hostPublicKey,
      hostKeyFingerprint,
      knownHostsLine,
      clientKey,
      encryptedClientKey,
      passphrase: PASSPHRASE,

      knownHostsFile(kind) {
        const file = join(dir, `known_hosts.${kind}.${++counter}`);
        switch (kind) {
          case 'known':
            writeFileSync(file, `${knownHostsLine}\n`);
            break;
          case 'hashed':
            writeFileSync(file, `${knownHostsLine}\n`);
            run('ssh-keygen', ['-H', '-f', file]);
            rmSync(`${file}.old`, { force: true });
            break;
          case 'changed':
            if (!existsSync(changedHostKey)) keygen(changedHostKey);
            writeFileSync(file, `[${HOST}]:${port} ${publicKey(changedHostKey)}\n`);
            break;
          case 'empty':
            writeFileSync(file, '');
            break;
          default:
            throw new Error(`unknown known_hosts kind ${String(kind)}`);
        }
        return file;
      },

      writeSshConfig(alias, options = {}) {
        if (!/^[A-Za-z0-9._-]+$/.test(alias))
          throw new Error(`ssh alias ${alias} has characters ssh_config would split on`);
        const file = join(dir, `ssh_config.${alias}.${++counter}`);
        const knownHosts = options.knownHostsFile ?? fixture.knownHostsFile('known');
        // ssh uses the first value it reads for an option, so `extra` comes first and overrides.
        const lines = [`Host ${alias}`];
        for (const [k, v] of Object.entries(options.extra ?? {})) lines.push(`  ${k} ${v}`);
        lines.push(
          `  HostName ${HOST}`,
          `  Port ${port}`,
          `  User ${user}`,
          `  IdentityFile ${cfgValue(options.identityFile ?? clientKey)}`,
          '  IdentitiesOnly yes',
          `  UserKnownHostsFile ${cfgValue(knownHosts)}`,
          '  GlobalKnownHostsFile /dev/null',
          '',
        );
        writeFileSync(file, lines.join('\n'));
        return file;
      },

      addRemoteProfile(lines) {
        appendFileSync(join(remoteHome, '.bash_profile'), lines.endsWith('\n') ? lines : `${lines}\n`);
      },

      log() {
        if (stopping) return lastLog;
        return readLog();
      },

      stop() {
        if (stopping) return stopping;
        lastLog = readLog();
        stopping = (async () => {
          proc.ref();
          killChild();
          await exited;
          const until = Date.now() + STOP_TIMEOUT_MS;
          // bwrap exits at once; the namespace's processes (detached sessions too) die after it.
          for (let left = processesIn(namespace); left.length > 0; left = processesIn(namespace)) {
            if (Date.now() > until)
              throw new Error(
                `sshd fixture: processes ${left.join(', ')} of the namespace still run after sshd was killed`,
              );
            await sleep(20);
          }
          while ((await probe(port, 500)) !== 'refused') {
            if (Date.now() > until)
              throw new Error(
                `sshd fixture: ${HOST}:${port} still accepts connections after sshd was killed`,
              );
            await sleep(50);
          }
          lastLog = readLog();
          live.delete(safety);
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
    return fixture;
  } catch (e) {
    killChild();
    await exited;
    live.delete(safety);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
