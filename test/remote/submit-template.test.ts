// `submit --template` reads the template through the one bounded reader: a device or a FIFO is
// refused without being opened (no 1 GB read of /dev/zero, no hang on a FIFO nobody writes), with
// one clear line and exit 1, before anything is submitted. --host local, so no Slurm is reached.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../helpers/cli';

let dir: string;
let script: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-submit-template-'));
  script = join(dir, 'job.py');
  writeFileSync(script, 'print(1)\n');
  assert.equal(spawnSync('mkfifo', [join(dir, 'fifo')]).status, 0);
  writeFileSync(join(dir, 'huge.sh'), `#!/bin/bash\n${'#'.repeat(2 << 20)}\n`);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function submitWith(template: string) {
  return spawnSync(process.execPath, [CLI, 'submit', '--host', 'local', '--template', template, script], {
    encoding: 'utf8',
    timeout: 20_000,
    // No Slurm on PATH: if the template were accepted, sbatch would not be found (another message).
    env: { PATH: '/usr/bin:/bin', HOME: dir },
  });
}

describe('submit --template that is not a regular file', () => {
  const cases: [string, () => string, RegExp][] = [
    ['/dev/zero', () => '/dev/zero', /cannot read the job template \/dev\/zero: a character device/],
    ['a FIFO', () => join(dir, 'fifo'), /cannot read the job template \S+fifo: a FIFO/],
    ['a 2 MB file', () => join(dir, 'huge.sh'), /the job template \S+huge\.sh is larger than 256 KiB/],
  ];
  for (const [name, path, message] of cases) {
    it(`${name}: one clear line, exit 1, no hang`, () => {
      const r = submitWith(path());
      assert.equal(r.signal, null, 'killed by the timeout: a hang');
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], message);
      assert.equal(r.stdout, '');
    });
  }
});
