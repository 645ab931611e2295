// The one check engine (core/analysis/project/checkFile.ts) at the tree check's boundary: one
// file's failure is that file's finding, and the rest of the tree is checked as usual.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, realFileSystem } from '../../core/analysis/env';
import { checkProject } from '../../core/analysis/project/checkProject';
import { runCli } from '../helpers/cli';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-engine-'));
  mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
  // A leading byte Lua cannot start a token with (issue 24: it ended the whole check).
  writeFileSync(join(root, 'modules', 'tool', '1.0.lua'), '@x = 1\n');
  writeFileSync(join(root, 'modules', 'tool', '2.0.lua'), 'local unused = 1\nsetenv("A", "b")\n');
  writeFileSync(join(root, 'modules', 'tool', '3.0.lua'), `prepend_path("PATH", "${root}/bin")\n`);
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('one file failing never ends the tree check', () => {
  it('the CLI reports the other files of a tree with a file whose front end fails', () => {
    const r = runCli(['check', '--format', 'json', '--no-shellcheck', 'modules'], { cwd: root });
    assert.notEqual(r.code, 2, r.stderr);
    assert.equal(r.stderr, '');
    const found = (JSON.parse(r.stdout) as { file: string; code: string }[]).map(
      (f) => `${f.file.slice(root.length + 1)} ${f.code}`,
    );
    assert.ok(found.includes('modules/tool/2.0.lua unused-local'), found.join('\n'));
    assert.ok(
      found.some((f) => f.startsWith('modules/tool/1.0.lua ')),
      'the failing file has a finding of its own',
    );
  });

  it('an exception inside one modulefile check is its internal-error finding; the others are checked', async () => {
    // A file system that fails for one module's question (as an I/O error would, where the view
    // does not catch it): only the module asking it is affected.
    const failing = join(root, 'bin');
    const env = makeEnv({
      processEnv: {},
      fs: {
        ...realFileSystem,
        kind: (p) => {
          if (p === failing) throw new Error('EIO: i/o error');
          return realFileSystem.kind(p);
        },
      },
    });
    const findings = await checkProject([join(root, 'modules')], root, env);
    const byFile = (name: string) =>
      findings
        .filter((f) => f.file === join(root, 'modules', 'tool', name))
        .map((f) => `${f.code}: ${f.message}`);
    assert.match(byFile('3.0.lua').join('\n'), /^internal-error: .*EIO: i\/o error$/);
    assert.deepEqual(byFile('2.0.lua'), ["unused-local: local 'unused' is never used"]);
  });
});
