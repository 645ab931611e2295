// SSH config resolution and known_hosts decisions, with OpenSSH's own ssh -G and ssh-keygen.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  addKnownHost,
  checkHostKey,
  fingerprint,
  hostKeyFromBlob,
  type HostKey,
} from '../../core/remote/knownHosts';
import { parseSshG, resolveHost, SshConfigError } from '../../core/remote/sshConfig';
import { shellQuotePath } from '../../core/shell/quote';

let dir: string;
let key: HostKey;
let other: HostKey;
function newKey(name: string): HostKey {
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  return hostKeyFromBlob(Buffer.from(readFileSync(join(dir, `${name}.pub`), 'utf8').split(' ')[1], 'base64'));
}
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-remote-config-'));
  key = newKey('a');
  other = newKey('b');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ssh config through ssh -G', () => {
  it('resolves an alias with port, user, identity files, known hosts, ProxyJump and agent', async () => {
    writeFileSync(join(dir, 'id_test'), 'x');
    const config = join(dir, 'config');
    writeFileSync(
      config,
      `Host lumi\n  HostName lumi.csc.fi\n  Port 2222\n  User alice\n  IdentityFile ${join(dir, 'id_missing')}\n  IdentityFile ${join(dir, 'id_test')}\n  UserKnownHostsFile ${join(dir, 'kh1')} ${join(dir, 'kh2')}\n  StrictHostKeyChecking accept-new\n  ProxyJump bob@jump.example:2200,second\n  IdentityAgent none\n  ServerAliveInterval 5\n`,
    );
    const host = await resolveHost('lumi', config, { SSH_AUTH_SOCK: '/tmp/agent.sock' });
    assert.equal(host.hostname, 'lumi.csc.fi');
    assert.equal(host.port, 2222);
    assert.equal(host.user, 'alice');
    assert.deepEqual(host.identityFiles, [join(dir, 'id_test')]);
    assert.deepEqual(host.userKnownHostsFiles, [join(dir, 'kh1'), join(dir, 'kh2')]);
    assert.equal(host.strictHostKeyChecking, 'accept-new');
    assert.deepEqual(host.proxyJump, ['bob@jump.example:2200', 'second']);
    assert.equal(host.agentSocket, undefined);
    assert.equal(host.keepaliveIntervalMs, 5000);
  });

  it('uses SSH_AUTH_SOCK without IdentityAgent and rejects option-like aliases', async () => {
    assert.equal(parseSshG('h', 'hostname h\nport 22\nuser u\n', { SSH_AUTH_SOCK: '/s' }).agentSocket, '/s');
    await assert.rejects(resolveHost('-oProxyCommand=touch /tmp/x'), SshConfigError);
  });
});

describe('known_hosts', () => {
  it('known, hashed, changed, unknown and revoked keys', async () => {
    const plain = join(dir, 'plain');
    addKnownHost(plain, '127.0.0.1', 2222, key);
    assert.match(readFileSync(plain, 'utf8'), /^\[127\.0\.0\.1\]:2222 ssh-ed25519 /);
    assert.equal((await checkHostKey('127.0.0.1', 2222, key, [plain])).status, 'known');
    assert.deepEqual(await checkHostKey('127.0.0.1', 2222, other, [plain]), {
      status: 'changed',
      file: plain,
      line: 1,
      knownType: 'ssh-ed25519',
    });
    assert.equal((await checkHostKey('127.0.0.1', 2223, key, [plain])).status, 'unknown');
    const hashed = join(dir, 'hashed');
    writeFileSync(hashed, readFileSync(plain));
    spawnSync('ssh-keygen', ['-H', '-f', hashed]);
    assert.match(readFileSync(hashed, 'utf8'), /^\|1\|/);
    assert.equal(
      (await checkHostKey('127.0.0.1', 2222, key, [join(dir, 'missing'), hashed])).status,
      'known',
    );
    const revoked = join(dir, 'revoked');
    writeFileSync(revoked, `@revoked [127.0.0.1]:2222 ssh-ed25519 ${key.blob.toString('base64')}\n`);
    assert.equal((await checkHostKey('127.0.0.1', 2222, key, [revoked, plain])).status, 'revoked');
  });

  it('fingerprints like ssh-keygen -l', () => {
    const printed = spawnSync('ssh-keygen', ['-l', '-f', join(dir, 'a.pub')], {
      encoding: 'utf8',
    }).stdout.split(' ')[1];
    assert.equal(fingerprint(key.blob), printed);
  });
});

describe('shellQuotePath', () => {
  it('keeps ~/ as the home and quotes the rest', () => {
    for (const p of ['~/venvs/a b', "~/it's", '/abs/$(id)', '~']) {
      const r = spawnSync('bash', ['-c', `printf %s ${shellQuotePath(p)}`], {
        encoding: 'utf8',
        env: { HOME: '/home/u' },
      });
      assert.equal(r.stdout, p.replace(/^~/, '/home/u'));
    }
  });
});
