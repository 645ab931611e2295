// directoryOf answers as path.dirname does, whatever the path.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { directoryOf } from '../../core/common/paths';

describe('directoryOf', () => {
  const paths = [
    '/a/b/c.lua',
    '/x',
    '/',
    '',
    'a',
    'a/b.lua',
    '/a//b',
    '//a',
    '/a/b/',
    '/a/./b',
    '/a/../b',
    './x',
    '/proj/modules/tool1/0.lua',
    'é/ü.lua',
  ];
  for (const path of paths) {
    it(`equals path.dirname for ${JSON.stringify(path)}`, () =>
      assert.equal(directoryOf(path), dirname(path)));
  }
});
