// ModuleIndex: which modules own a wrapper's directory and which of them set WITH_CONDA, kept
// right as modules are added, changed and removed (the language server re-sets a module on every
// edit; a tree check asks for the owners of every wrapper).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModuleIndex } from '../../core/analysis/project/moduleIndex';

describe('ModuleIndex', () => {
  it('answers owners and WITH_CONDA setters per directory, sorted', () => {
    const index = new ModuleIndex();
    index.set('/m/b/1.lua', { wrapperDirs: ['/p/bin'], setsWithConda: true });
    index.set('/m/a/1.lua', { wrapperDirs: ['/p/bin', '/q/bin'], setsWithConda: false });
    index.set('/m/c/1.lua', { wrapperDirs: ['/q/bin'], setsWithConda: true });
    assert.deepEqual(index.owners('/p/bin/python'), ['/m/a/1.lua', '/m/b/1.lua']);
    assert.deepEqual(index.owners('/q/bin/pip'), ['/m/a/1.lua', '/m/c/1.lua']);
    assert.deepEqual(index.owners('/elsewhere/python'), []);
    assert.deepEqual(index.modulesSettingWithConda('/p/bin/python'), ['/m/b/1.lua']);
    assert.deepEqual([...index.wrapperDirs()].sort(), ['/p/bin', '/q/bin']);
  });

  it('forgets what a changed or removed module said (answers asked before are not kept)', () => {
    const index = new ModuleIndex();
    index.set('/m/a/1.lua', { wrapperDirs: ['/p/bin'], setsWithConda: false });
    index.set('/m/b/1.lua', { wrapperDirs: ['/p/bin'], setsWithConda: false });
    assert.deepEqual(index.modulesSettingWithConda('/p/bin/python'), []);
    // A module new to the directory, after its owners were asked for.
    index.set('/m/c/1.lua', { wrapperDirs: ['/p/bin'], setsWithConda: false });
    assert.deepEqual(index.owners('/p/bin/python'), ['/m/a/1.lua', '/m/b/1.lua', '/m/c/1.lua']);
    index.delete('/m/c/1.lua');
    // The same directory, now setting WITH_CONDA.
    index.set('/m/a/1.lua', { wrapperDirs: ['/p/bin'], setsWithConda: true });
    assert.deepEqual(index.modulesSettingWithConda('/p/bin/python'), ['/m/a/1.lua']);
    // Moved to another directory: no longer an owner of the first.
    index.set('/m/a/1.lua', { wrapperDirs: ['/r/bin'], setsWithConda: true });
    assert.deepEqual(index.owners('/p/bin/python'), ['/m/b/1.lua']);
    assert.deepEqual(index.modulesSettingWithConda('/p/bin/python'), []);
    assert.deepEqual(index.owners('/r/bin/python'), ['/m/a/1.lua']);
    index.delete('/m/b/1.lua');
    index.delete('/m/never-set.lua');
    assert.deepEqual(index.owners('/p/bin/python'), []);
    assert.deepEqual([...index.wrapperDirs()], ['/r/bin']);
  });

  it('hands out copies: a caller changing an answer changes nothing inside', () => {
    const index = new ModuleIndex();
    index.set('/m/a/1.lua', { wrapperDirs: ['/p/bin'], setsWithConda: true });
    index.owners('/p/bin/x').push('/m/intruder.lua');
    index.modulesSettingWithConda('/p/bin/x').length = 0;
    assert.deepEqual(index.owners('/p/bin/x'), ['/m/a/1.lua']);
    assert.deepEqual(index.modulesSettingWithConda('/p/bin/x'), ['/m/a/1.lua']);
  });
});
