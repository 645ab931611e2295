// The analysis never fails on any text: 10,000 seeded random mutations of real modulefiles and
// wrapper scripts, each analysed without an exception and without an `internal-error` finding
// (the analysers turn an exception inside them into that finding). Editor features at random
// offsets too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { completeModulefile } from '../../core/analysis/features/completion';
import { hoverModulefile } from '../../core/analysis/features/hover';
import { signatureModulefile } from '../../core/analysis/features/signature';
import { positionAt } from '../../core/analysis/features/luaCursor';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { analyzeWrapper } from '../../core/analysis/wrapper/analyze';
import { wrapperFacts } from '../../core/analysis/wrapper/facts';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import type { Finding } from '../../core/analysis/types';
import { filesUnder, mutate } from '../helpers/mutate';
import { pick, seededRandom } from '../helpers/random';

const repo = join(__dirname, '..', '..');
const MUTATIONS = 10_000;

const internalErrors = (findings: readonly Finding[]) =>
  findings.filter((f) => f.code === 'internal-error').map((f) => f.message);

describe('analysis fuzz', () => {
  let modulefiles: string[] = [];
  let wrappers: string[] = [];
  before(async () => {
    await initBashParser();
    const lua = (p: string) => p.endsWith('.lua');
    modulefiles = [
      ...filesUnder(join(repo, 'test/fixtures'), lua),
      ...filesUnder(join(repo, 'examples'), lua),
      ...filesUnder(join(repo, 'templates'), (p) => p.includes('modulefile')),
    ].map((p) => readFileSync(p, 'utf8'));
    const shell = (p: string) => readFileSync(p, 'utf8').startsWith('#!');
    wrappers = [
      ...filesUnder(join(repo, 'test/fixtures'), shell),
      ...filesUnder(join(repo, 'examples/bin'), shell),
      ...filesUnder(join(repo, 'templates'), shell),
    ].map((p) => readFileSync(p, 'utf8'));
  });

  it(`never throws nor reports internal-error on ${MUTATIONS} seeded mutations`, () => {
    assert.ok(modulefiles.length >= 3, `real modulefiles to mutate (found ${modulefiles.length})`);
    assert.ok(wrappers.length >= 2, `real wrappers to mutate (found ${wrappers.length})`);
    const env = makeEnv({ vars: { PROJHOME: '/nonexistent/projhome' }, processEnv: {} });
    const random = seededRandom(20261125);
    let withSyntaxError = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const isModule = i % 2 === 0;
      const base = pick(random, isModule ? modulefiles : wrappers);
      const text = mutate(base, random);
      const where = `mutation ${i} (${isModule ? 'modulefile' : 'wrapper'}):\n${text.slice(0, 300)}`;
      try {
        if (isModule) {
          const result = analyzeModulefile(text, '/nonexistent/projhome/modules/tool/1.0.lua', env);
          assert.deepEqual(internalErrors(result.findings), [], where);
          if (result.findings.some((f) => f.code === 'lua-syntax')) withSyntaxError++;
          const offset = Math.floor(random() * (text.length + 1));
          hoverModulefile(result, positionAt(text, offset));
          completeModulefile(text, offset, '/nonexistent/projhome/modules/tool/1.0.lua', env, ['PATH']);
          signatureModulefile(text, offset);
        } else {
          const result = analyzeWrapper(text, '/nonexistent/projhome/bin/python', {
            modulesSettingWithConda: ['m.lua'],
          });
          assert.deepEqual(internalErrors(result.findings), [], where);
          assert.equal(typeof wrapperFacts(text).usesWithConda, 'boolean');
        }
      } catch (err) {
        assert.fail(`${where}\nthrew: ${(err as Error).stack}`);
      }
    }
    // The mutations really produce broken input (the fuzzer is not feeding only valid files).
    assert.ok(withSyntaxError > MUTATIONS / 10, `syntax errors in ${withSyntaxError} modulefile mutations`);
  });

  it('large and deep shapes finish with the right findings (no internal-error)', () => {
    const env = makeEnv({ processEnv: {} });
    const file = '/nonexistent/projhome/modules/tool/1.0.lua';
    const wrongArguments = 'setenv("ONLY_NAME")\n';
    const codesAt = (text: string) =>
      analyzeModulefile(text, file, env).findings.map((f) => `${f.range.start.line + 1}:${f.code}`);
    const lineCount = (text: string) => text.split('\n').length;
    const shapes: Record<string, string> = {
      '5 MB modulefile': ('local v = "' + 'x'.repeat(100) + '"\nsetenv("A", v)\n').repeat(40_000),
      '100k statements': 'setenv("A", "b")\n'.repeat(100_000),
      'a.b.b... chain of 100k': 'x = a' + '.b'.repeat(100_000) + '\n',
      'a + a + ... chain of 100k': 'local y = 1' + ' + 1'.repeat(100_000) + '\nsetenv("Y", tostring(y))\n',
    };
    for (const [name, body] of Object.entries(shapes)) {
      const text = body + wrongArguments;
      const codes = codesAt(text);
      assert.deepEqual(
        codes.filter((c) => /internal-error|lua-syntax/.test(c)),
        [],
        name,
      );
      assert.ok(
        codes.includes(`${lineCount(text) - 1}:wrong-arguments`),
        `${name}: the real wrong-arguments on the last line (${codes.join(', ')})`,
      );
    }
    for (const depth of [3_000, 100_000]) {
      const codes = codesAt(wrongArguments + 'x = ' + '('.repeat(depth) + '1' + ')'.repeat(depth) + '\n');
      assert.deepEqual(codes, ['2:lua-syntax', '1:wrong-arguments'], `${depth} nested parentheses`);
    }
    const comments =
      '#!/bin/bash\n' +
      '# a comment line\n'.repeat(160_000) +
      'exec singularity exec "$SING_IMAGE" python "$@"\n';
    const wrapper = analyzeWrapper(comments, '/nonexistent/projhome/bin/python', {
      modulesSettingWithConda: [],
    });
    assert.deepEqual(internalErrors(wrapper.findings), []);
    assert.equal(wrapper.facts.isContainerWrapper, true, 'the command after 160k comment lines is seen');
  });
});
