// Where the evaluator says things are: every path, symbol and call argument points at its own
// argument (the call's record and the built-ins' effects share the ranges computed once per call).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { SourceMap } from '../../core/analysis/modulefile/source';
import type { Range } from '../../core/analysis/types';

const text = [
  'setenv("SING_IMAGE", "/missing/image.sif")',
  'prepend_path("PATH", "/missing/bin")',
  'local msg = capture("cat /missing/load.txt")',
  'local root = pathJoin("/missing", "root")',
  'depends_on("first/1.0", "second/2.0")',
  '',
].join('\n');
const source = new SourceMap(text);
/** The range of the n-th occurrence (from 0) of `needle` in the text. */
function rangeOf(needle: string, n = 0): Range {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, needle);
  return source.range(at, at + needle.length);
}

describe('evaluator ranges', () => {
  const analysis = analyzeModulefile(text, '/project/modules/x/1.0.lua', makeEnv({ processEnv: {} }));

  it('paths: the image, the PATH entry, the capture file at their argument; pathJoin at the whole call', () => {
    const byRole = (role: string) => analysis.paths.filter((p) => p.role === role).map((p) => p.range);
    assert.deepEqual(byRole('sing-image'), [rangeOf('"/missing/image.sif"')]);
    assert.deepEqual(byRole('path-dir'), [rangeOf('"/missing/bin"')]);
    assert.deepEqual(byRole('capture-file'), [rangeOf('"cat /missing/load.txt"')]);
    assert.deepEqual(byRole('other'), [rangeOf('pathJoin("/missing", "root")')]);
  });

  it('symbols: each selects its own argument', () => {
    const symbol = (name: string) => analysis.symbols.find((s) => s.name === name);
    assert.deepEqual(symbol('SING_IMAGE')?.selectionRange, rangeOf('"SING_IMAGE"'));
    assert.deepEqual(symbol('SING_IMAGE')?.range, rangeOf('setenv("SING_IMAGE", "/missing/image.sif")'));
    assert.deepEqual(symbol('PATH += /missing/bin')?.selectionRange, rangeOf('"PATH"'));
    assert.deepEqual(symbol('first/1.0')?.selectionRange, rangeOf('"first/1.0"'));
    assert.deepEqual(symbol('second/2.0')?.selectionRange, rangeOf('"second/2.0"'));
    assert.deepEqual(symbol('second/2.0')?.range, rangeOf('depends_on("first/1.0", "second/2.0")'));
    assert.deepEqual(
      symbol('load message: /missing/load.txt')?.range,
      rangeOf('capture("cat /missing/load.txt")'),
    );
  });

  it('calls: the call, its name and each argument', () => {
    const call = analysis.calls.find((c) => c.name === 'depends_on')!;
    assert.deepEqual(call.range, rangeOf('depends_on("first/1.0", "second/2.0")'));
    assert.deepEqual(call.nameRange, rangeOf('depends_on'));
    assert.deepEqual(
      call.args.map((a) => a.range),
      [rangeOf('"first/1.0"'), rangeOf('"second/2.0"')],
    );
  });
});
