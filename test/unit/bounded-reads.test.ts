// Issue 11, item 5: a module's analysis reads only the scripts of its PATH directories (recognised
// from their first bytes), each through the bounded reader; a huge data file there is never read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, realFileSystem, type FileSystemView } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';

let dir: string;
before(async () => {
  await initBashParser();
  dir = mkdtempSync(join(tmpdir(), 'lumi-bounded-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'python'), '#!/bin/bash\nexec singularity exec "$SING_IMAGE" python "$@"\n');
  chmodSync(join(dir, 'bin', 'python'), 0o755);
  // A 2 GiB data file (sparse: no disk used) and a 2 GiB executable that is not a script.
  spawnSync('truncate', ['-s', '2G', join(dir, 'bin', 'weights.bin')]);
  writeFileSync(join(dir, 'bin', 'tool'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]));
  spawnSync('truncate', ['-s', '2G', join(dir, 'bin', 'tool')]);
  chmodSync(join(dir, 'bin', 'tool'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('reads of a PATH directory', () => {
  it('reads the scripts only, recognised from their first bytes', () => {
    const readTexts: string[] = [];
    const counting: FileSystemView = {
      ...realFileSystem,
      readText: (p) => (readTexts.push(p), realFileSystem.readText(p)),
    };
    const analysis = analyzeModulefile(
      `setenv('SING_IMAGE', '${dir}/x.sif')\nprepend_path('PATH', '${dir}/bin')\n`,
      join(dir, 'modules', 'x', '1.0.lua'),
      makeEnv({ fs: counting }),
    );
    assert.deepEqual(readTexts, [join(dir, 'bin', 'python')]);
    assert.ok(analysis.isContainerModule);
  });

  it('gives no text for a file over the limit', () => {
    assert.equal(realFileSystem.readText(join(dir, 'bin', 'weights.bin')), undefined);
    assert.equal(realFileSystem.readText('/dev/zero'), undefined);
  });
});
