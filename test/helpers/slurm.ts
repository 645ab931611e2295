// A real one-node Slurm cluster for tests (Debian's munge, slurmctld, slurmd, slurm-client):
// generated slurm.conf, munge key and socket, state, spool, logs and pid files all in a temp dir;
// free ports on 127.0.0.1; partitions `small-g` (default, 8 GPUs declared) and `small` like LUMI's.
//
// How it stays off the machine and cleans up:
// - munged runs with --socket/--key-file/--pid-file/--log-file/--seed-file in the temp dir and Slurm
//   reaches it through AuthInfo=socket=..., so /etc/munge and /run/munge are not used.
// - The three daemons run in the foreground inside bubblewrap (`--dev-bind / /`, a private mount and
//   PID namespace, `--die-with-parent`; fresh /proc mounted by a small sh wrapper as in sshd.ts, so
//   proctrack/linuxproc sees the namespace's processes). Jobs (slurmstepd and the job's processes)
//   are started by slurmd inside that namespace, so killing its init (stop(), test process exit or
//   death) ends every daemon and every job at once.
// - Clients (sbatch, squeue, scontrol, scancel) find the cluster through SLURM_CONF only.
// - The node declares 64 CPUs and 8 GPUs (SlurmdParameters=config_overrides; the GPU "devices" are
//   symlinks to /dev/null), so LUMI-G's defaults (1 GPU, 7 CPUs per GPU) are accepted on a 2-core
//   machine. Nothing runs on them: proctrack/linuxproc and task/none bind nothing.
// - No accounting (sacct says it is disabled): exit codes come from `scontrol show job`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { startCli } from './cli';
import { startSshd, type SshdFixture } from './sshd';

export interface SlurmFixture {
  dir: string;
  /** Path of the generated slurm.conf; clients need SLURM_CONF=conf. */
  conf: string;
  nodeName: string;
  /** Runs a Slurm client command (sbatch, squeue, ...) against this cluster. */
  client(command: string, args: string[]): { status: number | null; stdout: string; stderr: string };
  /** Lines for a login shell's profile that point the Slurm commands at this cluster. */
  profileLines: string;
  /** slurmctld's and slurmd's logs, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 40_000;
const live = new Set<() => void>();
let hookInstalled = false;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no free port')),
      );
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export async function startSlurm(extraConf: string[] = []): Promise<SlurmFixture> {
  for (const tool of ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch']) {
    if (spawnSync('test', ['-x', tool]).status !== 0)
      throw new Error(
        `slurm fixture: ${tool} not found (apt-get install munge slurmctld slurmd slurm-client)`,
      );
  }
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lumi-slurm-')));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const kill = () => {
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL'); // bwrap's group; the PID namespace dies with its init
    } catch {
      /* gone */
    }
  };
  const safety = () => {
    kill();
    rmSync(dir, { recursive: true, force: true });
  };
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => {
      for (const f of live) f();
    });
  }
  live.add(safety);
  const nodeName = hostname();
  const conf = join(dir, 'slurm.conf');
  const env = { ...process.env, SLURM_CONF: conf };
  const client = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { encoding: 'utf8', env, timeout: 30_000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const logs = () =>
    ['munged.log', 'slurmctld.log', 'slurmd.log', 'daemons.log']
      .map((f) => `--- ${f}\n${readOr(join(dir, f))}`)
      .join('\n');
  try {
    for (const sub of ['state', 'spool', 'gpus']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'munge.key'), randomBytes(1024), { mode: 0o400 });
    for (let i = 0; i < 8; i++) symlinkSync('/dev/null', join(dir, 'gpus', `gpu${i}`));
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const socket = join(dir, 'munge.socket');
    writeFileSync(
      join(dir, 'gres.conf'),
      `AutoDetect=off\nNodeName=${nodeName} Name=gpu File=${join(dir, 'gpus')}/gpu[0-7]\n`,
    );
    writeFileSync(
      conf,
      [
        'ClusterName=lumitest',
        `SlurmctldHost=${nodeName}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'SlurmdParameters=config_overrides',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'MpiDefault=none',
        'ReturnToService=2',
        'GresTypes=gpu',
        // Finished jobs stay visible to `scontrol show job` (their exit code) for 10 minutes.
        'MinJobAge=600',
        // Configured as a site would for quick starts: schedule a submitted job at the next pass of
        // slurmctld's background loop (once a second, fixed in controller.c) instead of waiting
        // until 3 s (the default) have passed since the previous scheduling pass.
        'SchedulerParameters=batch_sched_delay=0',
        ...extraConf,
        `NodeName=${nodeName} NodeAddr=127.0.0.1 CPUs=64 RealMemory=4000 Gres=gpu:8 State=UNKNOWN`,
        `PartitionName=small-g Nodes=${nodeName} Default=YES MaxTime=3-00:00:00 State=UP`,
        `PartitionName=small Nodes=${nodeName} MaxTime=3-00:00:00 State=UP`,
        '',
      ].join('\n'),
    );
    // PID 2 of the namespace: mounts its /proc, starts munged, waits for its socket, then the
    // Slurm daemons; `wait` keeps it (and so the namespace) alive.
    const script = [
      'mount -t proc proc /proc || exit 1',
      `munged -F -f --socket="$D/munge.socket" --key-file="$D/munge.key" --pid-file="$D/munged.pid" --log-file="$D/munged.log" --seed-file="$D/munged.seed" &`,
      'for _ in $(seq 100); do [ -S "$D/munge.socket" ] && break; sleep 0.1; done',
      'slurmctld -D -f "$D/slurm.conf" &',
      'slurmd -D -f "$D/slurm.conf" &',
      'wait',
    ].join('\n');
    const fd = openSync(join(dir, 'daemons.log'), 'a');
    try {
      child = spawn(
        'bwrap',
        ['--dev-bind', '/', '/', '--unshare-pid', '--die-with-parent', 'sh', '-c', script],
        {
          detached: true,
          stdio: ['ignore', fd, fd],
          env: {
            PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            LANG: 'C',
            D: dir,
            SLURM_CONF: conf,
          },
        },
      );
    } finally {
      closeSync(fd);
    }
    child.unref();
    let exitInfo: string | undefined;
    const c = child;
    exited = new Promise((resolve) => {
      c.on('error', (e) => {
        exitInfo = e.message;
        resolve();
      });
      c.on('exit', (code, signal) => {
        exitInfo = signal ? `killed by ${signal}` : `exited with ${code}`;
        resolve();
      });
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (exitInfo !== undefined) throw new Error(`slurm fixture: the daemons ${exitInfo}\n${logs()}`);
      const state = client('sinfo', ['-h', '-n', nodeName, '-p', 'small-g', '-o', '%t']).stdout.trim();
      if (state === 'idle') break;
      if (Date.now() > deadline)
        throw new Error(
          `slurm fixture: node ${nodeName} not idle within ${START_TIMEOUT_MS} ms (state '${state}')\n${logs()}`,
        );
      await sleep(200);
    }
    let stopping: Promise<void> | undefined;
    return {
      dir,
      conf,
      nodeName,
      client,
      profileLines: `export SLURM_CONF=${conf}`,
      logs,
      stop() {
        stopping ??= (async () => {
          child?.ref();
          kill();
          await exited;
          live.delete(safety);
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (err) {
    kill();
    await exited;
    live.delete(safety);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface SlurmBehindSshd {
  slurm: SlurmFixture;
  sshd: SshdFixture;
  /** SSH config file with Host ALIAS for the test sshd. */
  config: string;
  /** Stops sshd, then Slurm. */
  stop(): Promise<void>;
}

/**
 * The pair the remote Slurm tests use: the cluster, and a test sshd whose user's login shell finds
 * it (SLURM_CONF in ~/.bash_profile, plus PROFILE lines); an SSH config with Host ALIAS.
 */
export async function startSlurmBehindSshd(
  alias: string,
  options: { profile?: string; sshOptions?: Record<string, string> } = {},
): Promise<SlurmBehindSshd> {
  const slurm = await startSlurm();
  let sshd: SshdFixture;
  try {
    sshd = await startSshd();
  } catch (err) {
    await slurm.stop();
    throw err;
  }
  sshd.addRemoteProfile(options.profile ? `${slurm.profileLines}\n${options.profile}` : slurm.profileLines);
  const config = sshd.writeSshConfig(alias, options.sshOptions ? { extra: options.sshOptions } : undefined);
  return {
    slurm,
    sshd,
    config,
    async stop() {
      await sshd.stop();
      await slurm.stop();
    },
  };
}

/** The ids squeue lists now. */
export function queuedJobIds(slurm: SlurmFixture): string[] {
  return slurm.client('squeue', ['-h', '-o', '%i']).stdout.split('\n').filter(Boolean);
}

/**
 * What every transport of `submit` must do with a pending job: a job held for 10 minutes shows
 * PENDING with its reason; Ctrl+C ends the CLI with 130 and cancels the job, which squeue no longer
 * lists. Returns the finished run for the caller's own checks.
 */
export async function assertCtrlCCancelsPendingJob(
  slurm: SlurmFixture,
  start: (args: string[]) => ReturnType<typeof startCli>,
  submitArgs: string[],
  file: string,
) {
  const run = start(['submit', ...submitArgs, '--sbatch', '--begin=now+600', file]);
  await run.waitFor(/^\d+\n/, 'stdout');
  const jobId = run.out().trim();
  await run.waitFor(new RegExp(`job ${jobId} PENDING \\(BeginTime\\)`));
  assert.ok(queuedJobIds(slurm).includes(jobId));
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 130, run.err());
  assert.ok(!queuedJobIds(slurm).includes(jobId), `squeue still lists ${jobId}`);
  assert.match(slurm.client('scontrol', ['show', 'job', jobId]).stdout, /JobState=CANCELLED/);
  return run;
}
