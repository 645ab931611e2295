// `lumi-modules run` and the remote-run core against a real OpenSSH sshd started by the test
// (127.0.0.1, free port, own host key), with real Lmod on the "remote" and the bwrap Singularity
// stand-in: the module's wrapper really runs the script inside the container.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, SshError, type ConnectPrompts } from '../../core/remote/connection';
import { ConnectionPool } from '../../core/remote/pool';
import { runOnHost, type RunRequest } from '../../core/remote/run';
import { sshExecutor } from '../../core/remote/sshExecutor';
import { resolveHost } from '../../core/remote/sshConfig';
import { createContainerStandin, type ContainerStandin } from '../helpers/containerStandin';
import { startSshd, type SshdFixture } from '../helpers/sshd';
import { waitForNoProcess } from '../helpers/cli';
import { WEIRD_ARGS } from '../helpers/weirdArgs';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
const IMAGE = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif';

let sshd: SshdFixture;
let standin: ContainerStandin;
let dir: string;
let root: string;
let config: string;
let argsScript: string;

const refuseAll: ConnectPrompts = {
  confirmUnknownHost: async () => false,
  passphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-run-ssh-'));
  root = join(dir, 'project home');
  mkdirSync(join(dir, 'images'));
  writeFileSync(join(dir, 'images', IMAGE), '');
  const made = spawnSync(
    process.execPath,
    [
      cli,
      'scaffold',
      '--name',
      'my-torch',
      '--version',
      '2.3',
      '--image',
      join(dir, 'images', IMAGE),
      '--root',
      root,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, PROJHOME: '' },
    },
  );
  assert.equal(made.status, 0, made.stderr);
  standin = createContainerStandin(join(dir, 'standin'));
  sshd = await startSshd();
  sshd.addRemoteProfile(`export PATH=${standin.binDir}:$PATH`);
  config = sshd.writeSshConfig('lumi-test', {
    knownHostsFile: sshd.knownHostsFile('known'),
    extra: { StrictHostKeyChecking: 'yes' },
  });
  // The script reports where it ran: inside the stand-in (/.singularity.d) through the wrapper.
  argsScript = join(dir, `odd name 'q' $(id) ; x\nline.py`);
  writeFileSync(
    argsScript,
    'import json, os, sys\nprint(json.dumps(sys.argv))\nprint("in-container", os.path.isdir("/.singularity.d"), os.environ.get("CONDA_DEFAULT_ENV"), file=sys.stderr)\nsys.exit(3)\n',
  );
});

after(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cliRun(args: string[], configFile = config) {
  return spawnSync(
    process.execPath,
    [cli, 'run', '--host', 'lumi-test', '--ssh-config', configFile, ...args],
    { encoding: 'utf8', timeout: 60_000 },
  );
}

const moduleArgs = () => ['--module-use', join(root, 'modules'), '--module', 'my-torch/2.3'];

function request(script: string, args: string[] = []): RunRequest {
  return {
    modulePaths: [join(root, 'modules')],
    modules: ['my-torch/2.3'],
    script,
    remoteScript: false,
    args,
  };
}

describe('lumi-modules run over a real sshd', () => {
  it('runs the script through the module wrapper inside the container; output, arguments and exit code arrive', () => {
    const marker = join(dir, 'pwned');
    const args = [...WEIRD_ARGS, `$(touch ${marker})`, `; touch ${marker}`];
    const r = cliRun([...moduleArgs(), argsScript, ...args]);
    assert.equal(r.status, 3, r.stderr);
    const argv = JSON.parse(r.stdout.trim().split('\n')[0]) as string[];
    assert.ok(argv[0].endsWith(`odd name 'q' $(id) ; x\nline.py`), argv[0]);
    assert.match(argv[0], /\.cache\/lumi-modules\/runs\/[0-9a-f]{64}\//);
    assert.deepEqual(argv.slice(1), args);
    assert.match(r.stderr, /in-container True pytorch/);
    assert.equal(existsSync(marker), false, 'an argument ran as shell code');
    const starts = readFileSync(standin.logFile, 'utf8').trim().split('\n');
    assert.ok(
      starts.some((l) => l.includes(IMAGE)),
      'the stand-in container did not start',
    );
  });

  it('accepts a hashed known_hosts entry and a --remote-script path', () => {
    const hashed = sshd.writeSshConfig('lumi-test', {
      knownHostsFile: sshd.knownHostsFile('hashed'),
      extra: { StrictHostKeyChecking: 'yes' },
    });
    const remote = join(dir, 'remote.py');
    writeFileSync(remote, 'print("remote ok")\n');
    const r = cliRun([...moduleArgs(), '--remote-script', remote], hashed);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'remote ok\n');
  });

  it('refuses an unknown host key with the fingerprint, and runs nothing', () => {
    const unknown = sshd.writeSshConfig('lumi-test', {
      knownHostsFile: sshd.knownHostsFile('empty'),
      extra: { StrictHostKeyChecking: 'ask' },
    });
    const before = readdirSync(join(sshd.remoteHome, '.cache', 'lumi-modules', 'runs')).length;
    const script = join(dir, 'never.py');
    writeFileSync(script, 'print("must not run")\n');
    const r = cliRun([...moduleArgs(), script], unknown);
    assert.equal(r.status, 255);
    assert.ok(r.stderr.includes(sshd.hostKeyFingerprint), r.stderr);
    assert.match(r.stderr, /can't be established/);
    assert.equal(r.stdout, '');
    assert.equal(
      readdirSync(join(sshd.remoteHome, '.cache', 'lumi-modules', 'runs')).length,
      before,
      'something was uploaded',
    );
  });

  it('refuses a changed host key loudly, naming the known_hosts line, even with StrictHostKeyChecking no', () => {
    for (const strict of ['yes', 'no']) {
      const file = sshd.knownHostsFile('changed');
      const changed = sshd.writeSshConfig('lumi-test', {
        knownHostsFile: file,
        extra: { StrictHostKeyChecking: strict },
      });
      const r = cliRun([...moduleArgs(), argsScript], changed);
      assert.equal(r.status, 255);
      assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
      assert.ok(r.stderr.includes(`${file}:1`), r.stderr);
    }
  });

  it('with StrictHostKeyChecking accept-new adds the key and connects', () => {
    const file = join(dir, 'accept-new-known-hosts');
    const acceptNew = sshd.writeSshConfig('lumi-test', {
      knownHostsFile: file,
      extra: { StrictHostKeyChecking: 'accept-new' },
    });
    const r = cliRun([...moduleArgs(), '--remote-script', join(dir, 'remote.py')], acceptNew);
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(file, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `));
  });

  it('uses an encrypted key with its passphrase, and without one says what to do', async () => {
    const encrypted = sshd.writeSshConfig('lumi-test', {
      identityFile: sshd.encryptedClientKey,
      knownHostsFile: sshd.knownHostsFile('known'),
    });
    const host = await resolveHost('lumi-test', encrypted, { ...process.env, SSH_AUTH_SOCK: '' });
    const asked: string[] = [];
    const connection = await connect(host, {
      ...refuseAll,
      passphrase: async (file) => (asked.push(file), sshd.passphrase),
    });
    try {
      let out = '';
      const code = await runOnHost(
        sshExecutor(connection),
        { ...request(join(dir, 'remote.py')), remoteScript: true },
        { stdout: (c) => (out += c), stderr: () => undefined },
      );
      assert.equal(code, 0);
      assert.equal(out, 'remote ok\n');
      assert.deepEqual(asked, [sshd.encryptedClientKey]);
    } finally {
      connection.close();
    }
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'run',
        '--host',
        'lumi-test',
        '--ssh-config',
        encrypted,
        '--remote-script',
        join(dir, 'remote.py'),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, SSH_AUTH_SOCK: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    assert.equal(r.status, 255);
    assert.match(r.stderr, /encrypted and no passphrase was given.*ssh-agent/);
  });

  it('authenticates through the agent (IdentityAgent) before key files', async () => {
    const sock = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      const added = spawnSync('ssh-add', [sshd.clientKey], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        encoding: 'utf8',
      });
      assert.equal(added.status, 0, added.stderr);
      // Only the public half of the key is on disk (IdentitiesOnly yes picks it from the agent):
      // only the agent can log in.
      writeFileSync(join(dir, 'agent-only-key.pub'), readFileSync(`${sshd.clientKey}.pub`));
      const viaAgent = sshd.writeSshConfig('lumi-test', {
        identityFile: join(dir, 'agent-only-key'),
        knownHostsFile: sshd.knownHostsFile('known'),
        extra: { IdentityAgent: sock },
      });
      const r = spawnSync(
        process.execPath,
        [
          cli,
          'run',
          '--host',
          'lumi-test',
          '--ssh-config',
          viaAgent,
          ...moduleArgs(),
          '--remote-script',
          join(dir, 'remote.py'),
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, SSH_AUTH_SOCK: '' },
        },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'remote ok\n');
    } finally {
      agent.kill();
    }
  });

  it('Ctrl+C ends the CLI and, within 5 s, the remote process', async () => {
    const sleeper = join(dir, 'sleeper.py');
    writeFileSync(
      sleeper,
      'import subprocess, sys, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : lumi-ssh-cancel-marker"])\nprint("started", flush=True)\ntime.sleep(3600)\n',
    );
    const child = spawn(
      process.execPath,
      [
        cli,
        'run',
        '--host',
        'lumi-test',
        '--ssh-config',
        config,
        ...moduleArgs(),
        sleeper,
        'lumi-ssh-cancel-marker',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`script did not start: ${out}`)), 60_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('started')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.ok(
      spawnSync('pgrep', ['-f', 'lumi-ssh-cancel-marker']).status === 0,
      'remote process not seen running',
    );
    const cancelledAt = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130);
    assert.equal(
      await waitForNoProcess('lumi-ssh-cancel-marker', 5000 - (Date.now() - cancelledAt)),
      '',
      'remote processes still alive 5 s after Ctrl+C',
    );
  });

  it('reaches the host through a ProxyJump hop', async () => {
    const jumpConfig = join(dir, 'jump-config');
    const base = sshd.writeSshConfig('jump', { knownHostsFile: sshd.knownHostsFile('known') });
    writeFileSync(
      jumpConfig,
      readFileSync(base, 'utf8') +
        `\nHost lumi-behind\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ${sshd.clientKey}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${sshd.knownHostsFile('known')}\n  ProxyJump jump\n`,
    );
    const host = await resolveHost('lumi-behind', jumpConfig);
    assert.deepEqual(host.proxyJump, ['jump']);
    const logBefore = sshd.log().length;
    const connection = await connect(host, refuseAll);
    try {
      let out = '';
      const code = await runOnHost(
        sshExecutor(connection),
        { ...request(join(dir, 'remote.py')), remoteScript: true },
        { stdout: (c) => (out += c), stderr: () => undefined },
      );
      assert.equal(code, 0);
      assert.equal(out, 'remote ok\n');
      // Only this test's own logins count (other tests filled the log before).
      const own = sshd.log().slice(logBefore);
      assert.equal((own.match(/Accepted publickey/g) ?? []).length, 2, own);
    } finally {
      connection.close();
    }
  });

  it('a second run on the kept connection logs in no second time', async () => {
    // How much faster that is: `npm run bench` (README, Performance). Here: what makes it faster.
    const pool = new ConnectionPool(refuseAll, { idleTimeoutMs: 60_000 });
    const quick = join(dir, 'quick.py');
    writeFileSync(quick, 'print("hi", flush=True)\n');
    const logins = () => (sshd.log().match(/Accepted publickey/g) ?? []).length;
    const runQuick = async () => {
      let out = '';
      const code = await pool.with('lumi-test', config, (c) =>
        runOnHost(sshExecutor(c), request(quick), {
          stdout: (chunk) => (out += chunk),
          stderr: () => undefined,
        }),
      );
      assert.equal(code, 0);
      assert.equal(out, 'hi\n');
    };
    try {
      const before = logins();
      await runQuick();
      assert.equal(logins(), before + 1, 'the first run logs in');
      const kept = await pool.acquire('lumi-test', config);
      pool.release('lumi-test', config);
      await runQuick();
      assert.equal(logins(), before + 1, 'the second run logged in again');
      assert.equal(await pool.acquire('lumi-test', config), kept, 'the pool did not keep the connection');
      pool.release('lumi-test', config);
      pool.dispose();
      await runQuick();
      assert.equal(logins(), before + 2, 'after dispose() a run logs in afresh');
    } finally {
      pool.dispose();
    }
  });

  // A hang fails through the test's timeout.
  it(
    'a connection gone silent (no FIN: network or VPN drop) ends the run after the keep-alives, not a hang',
    { timeout: 30_000 },
    async () => {
      // A TCP relay in front of sshd that can stop forwarding without closing anything.
      let frozen = false;
      const sockets: Socket[] = [];
      const relay = createServer((client) => {
        const upstream = connectTcp(sshd.port, '127.0.0.1');
        sockets.push(client, upstream);
        client.on('data', (d) => frozen || upstream.write(d));
        upstream.on('data', (d) => frozen || client.write(d));
        client.on('error', () => undefined);
        upstream.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const relayPort = (relay.address() as AddressInfo).port;
      const silentConfig = join(dir, 'silent-config');
      writeFileSync(
        silentConfig,
        `Host silent\n  HostName 127.0.0.1\n  Port ${relayPort}\n  User ${sshd.user}\n  IdentityFile ${sshd.clientKey}\n  IdentitiesOnly yes\n` +
          `  UserKnownHostsFile ${join(dir, 'silent-known-hosts')}\n  StrictHostKeyChecking accept-new\n  ServerAliveInterval 1\n  ServerAliveCountMax 2\n`,
      );
      try {
        const connection = await connect(await resolveHost('silent', silentConfig), refuseAll);
        const sleeper = join(dir, 'silent.py');
        writeFileSync(
          sleeper,
          'import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : lumi-silent-link-marker"])\nprint("started", flush=True)\ntime.sleep(3600)\n',
        );
        const run = runOnHost(sshExecutor(connection), request(sleeper), {
          stdout: (c) => {
            if (c.toString().includes('started')) frozen = true;
          },
          stderr: () => undefined,
        });
        // The message names the number OpenSSH means: ServerAliveInterval x ServerAliveCountMax.
        await assert.rejects(
          run,
          (err: Error) =>
            err instanceof SshError &&
            /connection to silent .* lost: no answer from the server in 2 s \(ServerAliveInterval 1 s x ServerAliveCountMax 2\)/.test(
              err.message,
            ),
        );
        connection.close();
        // The remote side hears no heartbeat either: the run ends there by itself.
        assert.equal(
          await waitForNoProcess('lumi-silent-link-marker', 20_000),
          '',
          'the run outlived the dead link on the remote',
        );
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((r) => relay.close(r));
      }
    },
  );

  it('sshd stopped mid-run ends the run with a clear error, not a hang', { timeout: 30_000 }, async () => {
    const host = await resolveHost('lumi-test', config);
    const connection = await connect(host, refuseAll);
    const sleeper = join(dir, 'long.py');
    writeFileSync(sleeper, 'import time\nprint("started", flush=True)\ntime.sleep(3600)\n');
    const run = runOnHost(sshExecutor(connection), request(sleeper), {
      stdout: (c) => {
        if (c.toString().includes('started')) void sshd.stop();
      },
      stderr: () => undefined,
    });
    await assert.rejects(
      run,
      (err: Error) =>
        err instanceof SshError && /connection to lumi-test .*(closed|lost|failed)/.test(err.message),
    );
  });
});
