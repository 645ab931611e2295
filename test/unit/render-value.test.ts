// Messages show values by origin: a process-environment value as $NAME (also after pathJoin has
// collapsed its slashes), a captured text as $(cat F), a value the user gave with --env as is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEnv, type FileSystemView } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { renderValue } from '../../core/analysis/modulefile/renderValue';

const nothingExists: FileSystemView = { kind: () => 'missing', readText: () => undefined, isExecutable: () => false, listDir: () => undefined };

describe('renderValue', () => {
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
    const text = "local root = os.getenv('PROJHOME') or '/x'\nsetenv('SING_IMAGE', pathJoin(root, 'sif', 'a.sif'))\n";
    const fromProcess = analyzeModulefile(text, '/m/t/1.lua', makeEnv({ processEnv: { PROJHOME: '/secret/p/' }, fs: nothingExists }));
    const asked = analyzeModulefile(text, '/m/t/1.lua', makeEnv({ vars: { PROJHOME: '/given/p' }, fs: nothingExists }));
    const message = (a: typeof asked) => a.findings.find((f) => f.code === 'path-not-found')?.message;
    assert.equal(message(fromProcess), 'SING_IMAGE image does not exist: $PROJHOME/sif/a.sif');
    assert.equal(message(asked), 'SING_IMAGE image does not exist: /given/p/sif/a.sif');
  });
});
