// submit and follow under faults, against the real one-node Slurm behind the real sshd, with a
// login profile that prints a terminal-title escape, a banner line and a stderr line, and an sbatch
// wrapper earlier on PATH that prints a notice after the id (every test here runs through them):
// - an existing output file with a fixed --output and --begin=now+5: no old line, every new line;
// - slurmctld stopped (SIGSTOP) for 30 s during a follow: the follow ends with the real final state;
// - the job id read through banners, escapes and notices; none of them in submit's stdout or jobs;
// - a script name with a newline: its output is streamed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, startCli } from '../helpers/cli';
import { startSlurmBehindSshd, type SlurmBehindSshd } from '../helpers/slurm';

let pair: SlurmBehindSshd;
let dir: string;
let venv: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-follow-faults-'));
  venv = join(dir, 'venv');
  const made = spawnSync('python3', ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const wrap = join(dir, 'wrap');
  mkdirSync(wrap);
  writeFileSync(
    join(wrap, 'sbatch'),
    '#!/bin/bash\n/usr/bin/sbatch "$@"\nrc=$?\necho "Notice: your project has 12% of its quota left"\nexit $rc\n',
  );
  chmodSync(join(wrap, 'sbatch'), 0o755);
  pair = await startSlurmBehindSshd('lumi-follow', {
    // The banner of the login node's shells; the job's own `bash -l` (SLURM_JOB_ID set) prints
    // none: what a job's shell prints is that job's output, kept as Slurm wrote it.
    profile: [
      `export PATH=${wrap}:$PATH`,
      'if [ -z "$SLURM_JOB_ID" ]; then',
      `  printf '\\e]0;login title\\a'`,
      '  echo "Welcome to the login node"',
      '  echo "profile warning on stderr" >&2',
      'fi',
    ].join('\n'),
  });
});

after(async () => {
  await pair?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const base = () => ['--host', 'lumi-follow', '--ssh-config', pair.config, '--venv', venv];

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

function submit(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'submit', ...base(), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** The host pid of this fixture's slurmctld (it runs in its own PID namespace). */
function slurmctldPid(): number {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd[0].endsWith('slurmctld') && cmd.includes(pair.slurm.conf)) return Number(pid);
    } catch {
      /* exited */
    }
  }
  throw new Error('slurmctld of the fixture not found');
}

describe('submit and follow under faults', () => {
  it('the job id comes through banners, escapes and an sbatch notice; none reach stdout or jobs', () => {
    const file = script('hello.py', 'print("hello from the job")\n');
    const r = submit([file]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const [jobId, ...rest] = r.stdout.split('\n');
    assert.match(jobId, /^\d+$/);
    assert.deepEqual(rest, ['hello from the job', '']);
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    assert.doesNotMatch(r.stdout, /Welcome|\x1b|Notice/);
    const jobs = spawnSync(
      process.execPath,
      [CLI, 'jobs', '--host', 'lumi-follow', '--ssh-config', pair.config],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(jobs.status, 0, jobs.stderr);
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    assert.doesNotMatch(jobs.stdout, /[\x00-\x09\x0b-\x1f]|Welcome/);
    assert.match(jobs.stdout, /^JOBID\s+PARTITION/);
  });

  it('an existing output file, a fixed --output and --begin=now+5: no old line, every new line', () => {
    const out = join(pair.sshd.remoteHome, 'fixed.out');
    writeFileSync(out, 'old line 1\nold line 2 of a previous job\n');
    const file = script('fresh.py', 'for i in range(3):\n    print(f"new line {i}", flush=True)\n');
    const r = submit(['--sbatch', `--begin=now+5 --output=${out}`, file]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const [, ...lines] = r.stdout.split('\n');
    assert.deepEqual(lines, ['new line 0', 'new line 1', 'new line 2', '']);
  });

  it('slurmctld stopped for 30 s during a follow: the follow waits and ends with the real final state', async () => {
    const file = script(
      'steady.py',
      'import sys, time\nprint("before", flush=True)\ntime.sleep(12)\nprint("after")\nsys.exit(4)\n',
    );
    const run = startCli(['submit', ...base(), file], { context: () => pair.slurm.logs().slice(-2000) });
    await run.waitFor(/RUNNING on/);
    const pid = slurmctldPid();
    process.kill(pid, 'SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 30_000));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    assert.equal(await run.exited, 4, run.err());
    assert.deepEqual(run.out().split('\n').slice(1), ['before', 'after', '']);
    assert.match(run.err(), /the Slurm controller does not answer/);
    assert.match(run.err(), /FAILED, exit code 4/);
    assert.doesNotMatch(run.err(), /no longer knows/);
  });

  it('a script name with a newline: its output is streamed', () => {
    const file = script('two\nlines.py', 'print("streamed despite the name")\n');
    const r = submit([file]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(1), ['streamed despite the name', '']);
  });
});
