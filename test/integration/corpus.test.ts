// The real-world corpus: thousands of public modulefiles and wrappers (test/corpus/sources.json
// names each repository, commit and licence). The files are not ours and are not committed;
// test/corpus/collect.mjs copies them from git clones into a corpus directory, found here as
// $LUMI_MODULES_CORPUS, ../shared/corpus beside the clone, or .cache/corpus. Without one the
// suite is skipped and says why.
//
// What it holds the checker to:
// - syntax verdicts equal Lua's own on every Lua file, fed whole as Lmod reads files (Lmod does not
//   skip a leading `#` line: it loads the text as a string);
// - every finding equals the reviewed expectation in test/corpus/expected.json
//   (UPDATE_CORPUS_EXPECTED=1 rewrites it; review the diff before committing it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../helpers/cli';

const repo = join(__dirname, '..', '..');
const EXPECTED = join(repo, 'test', 'corpus', 'expected.json');

function corpusDir(): string | undefined {
  const candidates = [process.env.LUMI_MODULES_CORPUS, join(repo, '..', 'shared', 'corpus'), join(repo, '.cache', 'corpus')];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(join(c, 'MANIFEST.json')));
}

function luaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = statSync(p);
    return st.isDirectory() ? luaFiles(p) : st.isFile() && name.endsWith('.lua') ? [p] : [];
  });
}

// One lua5.3 process for all files: each file's text is loaded whole (as Lmod's loadstring does).
const LUA_VERDICTS = `
for path in io.lines() do
  local f = assert(io.open(path, 'rb'))
  local text = f:read('a')
  f:close()
  local ok, err = load(text, '=f')
  io.write(path, '\\t', ok and 'ok' or (err:match('^f:(%d+):') or '?'), '\\n')
end`;

/** Lua's verdict per file: undefined when the text loads, else the 1-based line of the error. */
function luaVerdicts(files: string[]): Map<string, number | undefined> {
  const r = spawnSync('lua5.3', ['-e', LUA_VERDICTS], { input: files.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const verdicts = new Map<string, number | undefined>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [path, verdict] = line.split('\t');
    verdicts.set(path, verdict === 'ok' ? undefined : Number(verdict));
  }
  return verdicts;
}

interface JsonFinding {
  file: string;
  range: { start: { line: number; character: number } };
  severity: string;
  code: string;
  message: string;
}

function checkCorpus(dir: string): JsonFinding[] {
  // A fixed, minimal environment: the machine's own variables must not change what is found.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent-home', LANG: 'C.UTF-8' };
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--no-shellcheck', dir], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 1, `check exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonFinding[];
}

const dir = corpusDir();
describe('real-world corpus', { skip: dir === undefined ? 'no corpus directory (see test/corpus/collect.mjs)' : false }, () => {
  it('has at least 1,000 modulefiles and 100 wrappers', () => {
    const manifest = JSON.parse(readFileSync(join(dir!, 'MANIFEST.json'), 'utf8')) as { file: string }[];
    const lua = manifest.filter((m) => m.file.endsWith('.lua')).length;
    const scripts = manifest.filter((m) => !m.file.endsWith('.lua')).length;
    assert.ok(lua >= 1000, `${lua} Lua files`);
    assert.ok(scripts >= 100, `${scripts} scripts`);
  });

  it('reports lua-syntax exactly where Lua itself refuses the text, at its line', () => {
    const files = luaFiles(dir!);
    const verdicts = luaVerdicts(files);
    const findings = checkCorpus(dir!);
    const syntaxLine = new Map(findings.filter((f) => f.code === 'lua-syntax').map((f) => [f.file, f.range.start.line + 1]));
    const disagreements = files
      .filter((f) => verdicts.get(f) !== syntaxLine.get(f))
      .map((f) => `${relative(dir!, f)}: Lua ${verdicts.get(f) ?? 'ok'}, checker ${syntaxLine.get(f) ?? 'ok'}`);
    assert.ok([...verdicts.values()].some((v) => v !== undefined), 'the corpus holds broken files too (Lmod rt/)');
    assert.deepEqual(disagreements, []);
  });

  // Two reviewed expectation files: the modulefiles' findings (expected.json) and the wrappers'
  // (expected-wrappers.json, written once the wrapper rules' review is done); each is compared
  // when present. UPDATE_CORPUS_EXPECTED=1 (or =lua / =wrappers) rewrites them.
  const expectations = [
    { name: 'expected.json', what: 'modulefiles', matches: (file: string) => file.endsWith('.lua') },
    { name: 'expected-wrappers.json', what: 'wrapper scripts', matches: (file: string) => !file.endsWith('.lua') },
  ];
  for (const { name, what, matches } of expectations) {
    const path = join(repo, 'test', 'corpus', name);
    const update = process.env.UPDATE_CORPUS_EXPECTED;
    const updating = update === '1' || (update === 'lua' && name === 'expected.json') || (update === 'wrappers' && name !== 'expected.json');
    it(`finds exactly the reviewed findings of test/corpus/${name} (${what})`, { skip: !updating && !existsSync(path) && name !== 'expected.json' ? `${name} not reviewed yet` : false }, () => {
      const actual: Record<string, string[]> = {};
      for (const f of checkCorpus(dir!)) {
        const key = relative(dir!, f.file);
        if (!matches(key)) continue;
        (actual[key] ??= []).push(`${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.code}`);
      }
      if (updating) {
        const sorted = Object.fromEntries(Object.keys(actual).sort().map((k) => [k, actual[k]]));
        writeFileSync(path, JSON.stringify(sorted, null, 1) + '\n');
      }
      assert.ok(existsSync(path), `test/corpus/${name} is missing (UPDATE_CORPUS_EXPECTED=1 writes it)`);
      const expected = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>;
      assert.deepEqual(actual, expected);
    });
  }
});
