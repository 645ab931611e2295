// Flow-aware nil-ness (issue 25): each class of getenv-no-fallback / undefined-variable /
// unknown-function as its smallest text, with what the checker reports (code:severity@line).
// test/integration/lmod-harness.test.ts proves the same texts' findings under real Lmod.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { NIL_FLOW_CASES } from '../helpers/nilFlowCases';

const FILE = '/nonexistent-tree/modules/tool/1.0.lua';
function found(text: string, vars: Record<string, string> = {}): string[] {
  const env = makeEnv({ vars, processEnv: { MODULEPATH: '/nonexistent-tree/modules' } });
  return analyzeModulefile(text, FILE, env)
    .findings.filter((f) => ['getenv-no-fallback', 'undefined-variable', 'unknown-function'].includes(f.code))
    .map((f) => `${f.code}:${f.severity}@${f.range.start.line + 1}`);
}

describe('flow-aware nil-ness', () => {
  for (const [name, text, expected] of NIL_FLOW_CASES)
    it(`${name}: ${JSON.stringify(text)}`, () => assert.deepEqual(found(text), expected));

  it('a dropped path that only isDir/isFile test is not reported; mkdir of it where it is missing is', () => {
    assert.deepEqual(
      found(`local ok = isFile(pathJoin(os.getenv("G"), "x"))\nsetenv("OK", tostring(ok))\n`),
      [],
    );
    // unlhcc/hcc-modules' rclone: with WORK unset, `.config` is made in the current directory.
    const mkdir =
      `local w = os.getenv("WORK")\nlocal d = pathJoin(w, ".config")\n` +
      `if not isDir(d) then lfs.mkdir(d) end\n`;
    assert.deepEqual(found(mkdir), ['getenv-no-fallback:warning@2']);
    // A new value in the same block: the old join no longer flows from the local.
    assert.deepEqual(found(`local p = pathJoin(os.getenv("G"), "a")\np = "/x"\nsetenv("P", p)\n`), []);
  });

  it('a value given with --env / lumiModules.env is set where the module loads', () => {
    const text = `setenv("B", os.getenv("PROJHOME") .. "/bin")\n`;
    assert.deepEqual(found(text), ['getenv-no-fallback:warning@1']);
    assert.deepEqual(found(text, { PROJHOME: '/p' }), []);
  });
});
