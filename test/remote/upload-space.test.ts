// A full disk (or quota) on the remote: a tmpfs of 300 KB mounted as the remote
// ~/.cache/lumi-modules inside the real sshd's namespace (test/helpers/sshd.ts remoteTmpfs). An
// upload that does not fit is reported as "no space left (quota?) on HOST: PATH" with exit 255, its
// temporary file is removed, and a small script still uploads and runs after several such tries.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';
import { startSshd, type SshdFixture } from '../helpers/sshd';

let sshd: SshdFixture;
let dir: string;
let config: string;
let big: string;
let small: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-upload-space-'));
  mkdirSync(join(dir, 'bin'));
  symlinkSync('/usr/bin/python3', join(dir, 'bin', 'python'));
  sshd = await startSshd({ remoteTmpfs: { path: '.cache/lumi-modules', size: '300k' } });
  sshd.addRemoteProfile(`export PATH=${join(dir, 'bin')}:$PATH`);
  config = sshd.writeSshConfig('lumi-space');
  big = join(dir, 'big.py');
  writeFileSync(big, `${'# padding\n'.repeat(60_000)}print("big ran")\n`);
  small = join(dir, 'small.py');
  writeFileSync(small, 'print("small ran")\n');
});

after(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What the remote runs directory holds, as the remote sees it (the tmpfs is not visible here). */
function remoteRunsListing(): string {
  const r = spawnSync(
    'ssh',
    ['-F', config, 'lumi-space', 'ls -A ~/.cache/lumi-modules/runs 2>&1; df -k ~/.cache/lumi-modules'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('a full remote disk', () => {
  for (const command of ['run', 'submit'] as const) {
    it(`${command}: three uploads that do not fit say "no space left", leave no temporary file; a small one still runs`, () => {
      for (let i = 0; i < 3; i++) {
        const r = runCli([command, '--host', 'lumi-space', '--ssh-config', config, big]);
        assert.equal(r.code, 255, r.stdout + r.stderr);
        assert.match(
          r.stderr,
          new RegExp(
            `^lumi-modules ${command}: no space left \\(quota\\?\\) on lumi-space: ` +
              `${sshd.remoteHome}/\\.cache/lumi-modules/runs/[0-9a-f]{64}/big\\.py\\n$`,
          ),
        );
        assert.doesNotMatch(remoteRunsListing(), /\.upload-/);
      }
      if (command === 'submit') return; // no Slurm behind this sshd: the upload is what is tested
      const r = runCli(['run', '--host', 'lumi-space', '--ssh-config', config, small]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'small ran\n');
    });
  }
});
