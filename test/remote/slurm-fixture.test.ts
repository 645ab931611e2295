// The real Slurm test cluster (test/helpers/slurm.ts): reachable from the test sshd's login shell,
// runs a batch job to its exit code, and leaves no daemon behind when stopped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { waitForNoProcess } from '../helpers/cli';
import { startSlurm, startSlurmBehindSshd, type SlurmBehindSshd, type SlurmFixture } from '../helpers/slurm';
import type { SshdFixture } from '../helpers/sshd';

let pair: SlurmBehindSshd;
let slurm: SlurmFixture;
let sshd: SshdFixture;
let config: string;

before(async () => {
  pair = await startSlurmBehindSshd('lumi-slurm');
  ({ slurm, sshd, config } = pair);
});

after(() => pair?.stop());

function ssh(command: string) {
  return spawnSync(
    'ssh',
    ['-F', config, '-o', 'BatchMode=yes', 'lumi-slurm', `bash -l -c ${JSON.stringify(command)}`],
    { encoding: 'utf8', timeout: 60_000 },
  );
}

describe('slurm fixture', () => {
  it('a job submitted over ssh runs and scontrol reports its exit code', async () => {
    const submitted = ssh(`cd ${sshd.remoteHome} && sbatch --parsable --wrap 'echo hi from the job; exit 3'`);
    assert.equal(submitted.status, 0, submitted.stderr);
    const id = submitted.stdout.trim();
    assert.match(id, /^\d+$/);
    let show = '';
    for (let i = 0; i < 150; i++) {
      show = slurm.client('scontrol', ['show', 'job', id]).stdout;
      if (/JobState=(COMPLETED|FAILED)/.test(show)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(show, /JobState=FAILED/, slurm.logs());
    assert.match(show, /ExitCode=3:0/);
    const out = ssh(`cat slurm-${id}.out`);
    assert.equal(out.stdout, 'hi from the job\n');
  });

  it('stop() ends every daemon and removes the directory', async () => {
    const other = await startSlurm();
    assert.match(other.client('sinfo', ['-h', '-o', '%P %t']).stdout, /small-g\* idle/);
    await other.stop();
    assert.equal(await waitForNoProcess(other.conf, 5000), '');
    assert.equal(existsSync(other.dir), false);
  });
});
