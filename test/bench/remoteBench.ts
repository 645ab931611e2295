// Remote-run figures for `npm run bench`: time to first output line and total time of a trivial
// script over a real sshd on 127.0.0.1 (the test fixture), N runs each: a fresh ssh2 connection
// per run (like spawning ssh), the kept connection (what the editor does), plain OpenSSH
// `ssh HOST 'exec bash -l -c ...'` with the same remote command, and the same command run locally
// (no SSH at all) as the floor. Overhead = median total minus the local median.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as connectTcp, createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildRemoteCommand } from '../../core/remote/command';
import { connect, type ConnectPrompts } from '../../core/remote/connection';
import { ConnectionPool } from '../../core/remote/pool';
import { runOnHost, type RunRequest } from '../../core/remote/run';
import { localExecutor } from '../../core/remote/localExecutor';
import { sshExecutor } from '../../core/remote/sshExecutor';
import { resolveHost } from '../../core/remote/sshConfig';
import { startSshd, type SshdFixture } from '../helpers/sshd';
import { runProcessesWith } from '../helpers/cli';

const N = 20;
const refuse: ConnectPrompts = {
  confirmUnknownHost: async () => false,
  passphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
};

interface Sample {
  first: number;
  total: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(run: (onOutput: () => void) => Promise<number>): Promise<Sample> {
  const start = performance.now();
  let first = 0;
  const code = await run(() => (first ||= performance.now()));
  if (code !== 0) throw new Error(`bench run exited with ${code}`);
  return { first: first - start, total: performance.now() - start };
}

function openssh(config: string, command: string, onOutput: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', ['-F', config, '-o', 'BatchMode=yes', 'lumi-bench', command], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', onOutput);
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 255));
  });
}

export async function benchRemote(lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-remote-'));
  const sshd = await startSshd();
  try {
    // `python` on the remote PATH without a container: the figures are about the SSH path.
    mkdirSync(join(dir, 'bin'));
    symlinkSync('/usr/bin/python3', join(dir, 'bin', 'python'));
    sshd.addRemoteProfile(`export PATH=${join(dir, 'bin')}:$PATH`);
    const config = sshd.writeSshConfig('lumi-bench', { knownHostsFile: sshd.knownHostsFile('known') });
    const script = join(dir, 'trivial.py');
    writeFileSync(script, 'print("hello from LUMI", flush=True)\n');
    const request: RunRequest = { modulePaths: [], modules: [], script, remoteScript: true, args: [] };
    const sink = (onOutput: () => void) => ({ stdout: onOutput, stderr: () => undefined });
    const env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, HOME: sshd.remoteHome };
    const results: Record<string, Sample[]> = { local: [], openssh: [], fresh: [], kept: [] };
    const pool = new ConnectionPool(refuse, { idleTimeoutMs: 60_000 });
    const host = await resolveHost('lumi-bench', config);
    const command = buildRemoteCommand({ ...request, pidFile: '~/.cache/lumi-modules/pids/bench', script });
    await pool.with('lumi-bench', config, (c) =>
      runOnHost(
        sshExecutor(c),
        request,
        sink(() => undefined),
      ),
    ); // warm-up
    for (let i = 0; i < N; i++) {
      results.local.push(await measure((out) => runOnHost(localExecutor({ env }), request, sink(out))));
      results.openssh.push(await measure((out) => openssh(config, command, out)));
      results.fresh.push(
        await measure(async (out) => {
          const c = await connect(host, refuse);
          try {
            return await runOnHost(sshExecutor(c), request, sink(out));
          } finally {
            c.close();
          }
        }),
      );
      results.kept.push(
        await measure((out) =>
          pool.with('lumi-bench', config, (c) => runOnHost(sshExecutor(c), request, sink(out))),
        ),
      );
    }
    pool.dispose();
    const floor = median(results.local.map((s) => s.total));
    const overhead = (k: string) => median(results[k].map((s) => s.total)) - floor;
    lines.push('', `Remote run of a trivial script over a real sshd on 127.0.0.1, N=${N}, medians:`);
    for (const [k, label] of [
      ['local', 'same command locally (floor)'],
      ['openssh', 'OpenSSH ssh per run'],
      ['fresh', 'ssh2, fresh connection per run'],
      ['kept', 'ssh2, kept connection'],
    ] as const) {
      const s = results[k];
      lines.push(
        `  ${label.padEnd(32)} first line ${median(s.map((x) => x.first))
          .toFixed(1)
          .padStart(7)} ms   total ${median(s.map((x) => x.total))
          .toFixed(1)
          .padStart(7)} ms${k === 'local' ? '' : `   overhead ${overhead(k).toFixed(1).padStart(6)} ms`}`,
      );
    }
    // A kept connection can come out below the local floor (no bash spawned by node here): noise.
    const ratio = Math.max(0, overhead('kept')) / overhead('openssh');
    lines.push(
      `  kept-connection overhead / OpenSSH overhead = ${ratio.toFixed(2)} (target < 0.5: ${ratio < 0.5 ? 'met' : 'NOT met'}); fresh / OpenSSH = ${(overhead('fresh') / overhead('openssh')).toFixed(2)}`,
    );
    await benchFaults(lines, sshd, dir);
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

/** Spawns the CLI; resolves on exit with the code, stderr, bytes read and the CLI's peak RSS. */
function cliRun(
  args: string[],
  options: { slowReader?: boolean; onStarted?: (kill: (s: NodeJS.Signals) => void) => void } = {},
) {
  return new Promise<{ code: number | null; stderr: string; bytes: number; peakRss: number; ms: number }>(
    (resolve) => {
      const start = performance.now();
      const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let bytes = 0;
      let peakRss = 0;
      let since = 0;
      let started = false;
      const sample = setInterval(() => {
        try {
          peakRss = Math.max(
            peakRss,
            Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
          );
        } catch {
          /* gone */
        }
      }, 100);
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.on('data', (c: Buffer) => {
        bytes += c.length;
        if (!started && c.includes('started')) {
          started = true;
          options.onStarted?.((s) => child.kill(s));
        }
        if (options.slowReader && (since += c.length) >= 4 << 20) {
          since = 0;
          child.stdout.pause();
          setTimeout(() => child.stdout.resume(), 30);
        }
      });
      child.on('exit', (code) => {
        clearInterval(sample);
        resolve({ code, stderr, bytes, peakRss, ms: performance.now() - start });
      });
    },
  );
}

/** The guarantees of issue 14 as numbers: each line is one README claim. */
async function benchFaults(lines: string[], sshd: SshdFixture, dir: string): Promise<void> {
  lines.push('', 'Remote run under faults (same sshd):');
  const config = sshd.writeSshConfig('lumi-faults', { knownHostsFile: sshd.knownHostsFile('known') });

  // Tarpit: accepts TCP, never answers; ConnectTimeout 3.
  const held: Socket[] = [];
  const tarpit = createServer((s) => held.push(s));
  await new Promise<void>((r) => tarpit.listen(0, '127.0.0.1', r));
  const tarpitConfig = join(dir, 'tarpit-config');
  writeFileSync(
    tarpitConfig,
    `Host lumi-faults\n  HostName 127.0.0.1\n  Port ${(tarpit.address() as AddressInfo).port}\n  ConnectTimeout 3\n`,
  );
  const never = join(dir, 'never.py');
  writeFileSync(never, 'print(1)\n');
  const tp = await cliRun(['--host', 'lumi-faults', '--ssh-config', tarpitConfig, never]);
  for (const s of held) s.destroy();
  tarpit.close();
  lines.push(
    `  tarpit host, ConnectTimeout 3: the CLI gave up after ${(tp.ms / 1000).toFixed(2)} s with exit ${tp.code} (from its start: Node and ssh -G included)`,
  );

  // SIGHUP to the CLI: time until no process of the run is left on the remote.
  const marker = 'lumi-bench-hup-marker';
  const hup = join(dir, 'hup.py');
  writeFileSync(
    hup,
    `import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : ${marker}"])\nprint("started", flush=True)\ntime.sleep(3600)\n`,
  );
  let hupAt = 0;
  const hr = await cliRun(['--host', 'lumi-faults', '--ssh-config', config, hup], {
    onStarted: (kill) => ((hupAt = performance.now()), kill('SIGHUP')),
  });
  while (runProcessesWith(marker) !== '' && performance.now() - hupAt < 30_000)
    await new Promise((r) => setTimeout(r, 20));
  lines.push(
    `  SIGHUP to the CLI: exit ${hr.code}; remote process tree gone ${((performance.now() - hupAt) / 1000).toFixed(2)} s after the signal`,
  );

  // Silent link: a relay that stops forwarding; ServerAliveInterval 2 x ServerAliveCountMax 3 = 6 s.
  let frozen = false;
  const sockets: Socket[] = [];
  const relay = createServer((client) => {
    const up = connectTcp(sshd.port, '127.0.0.1');
    sockets.push(client, up);
    client.on('data', (d) => frozen || up.write(d));
    up.on('data', (d) => frozen || client.write(d));
    client.on('error', () => undefined);
    up.on('error', () => undefined);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const silentConfig = join(dir, 'silent-config');
  writeFileSync(
    silentConfig,
    `Host silent\n  HostName 127.0.0.1\n  Port ${(relay.address() as AddressInfo).port}\n  User ${sshd.user}\n  IdentityFile ${sshd.clientKey}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${join(dir, 'silent-kh')}\n  StrictHostKeyChecking accept-new\n  ServerAliveInterval 2\n  ServerAliveCountMax 3\n`,
  );
  const silent = join(dir, 'silent.py');
  writeFileSync(silent, 'import time\nprint("started", flush=True)\ntime.sleep(3600)\n');
  const c = await connect(await resolveHost('silent', silentConfig), refuse);
  let frozeAt = 0;
  const message = await runOnHost(
    sshExecutor(c),
    { modulePaths: [], modules: [], script: silent, remoteScript: false, args: [] },
    {
      stdout: (b) => {
        if (!frozen && b.includes('started')) {
          frozen = true;
          frozeAt = performance.now();
        }
      },
      stderr: () => undefined,
    },
  ).then(
    () => 'no error',
    (e: Error) => e.message,
  );
  const detected = (performance.now() - frozeAt) / 1000;
  for (const s of sockets) s.destroy();
  relay.close();
  lines.push(
    `  silent link, ServerAliveInterval 2 x ServerAliveCountMax 3: declared dead ${detected.toFixed(2)} s after it went silent ("${message.replace(/^.*lost: /, '').replace(/;.*$/, '')}")`,
  );

  // MaxStartups storm: 40 concurrent fresh connections + runs against sshd's default 10:30:100.
  const host = await resolveHost('lumi-faults', config);
  const storm = join(dir, 'storm.py');
  writeFileSync(storm, 'print("ok")\n');
  const logBefore = sshd.log().length;
  const stormStart = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: 40 }, async () => {
      const k = await connect(host, refuse);
      try {
        return await runOnHost(
          sshExecutor(k),
          { modulePaths: [], modules: [], script: storm, remoteScript: false, args: [] },
          { stdout: () => undefined, stderr: () => undefined },
        );
      } finally {
        k.close();
      }
    }),
  );
  const ok = results.filter((r) => r.status === 'fulfilled' && r.value === 0).length;
  const drops = (
    sshd
      .log()
      .slice(logBefore)
      .match(/past MaxStartups/g) ?? []
  ).length;
  lines.push(
    `  40 concurrent runs (sshd MaxStartups 10:30:100): ${ok}/40 succeeded, ${drops} handshakes dropped by sshd and retried, ${((performance.now() - stormStart) / 1000).toFixed(1)} s in all`,
  );

  // 1 GB through a slow reader: the CLI's peak RSS.
  const gb = join(dir, 'gb.py');
  writeFileSync(
    gb,
    'import sys\nblock = b"0123456789abcdef" * 65536\nfor _ in range(1024):\n    sys.stdout.buffer.write(block)\n',
  );
  const big = await cliRun(['--host', 'lumi-faults', '--ssh-config', config, gb], { slowReader: true });
  lines.push(
    `  1 GiB of output into a slow reader: ${big.bytes === 1 << 30 ? 'all bytes arrived' : `${big.bytes} bytes arrived`}, CLI peak RSS ${(big.peakRss / 2 ** 20).toFixed(0)} MB, ${(big.bytes / 2 ** 20 / (big.ms / 1000)).toFixed(0)} MB/s`,
  );

  // 500 KB of arguments (through the arguments file).
  const argsScript = join(dir, 'args.py');
  writeFileSync(argsScript, 'import sys\nprint(sum(len(a) for a in sys.argv[1:]))\n');
  const many = Array.from({ length: 50 }, () => 'a'.repeat(10_000));
  let printed = '';
  const argsStart = performance.now();
  const k = await connect(host, refuse);
  const argsCode = await runOnHost(
    sshExecutor(k),
    { modulePaths: [], modules: [], script: argsScript, remoteScript: false, args: many },
    { stdout: (b) => void (printed += b), stderr: () => undefined },
  );
  k.close();
  lines.push(
    `  500 KB of arguments: exit ${argsCode}, ${printed.trim()} bytes arrived, ${(performance.now() - argsStart).toFixed(0)} ms with the connection`,
  );
}
