// fastLuaParse.ts against luaparse and Lua itself: where the fast parser answers, its tree is
// luaparse's, node for node and range for range, and Lua 5.3's own load() accepts the text; it
// answers for every real file luaparse accepts; what it gives up on is left to luaparse and
// luaGrammar.ts (their verdicts are held to luac in test/integration/luac-differential.test.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as luaparse from 'luaparse';
import { fastParseLua } from '../../core/analysis/modulefile/fastLuaParse';
import { filesUnder, mutateWithTokens } from '../helpers/mutate';
import { pick, seededRandom } from '../helpers/random';

const repo = join(__dirname, '..', '..');

function luaparseTree(text: string): luaparse.Chunk | undefined {
  try {
    return luaparse.parse(text, { locations: false, ranges: true, luaVersion: '5.3', comments: false });
  } catch {
    return undefined;
  }
}

/** Modulefiles and other Lua of the real-world corpus (redistributable part), fixtures, examples. */
let corpusDir: string;
let realTexts: { path: string; text: string }[];

before(() => {
  corpusDir = mkdtempSync(join(tmpdir(), 'lumi-fast-parse-'));
  const r = spawnSync('tar', ['-xJf', join(repo, 'test/corpus/redistributable.tar.xz'), '-C', corpusDir], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `tar: ${r.stderr}`);
  const luaOrModule = (p: string) => p.endsWith('.lua') || /\/(rt|modulefiles?|modules)\//.test(p);
  const paths = [corpusDir, join(repo, 'test/fixtures'), join(repo, 'examples')].flatMap((dir) =>
    filesUnder(dir, luaOrModule),
  );
  realTexts = paths.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
});

after(() => rmSync(corpusDir, { recursive: true, force: true }));

/** Texts Lua 5.3's load() rejects, by index (load, not luaL_loadfile: Lmod loads modulefiles as strings). */
function rejectedByLua(texts: readonly string[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-fast-parse-lua-'));
  try {
    texts.forEach((t, i) => writeFileSync(join(dir, `${i}.lua`), t));
    const script = join(dir, 'check.lua');
    writeFileSync(
      script,
      `for i = 0, ${texts.length - 1} do
  local f = assert(io.open(${JSON.stringify(dir)} .. "/" .. i .. ".lua", "rb"))
  local text = f:read("a"); f:close()
  if not load(text, "=text", "t") then print(i) end
end
print("done")
`,
    );
    const r = spawnSync('lua5.3', [script], { encoding: 'utf8' });
    assert.equal(r.status, 0, `lua5.3: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.pop(), 'done');
    return lines.filter(Boolean).map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MUTATION_TOKENS = [
  '(',
  ')',
  'end',
  'then',
  '..',
  ',',
  '"',
  "'",
  'local',
  '=',
  '{',
  '}',
  'if',
  'do',
  '[[',
  ']]',
  'function',
  '.',
  ':',
  '0x1',
  '1e',
  '--',
  '[=[',
  '\\',
  '#',
  '~',
  '//',
  '...',
  'return',
  'break',
  'goto',
  ';',
  '-',
  'not',
  '^',
  '2',
];

describe('fastParseLua', () => {
  it("builds luaparse's tree for every real file luaparse accepts (corpus, fixtures, examples)", () => {
    let accepted = 0;
    for (const { path, text } of realTexts) {
      const expected = luaparseTree(text);
      if (!expected || text.startsWith('#')) continue;
      const fast = fastParseLua(text);
      assert.ok(fast, `the fast parser gave up on ${path}, which luaparse accepts`);
      assert.deepStrictEqual(fast, expected, path);
      accepted++;
    }
    assert.ok(accepted > 2000, `only ${accepted} real files compared`);
  });

  it('on mutated real files: the same tree where it answers, and Lua accepts every text it answers for', () => {
    const random = seededRandom(20261126);
    const lua = realTexts.filter((t) => t.path.endsWith('.lua'));
    const answered: string[] = [];
    let gaveUp = 0;
    for (let i = 0; i < 4000; i++) {
      let text = pick(random, lua).text;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--)
        text = mutateWithTokens(text, random, MUTATION_TOKENS);
      const fast = fastParseLua(text);
      if (!fast) {
        gaveUp++;
        continue;
      }
      assert.deepStrictEqual(fast, luaparseTree(text), `mutation ${i}:\n${text.slice(0, 2000)}`);
      answered.push(text);
    }
    assert.ok(answered.length > 1000 && gaveUp > 1000, `answered ${answered.length}, gave up on ${gaveUp}`);
    const rejected = rejectedByLua(answered);
    assert.deepEqual(
      rejected.map((i) => answered[i].slice(0, 300)),
      [],
      'texts the fast parser took but Lua rejects',
    );
  });

  const sameTree: Record<string, string> = {
    numerals: 'x = {0x1F, 0xA.8p1, 1e10, 3.25E-2, .5, 7., 0XffP-2, 12}',
    'long strings and comments between tokens':
      'help([==[\nline ]] still\n]==]) --[[ c ]] whatis --[=[\n]=] ( [[x]] ) -- end\n',
    escapes: 'setenv("A", "a\\tb\\\\c\\"d\\65\\x41\\z   \n  e\\\nf")',
    calls: 'a.b:c("x") f"y" g[[z]] h{1, k = 2, [3] = 4; 5,} (f)(1)(2) m:n{}',
    'precedence and associativity':
      'x = -a ^ b ^ c .. d .. e + f * g // h % i << j | k & l ~ m == not n and o or p < q ~= #r',
    'multiple targets, parenthesised prefixes': 'a, (b).c, d[1] = 1, 2\nlocal e, f = (g), ...',
    'control flow':
      'for i = 1, 10, 2 do if i then break elseif j then return end end\nfor k, v in pairs(t) do repeat local z = 1 until z end\nwhile x do break end do end',
    functions: 'local function f(a, ...) return ... end\nfunction m.n.o:p() end\nx = function() end',
    'returns and empty statements': ';;local x = 1;;; return x;',
    'only trivia': '  -- nothing\n--[[ at all ]]\n',
    empty: '',
    'CRLF line ends': 'local x = "a"\r\nsetenv("X", x)\r\n',
  };
  for (const [name, text] of Object.entries(sameTree)) {
    it(`the same tree as luaparse: ${name}`, () => {
      const expected = luaparseTree(text);
      assert.ok(expected, 'luaparse accepts the case');
      assert.deepStrictEqual(fastParseLua(text), expected);
    });
  }

  it('offsets its ranges for a text that starts inside a larger one', () => {
    const tree = fastParseLua('setenv("A", "b")', 100)!;
    assert.deepEqual((tree.body[0] as unknown as { range: number[] }).range, [100, 116]);
  });

  const givesUp: Record<string, string> = {
    'a syntax error': 'setenv("A"',
    '`f(, x)` (luaparse takes it, Lua does not)': 'f(, x)',
    '`return , x`': 'return , x',
    'a numeral read on into a name (`x = 1` then `a = 2` for luaparse)': 'x = 1a = 2',
    'a numeral read on into `..`': 'x = 5.."a"',
    'goto and labels (luaparse checks them)': 'goto done\n::done::',
    'a first line starting with #': '#!/usr/bin/env lua\nx = 1',
    'a \\u escape': 'x = "\\u{48}"',
    'break outside a loop': 'break',
    '... outside a vararg function': 'function f() return ... end',
    'an unfinished long comment': 'x = 1 --[[ open',
    "nesting near Lua's limit": 'x = ' + '('.repeat(190) + '1' + ')'.repeat(190),
    'many assignment targets near the limit':
      Array.from({ length: 190 }, (_, i) => `a${i}`).join(', ') + ' = 1',
  };
  for (const [name, text] of Object.entries(givesUp)) {
    it(`gives up on ${name}`, () => assert.equal(fastParseLua(text), undefined));
  }
});
