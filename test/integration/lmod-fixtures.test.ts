// Real Lmod is the judge: every fixture module Lmod loads without error gets no error-severity
// diagnostic (same environment for both), and the one Lmod rejects gets lua-syntax on Lmod's line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { runModuleCommands } from '../helpers/lmod';

const fixtures = join(__dirname, '..', 'fixtures');
const modulesDir = join(fixtures, 'modulefiles');

let projhome: string;
before(async () => {
  await initBashParser();
  projhome = mkdtempSync(join(tmpdir(), 'lumi-lmod-proj-'));
  for (const d of ['sif', 'bin', 'txt']) mkdirSync(join(projhome, d));
  writeFileSync(join(projhome, 'sif', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif'), '');
  writeFileSync(join(projhome, 'txt', 'load-pytorch.txt'), 'PyTorch module loaded\n');
});
after(() => rmSync(projhome, { recursive: true, force: true }));

describe('fixtures under real Lmod', () => {
  for (const [name, version] of [
    ['pytorch', '2.7'],
    ['gcc', '13.2'],
    ['singularity-AI-bindings', '24.03'],
  ]) {
    it(`${name}/${version}: Lmod loads it and the checker reports no error`, () => {
      const r = runModuleCommands(
        [
          ['use', modulesDir],
          ['load', `${name}/${version}`],
        ],
        { PROJHOME: projhome },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Lmod has detected the following error/);
      const file = join(modulesDir, name, `${version}.lua`);
      const analysis = analyzeModulefile(
        readFileSync(file, 'utf8'),
        file,
        makeEnv({ vars: { PROJHOME: projhome }, processEnv: {} }),
      );
      assert.deepEqual(
        analysis.findings.filter((f) => f.severity === 'error'),
        [],
      );
    });
  }

  it('pytorch/2.7 really sets SING_IMAGE and prints its load message', () => {
    const r = runModuleCommands(
      [
        ['use', modulesDir],
        ['load', 'pytorch/2.7'],
      ],
      { PROJHOME: projhome },
      'echo "SING_IMAGE=$SING_IMAGE"; echo "PATH=$PATH"',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`SING_IMAGE=${join(projhome, 'sif')}/lumi-pytorch-rocm`));
    assert.match(r.stdout, new RegExp(`PATH=${join(projhome, 'bin')}:`));
    assert.match(r.stderr, /PyTorch module loaded/);
  });

  it('a syntax error: Lmod fails and lua-syntax is on the line Lmod names', () => {
    const dir = join(fixtures, 'lmod-broken');
    const r = runModuleCommands([
      ['use', dir],
      ['load', 'broken/1.0'],
    ]);
    const m = /\]:(\d+):/.exec(r.stderr);
    assert.ok(m, `Lmod names a line: ${r.stderr}`);
    const file = join(dir, 'broken', '1.0.lua');
    const syntax = analyzeModulefile(
      readFileSync(file, 'utf8'),
      file,
      makeEnv({ processEnv: {} }),
    ).findings.filter((f) => f.code === 'lua-syntax');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0].range.start.line + 1, Number(m[1]));
  });
});
