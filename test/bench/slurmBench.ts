// Batch-job figures for `npm run bench`, on the kept connection to the test sshd with the real
// one-node Slurm behind it (test/helpers/slurm.ts), N jobs each:
// - first output: from sbatch returning (submitJob resolved) to the job's first line reaching
//   this process; split into Slurm's part (until the job wrote the line: the line carries its
//   wall-clock time, same machine) and the follower's (one output read, 0.2 s, and the way back);
// - state change: a job held with --begin=now+600 is followed until it shows PENDING, then
//   released (scontrol update StartTime=now); from the moment a local squeue loop (every 20 ms)
//   first sees it RUNNING to the RUNNING event arriving here: the output file's appearance (or the
//   1 s state poll) plus the way over SSH. Slurm's own time to start the released job is apart.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, type ConnectPrompts } from '../../core/remote/connection';
import { resolveHost } from '../../core/remote/sshConfig';
import { followJob, submitJob, type JobEvent } from '../../core/slurm/jobs';
import type { SubmitSpec } from '../../core/slurm/jobScript';
import { sshExecutor } from '../../core/remote/sshExecutor';
import { startSlurmBehindSshd } from '../helpers/slurm';

const N = 5;
const refuse: ConnectPrompts = {
  confirmUnknownHost: async () => false,
  passphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchSlurm(lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-slurm-'));
  // `python` on the login shell's PATH: the job runs the script with the machine's python3.
  mkdirSync(join(dir, 'bin'));
  symlinkSync('/usr/bin/python3', join(dir, 'bin', 'python'));
  const pair = await startSlurmBehindSshd('lumi-bench', { profile: `export PATH=${join(dir, 'bin')}:$PATH` });
  const { slurm, config } = pair;
  try {
    const connection = await connect(await resolveHost('lumi-bench', config), refuse);
    const transport = sshExecutor(connection);
    const script = join(dir, 'hello.py');
    // The line carries the wall-clock time it was written: write -> shown is the follower's own part.
    writeFileSync(
      script,
      'import sys, time\nprint(f"{time.time() * 1000:.0f}", flush=True)\ntime.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 0)\n',
    );
    const spec = (sbatch: string[], args: string[] = []): SubmitSpec => ({
      modulePaths: [],
      modules: [],
      sbatch,
      srun: [],
      script,
      args,
    });
    const first: number[] = [];
    const written: number[] = [];
    const state: number[] = [];
    const start: number[] = [];
    const squeueState = async (jobId: string) =>
      (
        await promisify(execFile)('squeue', ['-h', '-j', jobId, '-o', '%T'], {
          env: { ...process.env, SLURM_CONF: slurm.conf },
        })
      ).stdout.trim();
    for (let i = 0; i < N; i++) {
      const { jobId } = await submitJob(transport, spec([]));
      const submitted = performance.now();
      let seen = 0;
      let wroteAt = 0;
      await followJob(transport, jobId, {
        stdout: (c) => {
          if (seen) return;
          seen = performance.now();
          wroteAt = Date.now() - Number(c.toString().split('\n')[0]);
        },
        stderr: () => undefined,
        event: () => undefined,
      });
      if (!seen) throw new Error(`job ${jobId} printed nothing`);
      first.push(seen - submitted);
      written.push(wroteAt);

      const held = await submitJob(transport, spec(['--begin=now+600'], ['3']));
      let released = 0;
      let running = 0;
      let pending!: () => void;
      const isPending = new Promise<void>((r) => (pending = r));
      const follow = followJob(transport, held.jobId, {
        stdout: () => undefined,
        stderr: () => undefined,
        event: (e: JobEvent) => {
          if (e.kind === 'state' && e.state === 'PENDING') pending();
          if (e.kind === 'state' && e.state === 'RUNNING') running ||= performance.now();
        },
      });
      await isPending;
      const r = slurm.client('scontrol', ['update', `jobid=${held.jobId}`, 'StartTime=now']);
      if (r.status !== 0) throw new Error(r.stderr);
      released = performance.now();
      let changed = 0;
      while (!changed) {
        if ((await squeueState(held.jobId)) !== 'PENDING') changed = performance.now();
        else await new Promise((r) => setTimeout(r, 20));
      }
      await follow;
      start.push(changed - released);
      state.push(running - changed);
    }
    connection.close();
    const ms = (v: number) => `${Math.round(v)} ms`;
    const slurmPart = first.map((f, i) => f - written[i]);
    lines.push(
      `Batch job, sbatch returned -> first output line shown: median ${ms(median(first))} (max ${ms(Math.max(...first))}); of it Slurm (sbatch returned -> the job wrote the line): median ${ms(median(slurmPart))}, the follower (line written -> shown): median ${ms(median(written))} (max ${ms(Math.max(...written))}; output read every 0.2 s)`,
    );
    lines.push(
      `Batch job, state change (PENDING -> RUNNING) -> shown: median ${ms(median(state))} (max ${ms(Math.max(...state))}; target < 1 s); Slurm itself took ${ms(median(start))} to start a released job`,
    );
  } finally {
    await pair.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
