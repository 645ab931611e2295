// Remote-run figures for `npm run bench`: time to first output line and total time of a trivial
// script over a real sshd on 127.0.0.1 (the test fixture), N runs each: a fresh ssh2 connection
// per run (like spawning ssh), the kept connection (what the editor does), plain OpenSSH
// `ssh HOST 'exec bash -l -c ...'` with the same remote command, and the same command run locally
// (no SSH at all) as the floor. Overhead = median total minus the local median.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildRemoteCommand } from '../../core/remote/command';
import { connect, type ConnectPrompts } from '../../core/remote/connection';
import { ConnectionPool } from '../../core/remote/pool';
import { runLocally, runOverSsh, type RunRequest } from '../../core/remote/run';
import { resolveHost } from '../../core/remote/sshConfig';
import { startSshd } from '../helpers/sshd';

const N = 20;
const refuse: ConnectPrompts = { confirmUnknownHost: async () => false, passphrase: async () => undefined, keyboardInteractive: async () => undefined };

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
    const child = spawn('ssh', ['-F', config, '-o', 'BatchMode=yes', 'lumi-bench', command], { stdio: ['ignore', 'pipe', 'inherit'] });
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
    await pool.with('lumi-bench', config, (c) => runOverSsh(c, request, sink(() => undefined))); // warm-up
    for (let i = 0; i < N; i++) {
      results.local.push(await measure((out) => runLocally(request, sink(out), undefined, env)));
      results.openssh.push(await measure((out) => openssh(config, command, out)));
      results.fresh.push(
        await measure(async (out) => {
          const c = await connect(host, refuse);
          try {
            return await runOverSsh(c, request, sink(out));
          } finally {
            c.close();
          }
        }),
      );
      results.kept.push(await measure((out) => pool.with('lumi-bench', config, (c) => runOverSsh(c, request, sink(out)))));
    }
    pool.dispose();
    const floor = median(results.local.map((s) => s.total));
    const overhead = (k: string) => median(results[k].map((s) => s.total)) - floor;
    lines.push('', `Remote run of a trivial script over a real sshd on 127.0.0.1, N=${N}, medians:`);
    for (const [k, label] of [['local', 'same command locally (floor)'], ['openssh', 'OpenSSH ssh per run'], ['fresh', 'ssh2, fresh connection per run'], ['kept', 'ssh2, kept connection']] as const) {
      const s = results[k];
      lines.push(`  ${label.padEnd(32)} first line ${median(s.map((x) => x.first)).toFixed(1).padStart(7)} ms   total ${median(s.map((x) => x.total)).toFixed(1).padStart(7)} ms${k === 'local' ? '' : `   overhead ${overhead(k).toFixed(1).padStart(6)} ms`}`);
    }
    // A kept connection can come out below the local floor (no bash spawned by node here): noise.
    const ratio = Math.max(0, overhead('kept')) / overhead('openssh');
    lines.push(`  kept-connection overhead / OpenSSH overhead = ${ratio.toFixed(2)} (target < 0.5: ${ratio < 0.5 ? 'met' : 'NOT met'}); fresh / OpenSSH = ${(overhead('fresh') / overhead('openssh')).toFixed(2)}`);
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
