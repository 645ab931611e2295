// `lumi-modules submit`, `jobs` and `follow` on bad input: usage errors exit 2 with a message and
// nothing is attempted; an unreachable host exits 255 like ssh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli';

describe('lumi-modules submit/jobs/follow usage', () => {
  it('exits 2 with a message on bad usage', () => {
    for (const [args, message] of [
      [['submit', 'x.py'], /--host is required/],
      [['submit', '--host', 'lumi'], /a SCRIPT to submit is required/],
      [['submit', '--host', 'lumi', '/nonexistent/x.py'], /is not a local file .*--remote-script/],
      [
        ['submit', '--host', 'lumi', '--sbatch', '--x="open', '--remote-script', '/x.py'],
        /--sbatch: unterminated/,
      ],
      [['submit', '--host', 'lumi', '--srun', "'", '--remote-script', '/x.py'], /--srun: unterminated/],
      [['submit', '--detach=yes', '--host', 'lumi', '/x.py'], /option '--detach' does not take an argument/i],
      [['jobs'], /--host is required/],
      [['jobs', '--host', 'lumi', 'extra'], /unexpected argument 'extra'/],
      [['follow', '--host', 'lumi'], /one JOBID is required/],
      [['follow', '--host', 'lumi', '12; rm -rf ~'], /'12; rm -rf ~' is not a Slurm job id/],
      [['follow', '12'], /--host is required/],
    ] as const) {
      const r = runCli([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('--help prints the contract', () => {
    const r = runCli(['submit', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--sbatch 'SBATCH OPTIONS'/);
    assert.match(r.stdout, /--detach/);
    assert.match(runCli(['--help']).stdout, /submit .*\n.*jobs .*\n.*follow /);
    for (const command of ['submit', 'jobs', 'follow'])
      assert.match(runCli([command, '--help']).stdout, /--host local: Slurm on this machine/, command);
  });

  it('--host local where Slurm is not installed: exit 1 saying which command is missing', () => {
    const r = runCli(['jobs', '--host', 'local'], { env: { PATH: '/nonexistent' } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^lumi-modules jobs: cannot run squeue on this machine \(is it a Slurm login node\?\)/,
    );
  });

  it('exits 255 when the host cannot be reached', () => {
    for (const args of [
      ['submit', '--host', 'no-such-host.invalid', '--remote-script', '/x.py'],
      ['jobs', '--host', 'no-such-host.invalid'],
      ['follow', '--host', 'no-such-host.invalid', '1'],
    ]) {
      const r = runCli(args);
      assert.equal(r.code, 255, r.stderr);
      assert.match(r.stderr, new RegExp(`lumi-modules ${args[0]}: .*no-such-host\\.invalid`));
    }
  });
});
