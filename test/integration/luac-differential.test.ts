// Differential test against the reference parser: for a few hundred seeded mutations of real
// modulefiles, `luac5.3 -p` (Debian lua5.3) and the checker agree on "syntax error or not" and
// on its line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { LUA_MUTATION_TOKENS as TOKENS, mutateWithTokens } from '../helpers/mutate';
import { pick, seededRandom } from '../helpers/random';

const repo = join(__dirname, '..', '..');
const CASES = 400;

function luaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? luaFiles(p) : p.endsWith('.lua') ? [p] : [];
  });
}

/** luac's verdict: undefined when the chunk compiles, else the 1-based error line. */
function luacLine(file: string): number | undefined {
  const r = spawnSync('luac5.3', ['-p', file], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const m = /:(\d+):/.exec(r.stderr.replace(file, ''));
  assert.ok(m, `luac error without a line: ${r.stderr}`);
  return Number(m[1]);
}

describe('lua-syntax agrees with luac5.3 -p', () => {
  it(`on ${CASES} mutated modulefiles`, () => {
    const sources = [
      ...luaFiles(join(repo, 'test/fixtures/modulefiles')),
      ...luaFiles(join(repo, 'examples/modules')),
    ].map((p) => readFileSync(p, 'utf8'));
    const dir = mkdtempSync(join(tmpdir(), 'lumi-luac-'));
    const env = makeEnv({ processEnv: {} });
    const random = seededRandom(53);
    const disagreements: string[] = [];
    let errors = 0;
    try {
      for (let i = 0; i < CASES; i++) {
        const text = mutateWithTokens(pick(random, sources), random, TOKENS);
        const file = join(dir, `m${i}.lua`);
        writeFileSync(file, text);
        const expected = luacLine(file);
        const syntax = analyzeModulefile(text, file, env).findings.find((f) => f.code === 'lua-syntax');
        const actual = syntax ? syntax.range.start.line + 1 : undefined;
        if (expected !== undefined) errors++;
        if (expected !== actual) {
          if (process.env.DEBUG_LUAC) console.log(text);
          disagreements.push(
            `case ${i}: luac ${expected ?? 'ok'}, checker ${actual ?? 'ok'} (${syntax?.message ?? ''})\n${text}`,
          );
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(errors > CASES / 5, `the mutations produce syntax errors (${errors})`);
    assert.deepEqual(
      disagreements.map((d) => d.split('\n')[0]),
      [],
      `${disagreements.length} disagreements`,
    );
  });

  it('reports nesting past the C-level limit of Lua as luac5.3 -p does (never clean, no stack overflow)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-luac-nest-'));
    const env = makeEnv({ processEnv: {} });
    const shapes: Record<string, (n: number) => string> = {
      parentheses: (n) => `setenv("A", "b")\nx = ${'('.repeat(n)}1${')'.repeat(n)}\n`,
      tables: (n) => `x = ${'{'.repeat(n)}1${'}'.repeat(n)}\n`,
      blocks: (n) => `${'do\n'.repeat(n)}${'end\n'.repeat(n)}`,
      functions: (n) => `${'f(function()\n'.repeat(n)}${'end)\n'.repeat(n)}`,
      concatenations: (n) => `x = ${Array(n).fill('"a"').join(' .. ')}\n`,
    };
    try {
      for (const [shape, make] of Object.entries(shapes)) {
        for (const n of [197, 199, 250, 3_000, 20_000, 100_000]) {
          const text = make(n);
          const file = join(dir, `${shape}-${n}.lua`);
          writeFileSync(file, text);
          const r = spawnSync('luac5.3', ['-p', file], { encoding: 'utf8' });
          const expected = r.status === 0 ? 'ok' : r.stderr.trim().replace(`luac5.3: ${file}:`, '');
          const syntax = analyzeModulefile(text, file, env).findings.find((f) => f.code === 'lua-syntax');
          const actual = syntax ? `${syntax.range.start.line + 1}: ${syntax.message}` : 'ok';
          assert.equal(actual, expected, `${shape} nested ${n} deep`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unexpected character as luac5.3 -p does, whatever was parsed before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-luac-symbol-'));
    const env = makeEnv({ processEnv: {} });
    try {
      for (const text of ['x = \u69d6\n', 'f(@)\n', 'x = 1 $\n', 'setenv("A", "b")\n!\n']) {
        // Something else parsed first: luaparse's lexer keeps state between parses.
        analyzeModulefile('setenv("A", 28)\n', join(dir, 'other.lua'), env);
        const file = join(dir, 'm.lua');
        writeFileSync(file, text);
        const r = spawnSync('luac5.3', ['-p', file], { encoding: 'utf8' });
        const syntax = analyzeModulefile(text, file, env).findings.find((f) => f.code === 'lua-syntax');
        assert.equal(
          syntax ? `${syntax.range.start.line + 1}: ${syntax.message}` : 'ok',
          r.stderr.trim().replace(`luac5.3: ${file}:`, ''),
          JSON.stringify(text),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees on texts luaparse accepts and Lua does not (the tree is trusted only when Lua accepts too)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-luac-lenient-'));
    const env = makeEnv({ processEnv: {} });
    const nested = (open: string, close: string, n: number) => `x = ${open.repeat(n)}1${close.repeat(n)}\n`;
    const texts: Record<string, string> = {
      'numeral touching ..': 'x = 5..."a"\n',
      'numeral touching a name': 'x = 1a = 2\n',
      'numeral touching a dot': 'local v = 2..3\n',
      'call with a leading comma': 'setenv(, "A", "b")\n',
      'a comma before a commented argument': 'f(--[[x]] , 1)\n',
      '200 assignment targets': `${Array.from({ length: 200 }, (_, i) => `a${i}`).join(', ')} = 1\n`,
      '150 assignment targets': `${Array.from({ length: 150 }, (_, i) => `a${i}`).join(', ')} = 1\n`,
      'parentheses with comments between, 199': nested('( --[[c]] ', ')', 199),
      'parentheses with line comments between, 199': nested('(--c\n', ')', 199),
      'parentheses, 140 (within the limit)': nested('(', ')', 140),
      'calls in calls, 120': nested('f(', ')', 120),
      'unary minus, 199': nested('- ', '', 199),
      'not, 120': nested('not ', '', 120),
      'tables of parenthesised values, 105': nested('{(', ')}', 105),
      'index chains, 199': nested('a[', ']', 199),
      'blocks in functions, 99': `${'function f()\n'.repeat(99)}${'end\n'.repeat(99)}`,
      'ifs, 199': `${'if x then\n'.repeat(199)}y()\n${'end\n'.repeat(199)}`,
    };
    try {
      for (const [name, text] of Object.entries(texts)) {
        const file = join(dir, 'm.lua');
        writeFileSync(file, text);
        const r = spawnSync('luac5.3', ['-p', file], { encoding: 'utf8' });
        const expected = r.status === 0 ? 'ok' : r.stderr.trim().replace(`luac5.3: ${file}:`, '');
        const syntax = analyzeModulefile(text, file, env).findings.find((f) => f.code === 'lua-syntax');
        const actual = syntax ? `${syntax.range.start.line + 1}: ${syntax.message}` : 'ok';
        assert.equal(actual, expected, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
