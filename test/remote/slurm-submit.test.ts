// `lumi-modules submit`, `jobs` and `follow` against a real one-node Slurm (test/helpers/slurm.ts)
// reached through a real sshd (test/helpers/sshd.ts): the job runs the uploaded script with a
// venv's python under srun, with the bundled LUMI-G template's defaults (small-g, 1 GPU, 7 cores).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../core/remote/connection';
import { resolveHost } from '../../core/remote/sshConfig';
import { followJob, readJobOutput, submitJob } from '../../core/slurm/jobs';
import { uploadFile } from '../../core/remote/executor';
import { sshExecutor } from '../../core/remote/sshExecutor';
import {
  assertCtrlCCancelsPendingJob,
  queuedJobIds,
  startSlurmBehindSshd,
  type SlurmBehindSshd,
  type SlurmFixture,
} from '../helpers/slurm';
import type { SshdFixture } from '../helpers/sshd';
import { WEIRD_ARGS } from '../helpers/weirdArgs';

import { CLI as cli, startCli } from '../helpers/cli';

let pair: SlurmBehindSshd;
let slurm: SlurmFixture;
let sshd: SshdFixture;
let dir: string;
let config: string;
let venv: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-submit-'));
  venv = join(dir, 'venv with space');
  const made = spawnSync('python3', ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  pair = await startSlurmBehindSshd('lumi-slurm');
  ({ slurm, sshd, config } = pair);
});

after(async () => {
  await pair?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

const base = () => ['--host', 'lumi-slurm', '--ssh-config', config, '--venv', venv];

function submit(args: string[]) {
  return spawnSync(process.execPath, [cli, 'submit', ...base(), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

const start = (args: string[]) => startCli(args, { context: () => slurm.logs().slice(-3000) });

const squeueIds = () => queuedJobIds(slurm);

describe('lumi-modules submit against a real Slurm', () => {
  it('a job that prints and exits 3: its lines streamed, its states shown, exit 3', () => {
    const file = script(
      'prints.py',
      'import sys, time\ntime.sleep(3)\nprint("first line", flush=True)\nprint("to stderr", file=sys.stderr, flush=True)\nprint("last line")\nsys.exit(3)\n',
    );
    const r = submit([file]);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    const [jobId, ...lines] = r.stdout.split('\n');
    assert.match(jobId, /^\d+$/);
    assert.deepEqual(lines, ['first line', 'last line', '']);
    assert.match(r.stderr, new RegExp(`submitted batch job ${jobId}`));
    assert.match(r.stderr, new RegExp(`job ${jobId} RUNNING on ${slurm.nodeName}`));
    assert.match(r.stderr, new RegExp(`job ${jobId} FAILED, exit code 3`));
    assert.match(r.stderr, /^to stderr$/m);
    assert.match(r.stderr, /^srun: error: .*task 0: Exited with exit code 3$/m);
    // The LUMI-G template's defaults reached Slurm.
    const show = slurm.client('scontrol', ['show', 'job', jobId]).stdout;
    assert.match(show, /Partition=small-g/);
    assert.match(show, /TresPerNode=gres:gpu:1/);
    assert.match(show, /CPUs\/Task=7/);
    assert.match(show, /TimeLimit=00:30:00/);
    assert.match(show, /JobName=prints\.py/);
  });

  it('arguments with spaces, quotes, $() and newlines arrive byte for byte in the job', () => {
    const file = script('argv.py', 'import json, sys\nprint(json.dumps(sys.argv[1:]))\n');
    const marker = join(dir, 'pwned');
    const args = [...WEIRD_ARGS, `$(touch ${marker})`, `; touch ${marker}`];
    const r = submit(['--srun', "--ntasks=1 --job-name='step name'", file, ...args]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const [, json] = r.stdout.split('\n');
    assert.deepEqual(JSON.parse(json), args);
    assert.equal(spawnSync('test', ['-e', marker]).status, 1, 'an argument was run as shell code');
  });

  it('a pending job shows PENDING with its reason; Ctrl+C cancels it and squeue no longer lists it', async () => {
    const file = script('never.py', 'print("must not run")\n');
    const run = await assertCtrlCCancelsPendingJob(slurm, start, base(), file);
    assert.doesNotMatch(run.out(), /must not run/);
  });

  it('--detach: Ctrl+C leaves the job queued; jobs lists it; follow re-attaches to its output and exit code', async () => {
    const file = script(
      'later.py',
      'import sys, time\ntime.sleep(2)\nprint("ran after release")\nsys.exit(5)\n',
    );
    const run = start([
      'submit',
      ...base(),
      '--detach',
      '--sbatch',
      '--begin=now+600 --job-name=detached-one',
      file,
    ]);
    await run.waitFor(/PENDING \(BeginTime\)/);
    const jobId = run.out().trim();
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130);
    assert.match(
      run.err(),
      new RegExp(`re-attach with: lumi-modules follow --host lumi-slurm --ssh-config \\S+ ${jobId}`),
    );
    assert.ok(squeueIds().includes(jobId), `${jobId} is no longer queued`);

    const jobs = spawnSync(process.execPath, [cli, 'jobs', '--host', 'lumi-slurm', '--ssh-config', config], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(jobs.status, 0, jobs.stderr);
    assert.match(jobs.stdout, /^JOBID\s+PARTITION\s+STATE\s+TIME\s+TIME_LIMIT\s+NODES\/REASON\s+NAME$/m);
    assert.match(
      jobs.stdout,
      new RegExp(`^${jobId}\\s+small-g\\s+PENDING\\s+0:00\\s+30:00\\s+\\(BeginTime\\)\\s+detached-one$`, 'm'),
    );

    const follow = start(['follow', '--host', 'lumi-slurm', '--ssh-config', config, jobId]);
    await follow.waitFor(new RegExp(`job ${jobId} PENDING \\(BeginTime\\)`));
    const released = slurm.client('scontrol', ['update', `jobid=${jobId}`, 'StartTime=now']);
    assert.equal(released.status, 0, released.stderr);
    assert.equal(await follow.exited, 5, follow.err());
    assert.equal(follow.out(), 'ran after release\n');
    assert.match(follow.err(), new RegExp(`job ${jobId} RUNNING on ${slurm.nodeName}`));
  });

  it('the end of a finished job\'s output file is read back (the view\'s "open output")', async () => {
    const refuse = {
      confirmUnknownHost: async () => false,
      passphrase: async () => undefined,
      keyboardInteractive: async () => undefined,
    };
    const connection = await connect(await resolveHost('lumi-slurm', config), refuse);
    try {
      const transport = sshExecutor(connection);
      const remote = (await uploadFile(transport, script('out.py', 'print("x" * 10)\nprint("end")\n'))).path;
      const { jobId } = await submitJob(transport, {
        modulePaths: [],
        modules: [],
        venv,
        sbatch: [],
        srun: [],
        script: remote,
        args: [],
      });
      const ended = await followJob(transport, jobId, {
        stdout: () => undefined,
        stderr: () => undefined,
        event: () => undefined,
      });
      assert.deepEqual(ended, { outcome: 'ended', state: 'COMPLETED', exitCode: 0 });
      const output = await readJobOutput(transport, jobId, 8);
      assert.deepEqual(output, {
        path: join(sshd.remoteHome, `out.py-${jobId}.out`),
        text: 'xxx\nend\n',
        skipped: 7,
      });
    } finally {
      connection.close();
    }
  });

  it('follow of a job Slurm does not know exits 1 and says so', () => {
    const r = spawnSync(
      process.execPath,
      [cli, 'follow', '--host', 'lumi-slurm', '--ssh-config', config, '999999'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /lumi-modules follow: Slurm no longer knows job 999999 \(.*Invalid job id specified\)/,
    );
    assert.equal(r.stdout, '');
  });

  it("an invalid partition exits 1 with Slurm's own message", () => {
    const file = script('nowhere.py', 'print(1)\n');
    const r = submit(['--sbatch', '--partition=no-such-partition', file]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /sbatch: error: invalid partition specified: no-such-partition/);
    assert.equal(r.stdout, '');
  });
});
