// Proves test/helpers/sshd.ts with the system OpenSSH client: host key checking against each
// known_hosts kind, keys, the remote login environment (HOME, Lmod's `module`, profile PATH),
// nested bwrap on the remote, sftp, and that stop() leaves nothing running or listening.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { startSshd, type SshdFixture } from '../helpers/sshd';

function ssh(
  config: string,
  alias: string,
  command: string,
  options: string[] = [],
  env?: NodeJS.ProcessEnv,
) {
  // `options` first: for a repeated -o, ssh keeps the first value.
  const r = spawnSync('ssh', ['-F', config, ...options, '-o', 'BatchMode=yes', alias, command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
    env: env ?? process.env,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function connectOutcome(port: number): Promise<'refused' | 'connected' | string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) =>
      resolve(e.code === 'ECONNREFUSED' ? 'refused' : String(e.code)),
    );
  });
}

/** Host processes whose command line contains `needle`. */
function processesWith(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(needle)) found.push(`${pid}: ${cmd}`);
    } catch {
      /* exited */
    }
  }
  return found;
}

/** The `sleep MARKER` processes themselves (argv exactly that): the remote bash whose `-c` text
 * holds the same words, and its forks before they exec, are not counted. */
function sleepsWith(marker: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${marker}\0`;
    } catch {
      return false; // exited
    }
  });
}

const LOGIN_HOME = `bash -lc 'type module >/dev/null && echo "$HOME"'`;

describe('sshd fixture', () => {
  let f: SshdFixture;
  before(async () => {
    f = await startSshd();
  });
  after(async () => {
    await f?.stop();
  });

  test('fields', () => {
    assert.equal(f.host, '127.0.0.1');
    assert.notEqual(f.port, 22);
    assert.match(f.hostPublicKey, /^ssh-ed25519 AAAA\S+$/);
    assert.match(f.hostKeyFingerprint, /^SHA256:\S+$/);
    assert.equal(f.knownHostsLine, `[127.0.0.1]:${f.port} ${f.hostPublicKey}`);
    assert.ok(f.remoteHome.startsWith(f.dir));
    assert.ok(existsSync(f.clientKey) && existsSync(f.encryptedClientKey));
    const r = spawnSync('ssh-keygen', ['-y', '-P', f.passphrase, '-f', f.encryptedClientKey], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const wrong = spawnSync('ssh-keygen', ['-y', '-P', '', '-f', f.encryptedClientKey], { encoding: 'utf8' });
    assert.notEqual(wrong.status, 0, 'the encrypted key opens without its passphrase');
  });

  test("'known' known_hosts: connects; bash -l has module and HOME is remoteHome", () => {
    const config = f.writeSshConfig('lumi-known', { knownHostsFile: f.knownHostsFile('known') });
    const r = ssh(config, 'lumi-known', LOGIN_HOME);
    assert.equal(r.status, 0, `${r.stderr}\n--- sshd log:\n${f.log()}`);
    assert.equal(r.stdout.trim(), f.remoteHome);
    // A file written to the remote ~ appears in remoteHome on this side.
    const w = ssh(config, 'lumi-known', 'echo written-remotely > ~/marker.txt');
    assert.equal(w.status, 0, w.stderr);
    assert.equal(readFileSync(join(f.remoteHome, 'marker.txt'), 'utf8'), 'written-remotely\n');
    assert.match(f.log(), /Accepted publickey for /);
  });

  test("'hashed' known_hosts: connects", () => {
    const kh = f.knownHostsFile('hashed');
    const text = readFileSync(kh, 'utf8');
    assert.match(text, /^\|1\|/);
    assert.ok(!text.includes('127.0.0.1'));
    const config = f.writeSshConfig('lumi-hashed', { knownHostsFile: kh });
    const r = ssh(config, 'lumi-hashed', LOGIN_HOME);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), f.remoteHome);
  });

  test("'changed' known_hosts: refused as a changed host key", () => {
    const config = f.writeSshConfig('lumi-changed', { knownHostsFile: f.knownHostsFile('changed') });
    const r = ssh(config, 'lumi-changed', 'true');
    assert.equal(r.status, 255);
    assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
  });

  test("'empty' known_hosts with StrictHostKeyChecking yes: refused", () => {
    const config = f.writeSshConfig('lumi-empty', {
      knownHostsFile: f.knownHostsFile('empty'),
      extra: { StrictHostKeyChecking: 'yes' },
    });
    assert.match(readFileSync(config, 'utf8'), /^ {2}StrictHostKeyChecking yes$/m);
    const r = ssh(config, 'lumi-empty', 'true');
    assert.equal(r.status, 255);
    assert.match(r.stderr, /Host key verification failed/);
  });

  test('extra options come before the defaults, so they override them', () => {
    const config = f.writeSshConfig('lumi-extra', {
      knownHostsFile: f.knownHostsFile('empty'),
      extra: { UserKnownHostsFile: f.knownHostsFile('known'), StrictHostKeyChecking: 'yes' },
    });
    const r = ssh(config, 'lumi-extra', 'echo ok');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
  });

  test('encrypted key: fails in BatchMode without its passphrase, works with it (askpass)', () => {
    const config = f.writeSshConfig('lumi-enc', { identityFile: f.encryptedClientKey });
    const r = ssh(config, 'lumi-enc', 'echo in');
    assert.equal(r.status, 255);
    assert.match(r.stderr, /Permission denied \(publickey\)/);

    const askpass = join(f.dir, 'askpass.sh');
    writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${f.passphrase}'\n`, { mode: 0o700 });
    const ok = ssh(config, 'lumi-enc', 'echo in', ['-o', 'BatchMode=no'], {
      ...process.env,
      SSH_ASKPASS: askpass,
      SSH_ASKPASS_REQUIRE: 'force',
      DISPLAY: ':0',
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, 'in\n');
  });

  test('addRemoteProfile: PATH additions survive /etc/profile in bash -l', () => {
    f.addRemoteProfile('export PATH=/opt/lumi-fixture/bin:$PATH\nexport LUMI_FIXTURE_VAR=from-profile');
    const config = f.writeSshConfig('lumi-profile');
    const r = ssh(
      config,
      'lumi-profile',
      `bash -lc 'echo "$PATH"; echo "$LUMI_FIXTURE_VAR"; type -t module'`,
    );
    assert.equal(r.status, 0, r.stderr);
    const [path, v, moduleType] = r.stdout.split('\n');
    assert.match(path ?? '', /^\/opt\/lumi-fixture\/bin:/);
    assert.equal(v, 'from-profile');
    assert.equal(moduleType, 'function');
  });

  test('nested bwrap works on the remote', () => {
    const config = f.writeSshConfig('lumi-nested');
    const r = ssh(
      config,
      'lumi-nested',
      [
        'bwrap --ro-bind / / true && echo nested-ok',
        // like the singularity stand-in: own /proc and /dev, binds
        'bwrap --ro-bind / / --proc /proc --dev /dev --bind /tmp /tmp true && echo nested-proc-ok',
        'bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev true && echo nested-userns-ok',
      ].join('; '),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'nested-ok\nnested-proc-ok\nnested-userns-ok\n');
  });

  test('sftp subsystem', () => {
    const config = f.writeSshConfig('lumi-sftp');
    const batch = join(f.dir, 'sftp-batch');
    writeFileSync(batch, 'pwd\n');
    const r = spawnSync('sftp', ['-F', config, '-o', 'BatchMode=yes', '-b', batch, 'lumi-sftp'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(f.remoteHome), r.stdout);
  });

  test('nothing of the namespace shows on the host', () => {
    const passwd = readFileSync('/etc/passwd', 'utf8');
    assert.ok(!passwd.includes(f.remoteHome), '/etc/passwd was changed');
    const config = f.writeSshConfig('lumi-ns');
    const r = ssh(config, 'lumi-ns', 'test -d /run/sshd && echo has-run-sshd; echo $$');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^has-run-sshd\n\d+\n$/);
  });
});

describe('sshd fixture: stop()', () => {
  test('kills sshd and detached session processes, closes the port, removes the dir; idempotent', async () => {
    const f = await startSshd();
    let stopped = false;
    try {
      const config = f.writeSshConfig('lumi-stop');
      const marker = `${Date.now() % 100000}.${process.pid}`; // a unique `sleep` argument
      // Many detached processes: the kernel kills a namespace's processes one by one after its init
      // dies, so stop() must wait until they are all gone, not only for bwrap.
      const r = ssh(
        config,
        'lumi-stop',
        `for i in $(seq 100); do setsid nohup sleep ${marker} </dev/null >/dev/null 2>&1 & done; echo started`,
      );
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'started\n');
      // `&` returns before each background child has exec'd sleep: wait until all 100 run.
      for (let waited = 0; sleepsWith(marker).length < 100 && waited < 10_000; waited += 100)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(sleepsWith(marker).length, 100, 'the detached remote processes are not running');
      assert.equal(await connectOutcome(f.port), 'connected');
      const log = f.log();

      await Promise.all([f.stop(), f.stop()]);
      stopped = true;
      await f.stop();
      assert.equal(await connectOutcome(f.port), 'refused');
      assert.deepEqual(processesWith(`sleep ${marker}`), []);
      assert.deepEqual(processesWith(`-f ${join(f.dir, 'sshd_config')}`), []);
      assert.ok(!existsSync(f.dir), 'the temp dir is left');
      assert.ok(f.log().startsWith(log), 'log() after stop() lost lines');
    } finally {
      if (!stopped) await f.stop();
    }
  });

  test('two fixtures at once get different ports', async () => {
    const [a, b] = await Promise.all([startSshd(), startSshd()]);
    try {
      assert.notEqual(a.port, b.port);
      const ra = ssh(a.writeSshConfig('a'), 'a', 'echo "$HOME"');
      const rb = ssh(b.writeSshConfig('b'), 'b', 'echo "$HOME"');
      assert.equal(ra.stdout.trim(), a.remoteHome, ra.stderr);
      assert.equal(rb.stdout.trim(), b.remoteHome, rb.stderr);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
