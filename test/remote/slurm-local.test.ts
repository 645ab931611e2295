// `lumi-modules submit`, `jobs` and `follow` with `--host local`: Slurm on this machine, no SSH
// (a Remote-SSH window or a terminal on a LUMI login node). The real one-node Slurm of
// test/helpers/slurm.ts, its commands found through SLURM_CONF in the CLI's environment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJobOutput } from '../../core/slurm/jobs';
import { localExecutor } from '../../core/remote/localExecutor';
import { assertCtrlCCancelsPendingJob, startSlurm, type SlurmFixture } from '../helpers/slurm';

import { CLI as cli, startCli } from '../helpers/cli';

let slurm: SlurmFixture;
let dir: string;
let home: string;
let venv: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-submit-local-'));
  home = join(dir, 'home');
  mkdirSync(home);
  venv = join(dir, 'venv');
  const made = spawnSync('python3', ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  slurm = await startSlurm();
  // HOME in the temp dir: the script copies (~/.cache/lumi-modules/runs) land there.
  env = { ...process.env, SLURM_CONF: slurm.conf, HOME: home };
});

after(async () => {
  await slurm?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

const local = () => ['--host', 'local', '--venv', venv];

const start = (args: string[]) => startCli(args, { cwd: dir, env, context: () => slurm.logs().slice(-3000) });

describe('lumi-modules submit --host local against a real Slurm (no SSH)', () => {
  it('a job that prints and exits 3: its lines streamed, its states shown, exit 3; its output read back', async () => {
    const file = script(
      'prints.py',
      'import sys\nprint("first line", flush=True)\nprint("to stderr", file=sys.stderr, flush=True)\nprint("last line")\nsys.exit(3)\n',
    );
    const run = start(['submit', ...local(), file]);
    const code = await run.exited;
    assert.equal(code, 3, run.out() + run.err());
    const [jobId, ...lines] = run.out().split('\n');
    assert.match(jobId, /^\d+$/);
    assert.deepEqual(lines, ['first line', 'last line', '']);
    assert.equal(
      run.err().split(`job ${jobId} RUNNING on ${slurm.nodeName}`).length,
      2,
      'RUNNING shown exactly once',
    );
    assert.match(run.err(), new RegExp(`job ${jobId} FAILED, exit code 3`));
    assert.match(run.err(), /^to stderr$/m);
    // Submitted from the CLI's directory: the template's NAME-JOBID.out is there.
    const show = slurm.client('scontrol', ['show', 'job', jobId]).stdout;
    assert.match(show, new RegExp(`StdOut=${dir}/prints\\.py-${jobId}\\.out`));
    assert.match(show, new RegExp(`WorkDir=${dir}$`, 'm'));
    assert.match(readFileSync(join(dir, `prints.py-${jobId}.err`), 'utf8'), /to stderr/);
    const output = await readJobOutput(localExecutor({ env }), jobId, 10);
    assert.deepEqual(output, { path: join(dir, `prints.py-${jobId}.out`), text: 'last line\n', skipped: 11 });

    // Followed after its end (as a job that ran and ended between two polls is first seen): where
    // it ran is still shown before the end state, and its whole output is streamed.
    const late = start(['follow', '--host', 'local', jobId]);
    assert.equal(await late.exited, 3, late.err());
    assert.equal(late.out(), 'first line\nlast line\n');
    assert.match(
      late.err(),
      new RegExp(`job ${jobId} RUNNING on ${slurm.nodeName}[^]*job ${jobId} FAILED, exit code 3`),
    );
    assert.equal(late.err().split(`job ${jobId} RUNNING on`).length, 2, 'RUNNING shown exactly once');
  });

  it('a pending job shows PENDING with its reason; Ctrl+C cancels it and squeue no longer lists it', async () => {
    const file = script('never.py', 'print("must not run")\n');
    const run = await assertCtrlCCancelsPendingJob(slurm, start, local(), file);
    assert.doesNotMatch(run.out(), /must not run/);
  });

  it('--detach leaves the job queued; jobs lists it; follow re-attaches; the job runs the script as submitted, not as edited since', async () => {
    const file = script('edited.py', 'print("as submitted")\n');
    const run = start([
      'submit',
      ...local(),
      '--detach',
      '--sbatch',
      '--begin=now+600 --job-name=local-one',
      file,
    ]);
    await run.waitFor(/PENDING \(BeginTime\)/);
    const jobId = run.out().trim();
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130);
    assert.match(run.err(), new RegExp(`re-attach with: lumi-modules follow --host local ${jobId}`));
    writeFileSync(file, 'print("edited after submit")\n');

    const jobs = spawnSync(process.execPath, [cli, 'jobs', '--host', 'local'], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    assert.equal(jobs.status, 0, jobs.stderr);
    assert.match(
      jobs.stdout,
      new RegExp(`^${jobId}\\s+small-g\\s+PENDING\\s+0:00\\s+30:00\\s+\\(BeginTime\\)\\s+local-one$`, 'm'),
    );

    const follow = start(['follow', '--host', 'local', jobId]);
    await follow.waitFor(new RegExp(`job ${jobId} PENDING \\(BeginTime\\)`));
    const released = slurm.client('scontrol', ['update', `jobid=${jobId}`, 'StartTime=now']);
    assert.equal(released.status, 0, released.stderr);
    assert.equal(await follow.exited, 0, follow.err());
    assert.equal(follow.out(), 'as submitted\n');
  });

  it('--ssh-config does not apply to --host local (usage error, exit 2)', () => {
    const r = spawnSync(
      process.execPath,
      [cli, 'jobs', '--host', 'local', '--ssh-config', join(dir, 'config')],
      { encoding: 'utf8', env, timeout: 60_000 },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--ssh-config does not apply to --host local/);
  });
});
