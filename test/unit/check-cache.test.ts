// CheckCache (core/analysis/project/checkCache.ts) on its own: what thousands of modules share is
// stored once and checked once per run.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeEnv, type FileSystemView } from '../../core/analysis/env';
import { CheckCache } from '../../core/analysis/project/checkCache';
import { recordingEnv, sha1 } from '../../core/analysis/project/dependencies';
import type { Finding } from '../../core/analysis/types';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A file system where /project/bin is a directory holding `python`, and every question is counted. */
function countingFs(asked: string[]): FileSystemView {
  return {
    kind: (p) => (asked.push(`kind ${p}`), p === '/project/bin' ? 'dir' : 'missing'),
    readText: (p) => (asked.push(`readText ${p}`), undefined),
    size: (p) => (asked.push(`size ${p}`), undefined),
    isExecutable: (p) => (asked.push(`isExecutable ${p}`), false),
    listDir: (p) => (asked.push(`listDir ${p}`), p === '/project/bin' ? ['python'] : undefined),
  };
}

const FINDING: Finding = {
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
  severity: 'error',
  code: 'path-not-found',
  message: '/project/sif/x.sif does not exist',
};

describe('CheckCache', () => {
  it('modules that asked the same questions share one stored set; a later run asks each question once', () => {
    const location = join(mkdtempSync(join(tmpdir(), 'lumi-check-cache-')), 'cache');
    dirs.push(join(location, '..'));
    const modules = Array.from({ length: 50 }, (_, i) => `/project/modules/tool/${i}.lua`);

    const writing = CheckCache.load(location, 'key', makeEnv({ fs: countingFs([]) }));
    for (const [i, path] of modules.entries()) {
      const recorder = recordingEnv(makeEnv({ fs: countingFs([]) }));
      recorder.env.fs.kind('/project/bin');
      recorder.env.fs.listDir('/project/bin');
      recorder.env.fs.kind('/project/sif/x.sif');
      writing.store(path, { size: 10, mtimeMs: i }, sha1(`text ${i}`), '{}', {
        findings: [FINDING],
        deps: recorder.deps,
        summary: { wrapperDirs: ['/project/bin'], setsWithConda: false },
      });
    }
    writing.save();
    const stored = JSON.parse(readFileSync(location, 'utf8'));
    assert.equal(stored.depSets.length, 1, 'one set of questions for all 50 modules');
    assert.equal(stored.findingLists.length, 1);
    assert.equal(stored.summaries.length, 1);

    const asked: string[] = [];
    const reading = CheckCache.load(location, 'key', makeEnv({ fs: countingFs(asked) }));
    for (const [i, path] of modules.entries()) {
      const hit = reading.lookup(path, { size: 10, mtimeMs: i }, '{}', () =>
        assert.fail('state unchanged: no read'),
      );
      assert.deepEqual(hit, {
        findings: [
          { range: FINDING.range, severity: 'error', code: 'path-not-found', message: FINDING.message },
        ],
        summary: { wrapperDirs: ['/project/bin'], setsWithConda: false },
      });
    }
    assert.deepEqual(
      asked,
      ['kind /project/bin', 'listDir /project/bin', 'kind /project/sif/x.sif'],
      'each question once for 50 modules',
    );
    // A changed answer fails every module that asked it.
    const changed = CheckCache.load(
      location,
      'key',
      makeEnv({ fs: { ...countingFs([]), kind: (p) => (p === '/project/sif/x.sif' ? 'file' : 'dir') } }),
    );
    assert.ok(
      modules.every(
        (path, i) => changed.lookup(path, { size: 10, mtimeMs: i }, '{}', () => undefined) === undefined,
      ),
    );
  });
});
