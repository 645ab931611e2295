// The Lua front end against Lua 5.3's own load() (what Lmod calls on a modulefile's text): for
// every Lua file of the real-world corpus (redistributable part), the fixtures and the examples,
// for thousands of seeded token mutations of them, and for lexical corner cases (leading bytes,
// escapes, numerals, long brackets), the lua-syntax finding's line and message are Lua's own, or
// there is none when Lua accepts the text. No text makes the front end throw.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { filesUnder, LUA_MUTATION_TOKENS, mutateWithTokens } from '../helpers/mutate';
import { pick, seededRandom } from '../helpers/random';

const repo = join(__dirname, '..', '..');
const MUTATIONS = 4000;

/** Non-ASCII runs as one '?': Lua's messages hold raw bytes, ours characters. */
const comparable = (s: string) => s.replace(/[\u0080-\uffff]+/g, '?');

/** Lua 5.3's load() verdict on each text: 'ok' or "LINE: message". */
function luaVerdicts(texts: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-lua-load-'));
  try {
    texts.forEach((t, i) => writeFileSync(join(dir, `${i}.lua`), t));
    const script = join(dir, 'check.lua');
    writeFileSync(
      script,
      `for i = 0, ${texts.length - 1} do
  local f = assert(io.open(${JSON.stringify(dir)} .. "/" .. i .. ".lua", "rb"))
  local text = f:read("a"); f:close()
  local ok, err = load(text, "=text", "t")
  if ok then print("ok") else print((err:gsub("^text:", ""):gsub("\\n", "\\\\n"))) end
end
print("done")
`,
    );
    const r = spawnSync('lua5.3', [script], { encoding: 'latin1', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, `lua5.3: ${r.stderr}`);
    const lines = r.stdout.split('\n');
    assert.equal(lines[texts.length], 'done');
    return lines.slice(0, texts.length).map(comparable);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const env = makeEnv({ processEnv: {} });

/** The checker's verdict in the same form. */
function ourVerdict(text: string): string {
  const syntax = analyzeModulefile(text, '/nowhere/m.lua', env).findings.find((f) => f.code === 'lua-syntax');
  return syntax
    ? comparable(`${syntax.range.start.line + 1}: ${syntax.message.replace(/\n/g, '\\n')}`)
    : 'ok';
}

function disagreements(texts: readonly string[]): string[] {
  const lua = luaVerdicts(texts);
  const out: string[] = [];
  texts.forEach((text, i) => {
    const ours = ourVerdict(text);
    // A message past the Problems panel's 100 characters is clipped with '…' (as '?' here): the
    // same verdict is then Lua's message up to the clip.
    const clippedAgrees = ours.endsWith('?') && lua[i].startsWith(ours.slice(0, -1));
    if (ours !== lua[i] && !clippedAgrees)
      out.push(`${JSON.stringify(text.slice(0, 200))}: Lua ${lua[i]}, checker ${ours}`);
  });
  return out;
}

let corpusDir: string;
let realTexts: string[];

before(() => {
  corpusDir = mkdtempSync(join(tmpdir(), 'lumi-lua-corpus-'));
  const r = spawnSync('tar', ['-xJf', join(repo, 'test/corpus/redistributable.tar.xz'), '-C', corpusDir], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `tar: ${r.stderr}`);
  const luaOrModule = (p: string) => p.endsWith('.lua') || /\/(rt|modulefiles?|modules)\//.test(p);
  realTexts = [corpusDir, join(repo, 'test/fixtures'), join(repo, 'examples')]
    .flatMap((dir) => filesUnder(dir, luaOrModule))
    .map((path) => readFileSync(path, 'utf8'));
});

after(() => rmSync(corpusDir, { recursive: true, force: true }));

const TOKENS = [
  ...LUA_MUTATION_TOKENS,
  '0x1',
  '1e',
  '--',
  '[=[',
  '[=',
  ']=]',
  '\\',
  '#',
  '~',
  '//',
  '...',
  'return',
  'break',
  ';',
  '-',
  'not',
  '^',
  '2',
  '5.',
  '\\x4',
  '\\u{',
  '\\300',
  '\\z',
  '@',
  '$',
  '\ufeff',
  '\u00a0',
  '\u200b',
  '\x01',
  '\n',
  '"\\',
  '\\q',
];

describe('the Lua front end agrees with Lua 5.3 load()', () => {
  it('on every real Lua file (corpus, fixtures, examples)', () => {
    assert.ok(realTexts.length > 2000, `only ${realTexts.length} real files`);
    assert.deepEqual(disagreements(realTexts), []);
  });

  it(`on ${MUTATIONS} token mutations of them, line and message`, () => {
    const random = seededRandom(20261206);
    const texts: string[] = [];
    for (let i = 0; i < MUTATIONS; i++) {
      let text = pick(random, realTexts);
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) text = mutateWithTokens(text, random, TOKENS);
      texts.push(text);
    }
    const rejected = luaVerdicts(texts).filter((v) => v !== 'ok').length;
    assert.ok(rejected > MUTATIONS / 4 && rejected < MUTATIONS - MUTATIONS / 10, `${rejected} rejected`);
    const found = disagreements(texts);
    assert.deepEqual(found.slice(0, 20), [], `${found.length} disagreements`);
  });

  it('on lexical corner cases', () => {
    const cases = [
      // Leading bytes Lua cannot start a token with (issue 24), with and without a newline after.
      ...[
        '\ufeff',
        '\ufeff\n',
        '@',
        '$',
        '!',
        '\\',
        '\u00a0',
        '\u200b',
        '\x01',
        '#!/bin/lua\n',
        '#%Module\n',
      ].flatMap((lead) => [`${lead}setenv("A", "b")\n`, `${lead}\nsetenv("A", "b")\n`]),
      'if x $ then end',
      'local x @',
      'caf\u00e9 = 1',
      'x = "a\\qb"',
      'x = "a\\x4g"',
      'x = "\\u{110000}"',
      'x = "\\u{41"',
      'x = "\\u41"',
      'x = "\\300"',
      'x = "\\25a\\256"',
      'x = "a\\z  \n  b" .. \'c',
      'x = "abc\ny"',
      'x = "abc\\',
      "x = 'tab\\tstop",
      'x = [==[ open',
      'x = 1 --[==[ open\n\n',
      'x = [=',
      'x = [= [',
      't[ [=[k]=] ] = 1',
      'x = 0x',
      'x = 0x1p',
      'x = 0x.8p1 + 0x1P-2 + 0xA.',
      'x = 1e+ 2',
      'x = 3.. 4',
      'x = .5e2 .. 1',
      'x = 08 + 1.2.3',
      'x = 1a',
      'x = 1g',
      'x = 5..."a"',
      'a.b:c"x"{y}[[z]] = 1',
      'goto = 1',
      'break',
      'function f() break end x = 1',
      'while x do local function g() if y then break end end end',
      'for i = 1, 2 do break end repeat break until x',
      'x = { a b }',
      'x = ~= 1',
      'x = a // b >> c << d ~ e',
      'x = nil.y',
      'f(, x)',
      'return return',
      '\0',
      'x = "\0"',
      'x = \u{1F600}',
      'x = 1 \r\n y',
      '-- only a comment',
      '',
    ];
    assert.deepEqual(disagreements(cases), []);
  });
});
