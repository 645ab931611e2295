// An editor's document is parsed again after every edit, handing on the previous parse
// (parseTolerant's `previous`): what it reuses must never change the result. Seeded chains of
// random edits of real modulefiles, each parse with the previous one compared with a parse from
// scratch: the same syntax error, the same blanked text, the same tree, the same findings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeEnv, type LuaVersion } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { parseTolerant, type TolerantParse } from '../../core/analysis/modulefile/luaAst';
import { filesUnder, FRAGMENTS, mutate } from '../helpers/mutate';
import { pick, seededRandom } from '../helpers/random';

const repo = join(__dirname, '..', '..');
const CHAINS = 60;
const EDITS_PER_CHAIN = 12;

/** Where Lua stopped and what was parsed: everything a caller sees of a tolerant parse. */
const visible = (p: TolerantParse) => ({
  syntaxError: p.syntaxError,
  parsedText: p.parsedText,
  chunk: JSON.stringify(p.chunk),
});

/** An edit as typing makes them: a fragment or a line inserted, often after an error already there. */
function edit(text: string, random: () => number): string {
  const r = random();
  if (r < 0.4) return mutate(text, random);
  const from = r < 0.7 ? Math.floor(text.length * 0.6) : 0;
  const at = from + Math.floor(random() * (text.length - from + 1));
  const piece = random() < 0.5 ? pick(random, FRAGMENTS) : `setenv("X", "${Math.floor(random() * 100)}")\n`;
  return text.slice(0, at) + piece + text.slice(at);
}

describe('incremental tolerant parsing', () => {
  let modulefiles: string[] = [];
  before(() => {
    const lua = (p: string) => p.endsWith('.lua');
    modulefiles = [
      ...filesUnder(join(repo, 'test/fixtures'), lua),
      ...filesUnder(join(repo, 'examples'), lua),
    ].map((p) => readFileSync(p, 'utf8'));
    assert.ok(modulefiles.length >= 5, 'modulefiles to start from');
  });

  it('parses a text with gotos whole: a label removed far from the goto is its error', () => {
    const before = 'setenv("A", "1")\ngoto done\nsetenv("B", "2")\nsetenv("C", "3")\n::done::\n';
    const after = before.replace('::done::\n', '');
    const fresh = parseTolerant(after, '5.3');
    assert.match(fresh.syntaxError?.message ?? '', /done/);
    assert.deepEqual(
      visible(parseTolerant(after, '5.3', parseTolerant(before, '5.3').resumable)),
      visible(fresh),
    );
  });

  it(`gives the result of a parse from scratch over ${CHAINS} chains of ${EDITS_PER_CHAIN} seeded edits`, () => {
    const random = seededRandom(13);
    let takenOver = 0;
    let statementsKept = 0;
    let analysesWithTree = 0;
    const file = join(repo, 'examples', 'modules', 'tool', '1.0.lua');
    for (let chain = 0; chain < CHAINS; chain++) {
      const luaVersion: LuaVersion = pick(random, ['5.3', '5.3', '5.2', '5.1']);
      // Half the chains start broken in the middle (an unclosed call), as while typing.
      let text = pick(random, modulefiles);
      if (chain % 2 === 0) {
        const mid = text.indexOf('\n', text.length >> 1) + 1;
        text = text.slice(0, mid) + 'local broken = pathJoin("/a", "b"\n' + text.slice(mid);
      }
      const env = makeEnv({ processEnv: {}, luaVersion });
      let previous = parseTolerant(text, luaVersion);
      let previousAnalysis = analyzeModulefile(text, file, env, {});
      for (let step = 0; step < EDITS_PER_CHAIN; step++) {
        text = edit(text, random);
        const incremental = parseTolerant(text, luaVersion, previous.resumable);
        assert.deepEqual(
          visible(incremental),
          visible(parseTolerant(text, luaVersion)),
          `chain ${chain} edit ${step} (Lua ${luaVersion}):\n${text}`,
        );
        if (
          incremental.resumable?.blanks[0] &&
          incremental.resumable.blanks[0] === previous.resumable?.blanks[0]
        )
          takenOver++;
        if (incremental.chunk && incremental.chunk.body[0] === previous.chunk?.body[0]) statementsKept++;
        previous = incremental;
        // The analysis on a tree that shares statements with the last one (nothing may change them).
        const analysis = analyzeModulefile(text, file, env, { previous: previousAnalysis });
        const once = analyzeModulefile(text, file, env);
        assert.deepEqual(analysis.findings, once.findings, `chain ${chain} edit ${step}: findings`);
        // Only a document's analysis keeps its syntax tree (a batch check keeps none alive).
        assert.equal(once.resumableParse, undefined);
        if (analysis.resumableParse?.tree) analysesWithTree++;
        previousAnalysis = analysis;
      }
    }
    // The comparison above is only worth something if reuse happened in many of the edits.
    assert.ok(takenOver >= 50, `blanks taken over in ${takenOver} edits`);
    assert.ok(statementsKept >= 200, `statements kept in ${statementsKept} edits`);
    assert.ok(analysesWithTree >= 200, `analyses handing on a tree: ${analysesWithTree}`);
  });
});
