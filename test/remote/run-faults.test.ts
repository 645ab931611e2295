// Remote run under faults, against real OpenSSH sshds (test/helpers/sshd.ts): hang-ups, tarpits,
// MaxStartups storms, tampered uploads, a slow login racing a cancel, huge and non-UTF-8
// arguments, a two-hop ProxyJump, an agent with many keys against MaxAuthTries, a slow reader.
// No container here: `python` on the remote PATH is the system python (the SSH path is tested).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect as connectTcp, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { argsFileContent } from '../../core/remote/command';
import { connect, type ConnectPrompts } from '../../core/remote/connection';
import { runOnHost, type CancelOutcome, type RunRequest } from '../../core/remote/run';
import { uploadFile } from '../../core/remote/executor';
import { sshExecutor } from '../../core/remote/sshExecutor';
import { resolveHost } from '../../core/remote/sshConfig';
import { runProcessesWith, waitForProcess, waitForNoProcess } from '../helpers/cli';
import { startSshd, type SshdFixture } from '../helpers/sshd';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const refuseAll: ConnectPrompts = {
  confirmUnknownHost: async () => false,
  passphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
};

let sshd: SshdFixture;
let dir: string;
let config: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-run-faults-'));
  mkdirSync(join(dir, 'bin'));
  symlinkSync('/usr/bin/python3', join(dir, 'bin', 'python'));
  // A strict MaxStartups: beyond 3 unauthenticated connections sshd drops 50%, all beyond 10.
  sshd = await startSshd({ extraConfig: ['MaxStartups 3:50:10'] });
  sshd.addRemoteProfile(`export PATH=${join(dir, 'bin')}:$PATH\n[ -f ~/slow-login ] && sleep 4\n`);
  config = sshd.writeSshConfig('lumi-faults', {
    knownHostsFile: sshd.knownHostsFile('known'),
    extra: { StrictHostKeyChecking: 'yes' },
  });
});

after(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const request = (script: string, args: (string | Buffer)[] = []): RunRequest => ({
  modulePaths: [],
  modules: [],
  script,
  remoteScript: false,
  args,
});

function collect() {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return {
    out,
    err,
    sink: { stdout: (c: Buffer) => void out.push(c), stderr: (c: Buffer) => void err.push(c) },
  };
}

/** Starts the CLI on SCRIPT and resolves once the script printed `started`. */
async function startCli(script: string, args: string[], extraConfig = config) {
  const child = spawn(
    process.execPath,
    [cli, 'run', '--host', 'lumi-faults', '--ssh-config', extraConfig, script, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`script did not start: ${out} ${err}`)), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('started')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { child, exited, stderr: () => err };
}

describe('remote run under faults', () => {
  it('SIGHUP and SIGTERM end the remote process tree as Ctrl+C does', async () => {
    for (const [signal, code] of [
      ['SIGHUP', 129],
      ['SIGTERM', 143],
    ] as const) {
      const marker = `lumi-hangup-marker-${signal}`;
      const script = join(dir, `hangup-${signal}.py`);
      writeFileSync(
        script,
        `import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : ${marker}"])\nprint("started", flush=True)\ntime.sleep(3600)\n`,
      );
      const run = await startCli(script, []);
      assert.notEqual(await waitForProcess(marker, 10_000), '', 'the remote child is not running');
      run.child.kill(signal);
      assert.equal(await run.exited, code, run.stderr());
      assert.equal(
        await waitForNoProcess(marker, 10_000),
        '',
        `remote processes still alive after ${signal}`,
      );
      assert.match(run.stderr(), /the remote run was stopped \(process group \d+ ended\)/);
    }
  });

  it("the CLI's parent gone (killed outright) stops the run as Ctrl+C does", async () => {
    const marker = 'lumi-orphaned-cli-marker';
    const script = join(dir, 'parent-gone.py');
    writeFileSync(
      script,
      `import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : ${marker}"])\nprint("started", flush=True)\ntime.sleep(3600)\n`,
    );
    // sh stays the CLI's parent (no exec: a second command follows) and prints the CLI's pid.
    const parent = spawn(
      'sh',
      [
        '-c',
        `"$@" & echo "cli-pid $!"; wait`,
        'sh',
        process.execPath,
        cli,
        'run',
        '--host',
        'lumi-faults',
        '--ssh-config',
        config,
        script,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 60_000);
      parent.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('started')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const cliPid = Number(/cli-pid (\d+)/.exec(out)?.[1]);
    assert.ok(cliPid > 0, out);
    parent.kill('SIGKILL');
    assert.equal(await waitForNoProcess(marker, 10_000), '', 'the remote run outlived the CLI parent');
    for (
      let i = 0;
      i < 100 &&
      existsSync(`/proc/${cliPid}`) &&
      !/State:\s+Z/.test(readFileSync(`/proc/${cliPid}/status`, 'utf8'));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    const alive =
      existsSync(`/proc/${cliPid}`) && !/State:\s+Z/.test(readFileSync(`/proc/${cliPid}/status`, 'utf8'));
    if (alive) process.kill(cliPid, 'SIGKILL');
    assert.equal(alive, false, 'the CLI kept running after its parent was gone');
  });

  it('the CLI killed outright (SIGKILL: no chance to cancel) still ends the remote tree: the remote side hears end of stdin', async () => {
    const marker = 'lumi-killed-cli-marker';
    const script = join(dir, 'killed.py');
    writeFileSync(
      script,
      `import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : ${marker}"])\nprint("started", flush=True)\ntime.sleep(3600)\n`,
    );
    const run = await startCli(script, []);
    run.child.kill('SIGKILL');
    await run.exited;
    assert.equal(await waitForNoProcess(marker, 15_000), '', 'remote processes outlived the CLI');
  });

  it('a run whose connection dropped is ended by its own marker on the next connection to that host', async () => {
    // A relay that, for its first connection only, stops passing the server's bytes (the client
    // still reaches the server): the client declares the link dead while the remote run lives on.
    let first = true;
    const sockets: Socket[] = [];
    const relay = createServer((client) => {
      const frozen = { on: false };
      if (first) {
        first = false;
        freezeFirst = () => (frozen.on = true);
      }
      const upstream = connectTcp(sshd.port, '127.0.0.1');
      sockets.push(client, upstream);
      client.on('data', (d) => upstream.write(d));
      upstream.on('data', (d) => frozen.on || client.write(d));
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    let freezeFirst = () => false;
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayConfig = join(dir, 'orphan-config');
    writeFileSync(
      relayConfig,
      `Host lumi-faults\n  HostName 127.0.0.1\n  Port ${(relay.address() as AddressInfo).port}\n  User ${sshd.user}\n  IdentityFile ${sshd.clientKey}\n  IdentitiesOnly yes\n` +
        `  UserKnownHostsFile ${join(dir, 'orphan-known-hosts')}\n  StrictHostKeyChecking accept-new\n  ServerAliveInterval 2\n  ServerAliveCountMax 1\n`,
    );
    const marker = 'lumi-orphan-marker';
    const script = join(dir, 'orphan.py');
    writeFileSync(
      script,
      `import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : ${marker}"])\nprint("started", flush=True)\ntime.sleep(3600)\n`,
    );
    const orphanFile = join(dir, 'state', 'orphaned-runs.json');
    try {
      const host = await resolveHost('lumi-faults', relayConfig);
      const dropped = await connect(host, refuseAll);
      const run = runOnHost(
        sshExecutor(dropped),
        request(script),
        { stdout: (c) => void (c.toString().includes('started') && freezeFirst()), stderr: () => undefined },
        undefined,
        { orphanFile },
      );
      await assert.rejects(run, /lost: no answer from the server in 2 s/);
      assert.notEqual(runProcessesWith(marker), '', 'the run should still be alive on the remote here');
      assert.match(readFileSync(orphanFile, 'utf8'), /lumi-modules\/pids\/[0-9a-f]+/);
      const next = await connect(host, refuseAll);
      try {
        const cleaned: CancelOutcome[] = [];
        const quick = join(dir, 'quick.py');
        writeFileSync(quick, 'print("next")\n');
        const o = collect();
        assert.equal(
          await runOnHost(sshExecutor(next), request(quick), o.sink, undefined, {
            orphanFile,
            onOrphanCleaned: (_p, x) => cleaned.push(x),
          }),
          0,
        );
        assert.deepEqual(
          cleaned.map((x) => x.state),
          ['stopped'],
        );
        assert.equal(
          await waitForNoProcess(marker, 3000),
          '',
          'the dropped run is still alive after the next connection',
        );
        assert.doesNotMatch(readFileSync(orphanFile, 'utf8'), /pids/);
      } finally {
        next.close();
      }
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => relay.close(r));
    }
  });

  it('a tarpit (accepts TCP, never answers) gives up at ConnectTimeout with exit 255 and a clear message', async () => {
    const held: Socket[] = [];
    const tarpit = createServer((s) => held.push(s));
    await new Promise<void>((resolve) => tarpit.listen(0, '127.0.0.1', resolve));
    const port = (tarpit.address() as AddressInfo).port;
    const tarpitConfig = join(dir, 'tarpit-config');
    writeFileSync(
      tarpitConfig,
      `Host lumi-faults\n  HostName 127.0.0.1\n  Port ${port}\n  User ${sshd.user}\n  IdentityFile ${sshd.clientKey}\n  ConnectTimeout 2\n  ConnectionAttempts 2\n`,
    );
    const script = join(dir, 'never.py');
    writeFileSync(script, 'print("must not run")\n');
    try {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [cli, 'run', '--host', 'lumi-faults', '--ssh-config', tarpitConfig, script],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        });
      });
      assert.equal(r.code, 255, r.stderr);
      assert.match(r.stderr, /no answer from the SSH server within ConnectTimeout 2 s/);
      assert.doesNotMatch(r.stderr, /\n\s+at |Unhandled|Error:/);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => tarpit.close(r));
    }
  });

  it('ConnectionAttempts: a host that comes up after the first refused attempt is reached on a later one', async () => {
    // A free port where nothing listens yet; a relay to sshd opens there 300 ms after the start.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const sockets: Socket[] = [];
    const relay = createServer((client) => {
      const upstream = connectTcp(sshd.port, '127.0.0.1');
      sockets.push(client, upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    const configFor = (attempts: number) => {
      const file = join(dir, `attempts-${attempts}`);
      writeFileSync(
        file,
        `Host lumi-faults\n  HostName 127.0.0.1\n  Port ${port}\n  User ${sshd.user}\n  IdentityFile ${sshd.clientKey}\n  IdentitiesOnly yes\n  HostKeyAlias lumi-faults-key\n` +
          `  UserKnownHostsFile ${join(dir, `attempts-kh-${attempts}`)}\n  StrictHostKeyChecking accept-new\n  ConnectionAttempts ${attempts}\n`,
      );
      return file;
    };
    try {
      await assert.rejects(
        connect(await resolveHost('lumi-faults', configFor(1)), refuseAll),
        /ECONNREFUSED|refused/,
      );
      const host = await resolveHost('lumi-faults', configFor(3));
      assert.equal(host.connectionAttempts, 3);
      setTimeout(() => relay.listen(port, '127.0.0.1'), 300);
      const c = await connect(host, refuseAll);
      let out = '';
      assert.equal((await c.exec('echo reached', { onStdout: (b) => void (out += b) })).code, 0);
      assert.equal(out, 'reached\n');
      c.close();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => relay.close(r));
    }
  });

  it('Ctrl+C while connecting (to a tarpit) ends at once with 130', async () => {
    // Ctrl+C once the CLI is connecting (its TCP connection arrived), not after a fixed time: on a
    // loaded machine Node may still be starting then, before the run has its signal handlers.
    let connecting: () => void = () => undefined;
    const connected = new Promise<void>((resolve) => (connecting = resolve));
    const tarpit: Server = createServer(() => connecting());
    await new Promise<void>((resolve) => tarpit.listen(0, '127.0.0.1', resolve));
    const port = (tarpit.address() as AddressInfo).port;
    const tarpitConfig = join(dir, 'tarpit-config-2');
    writeFileSync(
      tarpitConfig,
      `Host lumi-faults\n  HostName 127.0.0.1\n  Port ${port}\n  User ${sshd.user}\n  ConnectTimeout 600\n`,
    );
    const script = join(dir, 'never.py');
    try {
      const child = spawn(
        process.execPath,
        [cli, 'run', '--host', 'lumi-faults', '--ssh-config', tarpitConfig, script],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      await connected;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000); // a hang fails below, not forever
      const code = await exited;
      clearTimeout(timer);
      assert.equal(code, 130, stderr);
      assert.match(stderr, /connecting to .* was stopped/);
    } finally {
      tarpit.close();
    }
  });

  it('a storm of 40 concurrent runs against MaxStartups all succeed (dropped handshakes are retried)', async () => {
    const host = await resolveHost('lumi-faults', config);
    const script = join(dir, 'storm.py');
    writeFileSync(script, 'import sys\nprint("ok", sys.argv[1])\n');
    const logBefore = sshd.log().length;
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, async (_, i) => {
        const c = await connect(host, refuseAll);
        try {
          const o = collect();
          const code = await runOnHost(sshExecutor(c), request(script, [String(i)]), o.sink);
          return { code, out: Buffer.concat(o.out).toString() };
        } finally {
          c.close();
        }
      }),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${i}: ${(r.reason as Error).message}`] : [],
    );
    assert.deepEqual(failed, []);
    results.forEach((r, i) =>
      assert.deepEqual(r.status === 'fulfilled' && r.value, { code: 0, out: `ok ${i}\n` }),
    );
    // The storm did hit the limit: sshd dropped handshakes, and they were retried.
    assert.match(sshd.log().slice(logBefore), /drop connection #\d+ .* past MaxStartups/);
  });

  it('a tampered upload of the same size is replaced, not run; runs directory 0700, script 0700, args file 0600', async () => {
    const script = join(dir, 'tamper.py');
    writeFileSync(script, 'print("genuine")\n');
    const c = await connect(await resolveHost('lumi-faults', config), refuseAll);
    try {
      const remotePath = (await uploadFile(sshExecutor(c), script)).path;
      writeFileSync(remotePath, 'print("TAMPER!")\n'); // the same size, other bytes (the remote is this machine)
      assert.equal(statSync(remotePath).size, statSync(script).size);
      const o = collect();
      assert.equal(
        await runOnHost(sshExecutor(c), request(script), o.sink),
        0,
        Buffer.concat(o.err).toString(),
      );
      assert.equal(Buffer.concat(o.out).toString(), 'genuine\n');
      assert.equal(readFileSync(remotePath, 'utf8'), 'print("genuine")\n');
      assert.equal(statSync(remotePath).mode & 0o777, 0o700);
      assert.equal(statSync(join(remotePath, '..')).mode & 0o777, 0o700);
      assert.equal(statSync(join(sshd.remoteHome, '.cache', 'lumi-modules', 'runs')).mode & 0o777, 0o700);
      assert.equal(statSync(join(sshd.remoteHome, '.cache', 'lumi-modules', 'pids')).mode & 0o777, 0o700);
    } finally {
      c.close();
    }
  });

  it('cancel right after the start, while the login shell is still slow, ends the run and says so', async () => {
    writeFileSync(join(sshd.remoteHome, 'slow-login'), '');
    const marker = 'lumi-slow-login-marker';
    const script = join(dir, 'slow-start.py');
    writeFileSync(
      script,
      `import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : ${marker}"])\nprint("started", flush=True)\ntime.sleep(3600)\n`,
    );
    const c = await connect(await resolveHost('lumi-faults', config), refuseAll);
    try {
      const abort = new AbortController();
      const outcomes: CancelOutcome[] = [];
      const o = collect();
      const run = runOnHost(sshExecutor(c), request(script), o.sink, abort.signal, {
        onCancelled: (x) => outcomes.push(x),
      });
      // Past the upload, the run command is on its way; its login shell sleeps 4 s before the pid file.
      while (
        !existsSync(
          join(
            sshd.remoteHome,
            '.cache',
            'lumi-modules',
            'runs',
            createHash('sha256').update(readFileSync(script)).digest('hex'),
          ),
        )
      )
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 500));
      abort.abort();
      assert.equal(await run, 130);
      assert.equal(outcomes.length, 1);
      assert.equal(outcomes[0].state, 'stopped', JSON.stringify(outcomes));
      // Reported stopped: nothing of the run may be running now (no waiting).
      assert.equal(runProcessesWith(marker), '');
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(runProcessesWith(marker), '', 'the run started after the cancel reported success');
    } finally {
      rmSync(join(sshd.remoteHome, 'slow-login'), { force: true });
      c.close();
    }
  });

  it('1 GB of output through a slow reader: the remote is held back, the CLI memory stays flat', async () => {
    const script = join(dir, 'gigabyte.py');
    writeFileSync(
      script,
      'import sys\nblock = b"0123456789abcdef" * 65536\nfor _ in range(1024):\n    sys.stdout.buffer.write(block)\nsys.stdout.flush()\n',
    );
    const child = spawn(
      process.execPath,
      [cli, 'run', '--host', 'lumi-faults', '--ssh-config', config, script],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let received = 0;
    let maxRss = 0;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const sample = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        maxRss = Math.max(maxRss, kb * 1024);
      } catch {
        /* exited */
      }
    }, 100);
    // The slow reader: a pause of 30 ms after every 4 MB (at most ~130 MB/s, and bursty).
    let sincePause = 0;
    child.stdout.on('data', (c: Buffer) => {
      received += c.length;
      sincePause += c.length;
      if (sincePause >= 4 << 20) {
        sincePause = 0;
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 30);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearInterval(sample);
    assert.equal(code, 0, stderr);
    assert.equal(received, 1 << 30);
    assert.ok(maxRss > 0 && maxRss < 300 * 2 ** 20, `the CLI grew to ${(maxRss / 2 ** 20).toFixed(0)} MB`);
  });

  it('option-like values (a leading -) stay values for module use, module load, source and cd', async () => {
    const home = sshd.remoteHome;
    mkdirSync(join(home, '-mods', 'dash-mod'), { recursive: true });
    writeFileSync(join(home, '-mods', 'dash-mod', '1.0.lua'), 'setenv("LUMI_DASH_MODULE", "loaded")\n');
    mkdirSync(join(home, '-venv', 'bin'), { recursive: true });
    writeFileSync(join(home, '-venv', 'bin', 'activate'), 'export LUMI_DASH_VENV=active\n');
    mkdirSync(join(home, '-work'));
    const script = join(dir, 'dash.py');
    writeFileSync(
      script,
      'import os, sys\nprint(os.getcwd(), os.environ.get("LUMI_DASH_MODULE"), os.environ.get("LUMI_DASH_VENV"), sys.argv[1:])\n',
    );
    const c = await connect(await resolveHost('lumi-faults', config), refuseAll);
    try {
      const o = collect();
      const code = await runOnHost(
        sshExecutor(c),
        {
          ...request(script, ['-n', '--help']),
          modulePaths: ['-mods'],
          modules: ['dash-mod/1.0'],
          venv: '-venv',
          cwd: '-work',
        },
        o.sink,
      );
      assert.equal(code, 0, Buffer.concat(o.err).toString());
      assert.equal(
        Buffer.concat(o.out).toString(),
        `${join(home, '-work')} loaded active ['-n', '--help']\n`,
      );
    } finally {
      c.close();
    }
  });

  it('500 KB of arguments and arguments that are not UTF-8 arrive byte for byte', async () => {
    const script = join(dir, 'args.py');
    writeFileSync(
      script,
      'import os, sys, hashlib\nfor a in sys.argv[1:]:\n    b = os.fsencode(a)\n    print(len(b), hashlib.sha256(b).hexdigest())\n',
    );
    const big = Array.from(
      { length: 52 },
      (_, i) => `${i}:` + 'x$(id) \'"; \n'.repeat(1000).slice(0, 10_000 - 3),
    );
    const bytes = [
      Buffer.from([0xff, 0xfe, 0x41, 0x80]),
      Buffer.from('caf\xe9', 'latin1'),
      Buffer.from('-n'),
    ];
    const args: (string | Buffer)[] = [...big, ...bytes];
    const total = args.reduce((n, a) => n + Buffer.byteLength(a), 0);
    assert.ok(total > 500_000, `${total}`);
    const c = await connect(await resolveHost('lumi-faults', config), refuseAll);
    try {
      const o = collect();
      const code = await runOnHost(sshExecutor(c), request(script, args), o.sink);
      assert.equal(code, 0, Buffer.concat(o.err).toString());
      const expected = args.map((a) => {
        const b = typeof a === 'string' ? Buffer.from(a) : a;
        return `${b.length} ${createHash('sha256').update(b).digest('hex')}`;
      });
      assert.deepEqual(Buffer.concat(o.out).toString().trim().split('\n'), expected);
      const argsFile = join(
        sshd.remoteHome,
        '.cache',
        'lumi-modules',
        'runs',
        createHash('sha256').update(argsFileContent(args)).digest('hex'),
        'args',
      );
      assert.equal(statSync(argsFile).mode & 0o777, 0o600);
    } finally {
      c.close();
    }
  });
});

describe('OpenSSH options', () => {
  let jump: SshdFixture;
  before(async () => {
    jump = await startSshd({ extraConfig: ['MaxAuthTries 3'] });
  });
  after(async () => {
    await jump?.stop();
  });

  it('goes through a two-hop ProxyJump chain (each sshd sees its own logins)', async () => {
    // jump1 = the second sshd, jump2 = the first sshd (reached from jump1), target = the first sshd again.
    const file = join(dir, 'two-hop-config');
    const entry = (alias: string, f: SshdFixture, extra = '') =>
      `Host ${alias}\n  HostName 127.0.0.1\n  Port ${f.port}\n  User ${f.user}\n  IdentityFile ${f.clientKey}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${f.knownHostsFile('known')}\n  StrictHostKeyChecking yes\n${extra}`;
    writeFileSync(
      file,
      entry('jump1', jump) + entry('jump2', sshd) + entry('target', sshd, '  ProxyJump jump1,jump2\n'),
    );
    // The jump sshd must accept the first sshd's client key too.
    writeFileSync(
      join(jump.dir, 'authorized_keys'),
      readFileSync(join(jump.dir, 'authorized_keys'), 'utf8') + readFileSync(`${sshd.clientKey}.pub`, 'utf8'),
    );
    const host = await resolveHost('target', file);
    assert.deepEqual(host.proxyJump, ['jump1', 'jump2']);
    const jumpLogBefore = jump.log().length;
    const logBefore = sshd.log().length;
    const c = await connect(host, refuseAll);
    try {
      const script = join(dir, 'hop.py');
      writeFileSync(script, 'print("through two hops")\n');
      const o = collect();
      assert.equal(await runOnHost(sshExecutor(c), request(script), o.sink), 0);
      assert.equal(Buffer.concat(o.out).toString(), 'through two hops\n');
    } finally {
      c.close();
    }
    const count = (text: string) => (text.match(/Accepted publickey/g) ?? []).length;
    assert.equal(count(jump.log().slice(jumpLogBefore)), 1, 'jump1 logins');
    assert.equal(count(sshd.log().slice(logBefore)), 2, 'jump2 and the target');
  });

  it('IdentitiesOnly: an agent holding 6 keys offers only the configured one (MaxAuthTries 3)', async () => {
    const sock = join(dir, 'agent6.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 5; i++) {
        const k = join(dir, `other-key-${i}`);
        spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k]);
        assert.equal(spawnSync('ssh-add', [k], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status, 0);
      }
      assert.equal(
        spawnSync('ssh-add', [jump.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status,
        0,
      );
      assert.equal(
        spawnSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' })
          .stdout.trim()
          .split('\n').length,
        6,
      );
      // Only the public half on disk: the agent must sign, and pick this key out of six.
      const pubOnly = join(dir, 'agent-key');
      writeFileSync(`${pubOnly}.pub`, readFileSync(`${jump.clientKey}.pub`));
      const file = jump.writeSshConfig('lumi-agent6', {
        identityFile: pubOnly,
        knownHostsFile: jump.knownHostsFile('known'),
        extra: { IdentityAgent: sock },
      });
      const host = await resolveHost('lumi-agent6', file);
      assert.equal(host.identitiesOnly, true);
      const c = await connect(host, refuseAll);
      try {
        let out = '';
        assert.equal((await c.exec('echo agent-login', { onStdout: (b) => void (out += b) })).code, 0);
        assert.equal(out, 'agent-login\n');
      } finally {
        c.close();
      }
    } finally {
      agent.kill();
    }
  });

  it('HostKeyAlias checks and stores the key under the alias; HashKnownHosts writes new entries hashed', async () => {
    const knownHosts = join(dir, 'alias-known-hosts');
    writeFileSync(knownHosts, `lumi-alias ${jump.hostPublicKey}\n`);
    const aliased = jump.writeSshConfig('lumi-aliased', {
      knownHostsFile: knownHosts,
      extra: { HostKeyAlias: 'lumi-alias', StrictHostKeyChecking: 'yes' },
    });
    const c = await connect(await resolveHost('lumi-aliased', aliased), refuseAll);
    c.close();
    const fresh = join(dir, 'hashed-new-known-hosts');
    const hashing = jump.writeSshConfig('lumi-hashing', {
      knownHostsFile: fresh,
      extra: { HashKnownHosts: 'yes', StrictHostKeyChecking: 'accept-new' },
    });
    const d = await connect(await resolveHost('lumi-hashing', hashing), refuseAll);
    d.close();
    const line = readFileSync(fresh, 'utf8');
    assert.match(line, /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    assert.doesNotMatch(line, /127\.0\.0\.1/);
    // OpenSSH itself finds the hashed entry.
    assert.equal(spawnSync('ssh-keygen', ['-F', `[127.0.0.1]:${jump.port}`, '-f', fresh]).status, 0);
  });
});
