// Messages show values by origin: a process-environment value as $NAME (also after pathJoin has
// collapsed its slashes), a captured text as $(cat F), a value the user gave with --env as is.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { makeEnv, type FileSystemView } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { renderValue } from '../../core/analysis/modulefile/renderValue';

// Site prefixes exist (paths under absent ones are not checked); nothing below them.
const topLevel = (p: string) => /^\/[^/]+(\/[^/]+)?$/.test(p);
const nothingExists: FileSystemView = {
  kind: (p) => (topLevel(p) ? 'dir' : 'missing'),
  readText: () => undefined,
  size: () => undefined,
  isExecutable: () => false,
  listDir: () => undefined,
};

describe('renderValue', () => {
  before(() => initBashParser());
  it('replaces every form of a hidden value, longest first', () => {
    const hidden = [
      { value: '/secret/home/', shownAs: '$PROJHOME' },
      { value: '/secret', shownAs: '$BASE' },
    ];
    assert.equal(renderValue('/secret/home/sif/x.sif', hidden), '$PROJHOME/sif/x.sif');
    assert.equal(renderValue('/secret/other', hidden), '$BASE/other');
    assert.equal(renderValue('/elsewhere', hidden), '/elsewhere');
  });

  it('renders path-not-found by origin in a real analysis', () => {
    const text =
      "local root = os.getenv('PROJHOME') or '/x'\nsetenv('SING_IMAGE', pathJoin(root, 'sif', 'a.sif'))\n";
    const fromProcess = analyzeModulefile(
      text,
      '/m/t/1.lua',
      makeEnv({ processEnv: { PROJHOME: '/secret/p/' }, fs: nothingExists }),
    );
    const asked = analyzeModulefile(
      text,
      '/m/t/1.lua',
      makeEnv({ vars: { PROJHOME: '/given/p' }, fs: nothingExists }),
    );
    const message = (a: typeof asked) => a.findings.find((f) => f.code === 'path-not-found')?.message;
    assert.equal(
      message(fromProcess),
      'SING_IMAGE image does not exist on this machine: $PROJHOME/sif/a.sif',
    );
    assert.equal(message(asked), 'SING_IMAGE image does not exist on this machine: /given/p/sif/a.sif');
  });

  it('names a wrapper found through an environment value by $NAME', () => {
    const fs: FileSystemView = {
      kind: (p) =>
        p === '/secret/p/bin' || topLevel(p) ? 'dir' : p === '/secret/p/bin/python' ? 'file' : 'missing',
      readText: (p) =>
        p === '/secret/p/bin/python'
          ? '#!/bin/bash\nbash -c "$WITH_CONDA && exec python \\"\\$@\\"" -- "$@"\n'
          : undefined,
      size: (p) => (p === '/secret/p/bin/python' ? 80 : undefined),
      isExecutable: () => true,
      listDir: (p) => (p === '/secret/p/bin' ? ['python'] : undefined),
    };
    const text =
      "local root = os.getenv('PROJHOME') or '/x'\nsetenv('SING_IMAGE', pathJoin(root, 'a.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n";
    const analysis = analyzeModulefile(
      text,
      '/m/t/1.lua',
      makeEnv({ processEnv: { PROJHOME: '/secret/p' }, fs }),
    );
    const conda = analysis.findings.find((f) => f.code === 'missing-with-conda');
    assert.ok(conda, JSON.stringify(analysis.findings.map((f) => f.code)));
    assert.match(conda.message, /a wrapper on PATH applies it: \$PROJHOME\/bin\/python$/);
    assert.ok(
      !analysis.findings.some((f) => f.message.includes('/secret')),
      JSON.stringify(analysis.findings.map((f) => f.message)),
    );
  });
});
