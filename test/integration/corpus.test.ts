// The real-world corpus: thousands of public modulefiles and wrappers (test/corpus/sources.json
// names each repository, commit and licence). test/corpus/collect.mjs copies them from git clones
// into a corpus directory, found here as $LUMI_MODULES_CORPUS, ../shared/corpus beside the clone,
// or .cache/corpus: the full corpus. Only the sources whose licences allow redistribution are
// committed, as test/corpus/redistributable.tar.xz; without a corpus directory (CI, a fresh clone)
// the suite runs on that archive, extracted into a temporary directory, and holds the checker to
// the expectation of those sources' files. The suite's name says which corpus it ran on.
//
// What it holds the checker to:
// - syntax verdicts equal Lua's own on every Lua file, fed whole as Lmod reads files (Lmod does not
//   skip a leading `#` line: it loads the text as a string);
// - every finding equals the reviewed expectation: test/corpus/expected.json (modulefiles) and
//   expected-wrappers.json (wrapper scripts), both without ShellCheck, whose findings change with
//   its version (UPDATE_CORPUS_EXPECTED=1, =lua or =wrappers rewrites them, on the redistributable corpus only
//   its sources' entries; review the diff and
//   test/corpus/REVIEW.md before committing);
// - ShellCheck, where installed, runs on every container wrapper, and `check` reports exactly what
//   ShellCheck itself reports on each file, besides our own findings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { wrapperFacts } from '../../core/analysis/wrapper/facts';
import { mayBeScript, shellOfShebang } from '../../core/analysis/wrapper/shebang';
import { CLI } from '../helpers/cli';
const repo = join(__dirname, '..', '..');

const CANDIDATES = [
  process.env.LUMI_MODULES_CORPUS,
  join(repo, '..', 'shared', 'corpus'),
  join(repo, '.cache', 'corpus'),
].filter((c): c is string => c !== undefined && c !== '');
const COLLECT = 'node test/corpus/collect.mjs --clones DIR --out .cache/corpus';

function corpusDir(): string | undefined {
  return CANDIDATES.find((c) => existsSync(join(c, 'MANIFEST.json')));
}

/** Every file under dir (links followed, as the checker and Lmod follow them). */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = statSync(p);
    return st.isDirectory() ? allFiles(p) : st.isFile() ? [p] : [];
  });
}
const luaFiles = (dir: string) => allFiles(dir).filter((f) => f.endsWith('.lua'));

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
  const r = spawnSync('lua5.3', ['-e', LUA_VERDICTS], {
    input: files.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
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

const checked = new Map<boolean, JsonFinding[]>();
/** `check --format json DIR`, with or without ShellCheck (once each per run). */
function checkCorpus(dir: string, shellcheck = false): JsonFinding[] {
  const done = checked.get(shellcheck);
  if (done) return done;
  // A fixed, minimal environment: the machine's own variables must not change what is found.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent-home', LANG: 'C.UTF-8' };
  const r = spawnSync(
    process.execPath,
    [CLI, 'check', '--format', 'json', ...(shellcheck ? [] : ['--no-shellcheck']), dir],
    { encoding: 'utf8', env, maxBuffer: 1 << 28 },
  );
  assert.ok(r.status === 0 || r.status === 1, `check exited ${r.status}: ${r.stderr}`);
  const findings = JSON.parse(r.stdout) as JsonFinding[];
  checked.set(shellcheck, findings);
  return findings;
}

const hasShellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
const isShellcheckCode = (code: string) => /^SC\d+$/.test(code);

interface Source {
  repo: string;
  redistributable: boolean;
}
interface ManifestEntry {
  file: string;
  repo: string;
  sha256: string;
  link?: string;
  licenceFile?: string;
}
const SOURCES = JSON.parse(readFileSync(join(repo, 'test', 'corpus', 'sources.json'), 'utf8')) as {
  collectorVersion: number;
  sources: Source[];
};
const ARCHIVE = 'test/corpus/redistributable.tar.xz';
/** A file's source repository (`TACC/Lmod/rt/...` -> `TACC/Lmod`): corpus paths start with it. */
const repoOf = (file: string) => file.split('/').slice(0, 2).join('/');

/**
 * The corpus this run checks: a corpus directory if there is one, else the committed archive of
 * the redistributable sources, extracted into a temporary directory (removed after the suite).
 */
function findCorpus(): { dir: string; temporary: boolean; extractError?: string } | undefined {
  const found = corpusDir();
  if (found !== undefined) return { dir: found, temporary: false };
  if (!existsSync(join(repo, ARCHIVE))) return undefined;
  const temp = mkdtempSync(join(tmpdir(), 'lumi-modules-corpus-'));
  const r = spawnSync('tar', ['-xJf', join(repo, ARCHIVE), '-C', temp], { encoding: 'utf8' });
  return {
    dir: temp,
    temporary: true,
    ...(r.status === 0
      ? {}
      : {
          extractError: `tar -xJf ${ARCHIVE} failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message} (tar needs xz-utils)`,
        }),
  };
}

const corpus = findCorpus();
const dir = corpus?.dir;
const manifest: ManifestEntry[] =
  dir !== undefined && existsSync(join(dir, 'MANIFEST.json'))
    ? (JSON.parse(readFileSync(join(dir, 'MANIFEST.json'), 'utf8')) as ManifestEntry[])
    : [];
// The sources this corpus holds; the full corpus holds every source of sources.json.
const corpusRepos = new Set(manifest.map((m) => m.repo));
const full = SOURCES.sources.every((s) => corpusRepos.has(s.repo));
const luaCount = manifest.filter((m) => m.file.endsWith('.lua')).length;
const scriptCount = manifest.length - luaCount;
const corpusName = !corpus
  ? 'none'
  : `${full ? 'full corpus' : corpus.temporary ? `redistributable subset (${ARCHIVE})` : 'partial corpus'} in ${corpus.dir}: ${luaCount} Lua files, ${scriptCount} scripts from ${corpusRepos.size} sources`;
const skipReason = `no corpus: none of ${CANDIDATES.join(', ')} holds MANIFEST.json and ${ARCHIVE} is missing; make one from git clones of test/corpus/sources.json with \`${COLLECT}\` (docs/development.md, "Real-world corpus")`;
console.log(
  dir === undefined ? `corpus test skipped: ${skipReason}` : `corpus test runs on the ${corpusName}`,
);
describe(`real-world corpus: ${corpusName}`, { skip: dir === undefined ? skipReason : false }, () => {
  before(() => initBashParser());
  after(() => {
    if (corpus?.temporary) rmSync(corpus.dir, { recursive: true, force: true });
  });

  it('is there: a corpus directory, or the committed archive extracted', () => {
    assert.equal(corpus?.extractError, undefined);
    assert.ok(manifest.length > 0, `${dir}/MANIFEST.json lists no file`);
  });

  it('was made by this version of test/corpus/collect.mjs', () => {
    const wanted = SOURCES.collectorVersion;
    const versionFile = join(dir!, 'COLLECTOR_VERSION');
    const made = existsSync(versionFile) ? Number(readFileSync(versionFile, 'utf8')) : 1;
    assert.equal(
      made,
      wanted,
      `${dir} was made by collect.mjs version ${made}, this one is ${wanted}: re-run \`node test/corpus/collect.mjs --clones DIR --out ${dir}\` into an empty directory`,
    );
  });

  if (full) {
    it('has at least 1,000 modulefiles and 100 wrappers', () => {
      assert.ok(luaCount >= 1000, `${luaCount} Lua files`);
      assert.ok(scriptCount >= 100, `${scriptCount} scripts`);
    });
  } else {
    it(`holds exactly the files its manifest lists (${luaCount} Lua files, ${scriptCount} scripts), each with its licence text`, () => {
      const problems: string[] = [];
      for (const m of manifest) {
        const p = join(dir!, m.file);
        const st = lstatSync(p, { throwIfNoEntry: false });
        if (st === undefined) problems.push(`${m.file}: missing`);
        else if (m.link !== undefined) {
          if (!st.isSymbolicLink() || readlinkSync(p) !== m.link)
            problems.push(`${m.file}: not a link to ${m.link}`);
        } else if (createHash('sha256').update(readFileSync(p)).digest('hex') !== m.sha256)
          problems.push(`${m.file}: content differs from its SHA-256`);
        if (m.licenceFile === undefined || !existsSync(join(dir!, m.licenceFile)))
          problems.push(`${m.file}: no licence text (${m.licenceFile})`);
      }
      assert.deepEqual(problems, []);
      // The Lua files the other tests check are the manifest's (links to files included).
      assert.equal(luaFiles(dir!).length, luaCount);
    });
    if (corpus?.temporary) {
      it(`${ARCHIVE} holds every redistributable source of sources.json and nothing else`, () => {
        const redistributable = SOURCES.sources
          .filter((s) => s.redistributable)
          .map((s) => s.repo)
          .sort();
        assert.deepEqual([...corpusRepos].sort(), redistributable);
      });
    }
  }

  it('reports lua-syntax exactly where Lua itself refuses the text, at its line', () => {
    const files = luaFiles(dir!);
    assert.ok(files.length > 0, `no Lua file in ${dir}`);
    const verdicts = luaVerdicts(files);
    const findings = checkCorpus(dir!);
    const syntaxLine = new Map(
      findings.filter((f) => f.code === 'lua-syntax').map((f) => [f.file, f.range.start.line + 1]),
    );
    const disagreements = files
      .filter((f) => verdicts.get(f) !== syntaxLine.get(f))
      .map(
        (f) => `${relative(dir!, f)}: Lua ${verdicts.get(f) ?? 'ok'}, checker ${syntaxLine.get(f) ?? 'ok'}`,
      );
    assert.ok(
      [...verdicts.values()].some((v) => v !== undefined),
      'the corpus holds broken files too (Lmod rt/)',
    );
    assert.deepEqual(disagreements, []);
  });

  // Two reviewed expectation files: the modulefiles' findings (expected.json) and the wrappers'
  // (expected-wrappers.json, written once the wrapper rules' review is done); each is compared
  // when present. UPDATE_CORPUS_EXPECTED=1 (or =lua / =wrappers) rewrites them.
  const expectations = [
    { name: 'expected.json', what: 'modulefiles', matches: (file: string) => file.endsWith('.lua') },
    {
      name: 'expected-wrappers.json',
      what: 'wrapper scripts',
      matches: (file: string) => !file.endsWith('.lua'),
    },
  ];
  for (const { name, what, matches } of expectations) {
    const path = join(repo, 'test', 'corpus', name);
    const update = process.env.UPDATE_CORPUS_EXPECTED;
    const updating =
      update === '1' ||
      (update === 'lua' && name === 'expected.json') ||
      (update === 'wrappers' && name !== 'expected.json');
    it(
      `finds exactly the reviewed findings of test/corpus/${name} (${what})`,
      {
        skip: !updating && !existsSync(path) && name !== 'expected.json' ? `${name} not reviewed yet` : false,
      },
      () => {
        const actual: Record<string, string[]> = {};
        for (const f of checkCorpus(dir!)) {
          const key = relative(dir!, f.file);
          if (!matches(key)) continue;
          (actual[key] ??= []).push(
            `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.code}`,
          );
        }
        if (updating) {
          // On a partial corpus only its sources' entries are rewritten: the others' reviewed
          // findings stay as they are (they are reviewed again on the full corpus).
          const kept = full
            ? {}
            : Object.fromEntries(
                Object.entries(
                  existsSync(path)
                    ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>)
                    : {},
                ).filter(([file]) => !corpusRepos.has(repoOf(file))),
              );
          const merged: Record<string, string[]> = { ...kept, ...actual };
          const sorted = Object.fromEntries(
            Object.keys(merged)
              .sort()
              .map((k) => [k, merged[k]]),
          );
          writeFileSync(path, JSON.stringify(sorted, null, 1) + '\n');
        }
        assert.ok(existsSync(path), `test/corpus/${name} is missing (UPDATE_CORPUS_EXPECTED=1 writes it)`);
        // Of a partial corpus (the redistributable subset), the expectation of its sources' files:
        // every one of them must be there and found alike, and no other file may have findings.
        const expected = Object.fromEntries(
          Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>).filter(
            ([file]) => corpusRepos.has(repoOf(file)),
          ),
        );
        assert.ok(
          full || Object.keys(expected).length > 0,
          `test/corpus/${name} expects no finding on the ${corpusName}`,
        );
        assert.deepEqual(actual, expected);
      },
    );
  }
  it(
    'ShellCheck runs on every container wrapper; check reports exactly its findings, and ours unchanged',
    { skip: hasShellcheck ? false : 'shellcheck is not installed' },
    () => {
      const withShellcheck = checkCorpus(dir!, true);
      const withoutShellcheck = checkCorpus(dir!, false);
      // Ours are the same with ShellCheck, but for wrapper-unquoted-args left to ShellCheck's same finding.
      const ours = (fs: JsonFinding[]) =>
        fs
          .filter((f) => !isShellcheckCode(f.code) && f.code !== 'wrapper-unquoted-args')
          .map((f) => `${f.file}:${f.range.start.line + 1} ${f.code}`);
      assert.deepEqual(ours(withShellcheck), ours(withoutShellcheck));
      const reported = new Map<string, string[]>();
      for (const f of withShellcheck.filter((x) => isShellcheckCode(x.code)))
        (reported.get(f.file) ?? reported.set(f.file, []).get(f.file)!).push(
          `${f.range.start.line + 1} ${f.code}`,
        );
      // The container wrappers, decided as check decides them; ShellCheck run on each alone.
      const wrappers = allFiles(dir!).filter((f) => {
        if (f.endsWith('.lua') || f.endsWith('MANIFEST.json')) return false;
        const text = readFileSync(f, 'utf8');
        return (
          mayBeScript(Buffer.from(text.slice(0, 256)), () => (statSync(f).mode & 0o111) !== 0) &&
          wrapperFacts(text).isContainerWrapper
        );
      });
      // The full corpus has 148, the redistributable subset 8 (CSC's and puhti-ml's).
      assert.ok(wrappers.length >= (full ? 50 : 5), `${wrappers.length} container wrappers`);
      // Links to one file (bin/wrap-container -> ../frontends/containerize) are checked once, under one of
      // their names.
      const byReal = new Map<string, string[]>();
      for (const f of wrappers)
        (byReal.get(realpathSync(f)) ?? byReal.set(realpathSync(f), []).get(realpathSync(f))!).push(f);
      const disagreements: string[] = [];
      for (const [real, names] of byReal) {
        const text = readFileSync(real, 'utf8');
        const r = spawnSync(
          'shellcheck',
          ['--format=json1', '--norc', '--shell', shellOfShebang(text) ?? 'bash', real],
          { encoding: 'utf8' },
        );
        assert.ok(r.status === 0 || r.status === 1, `shellcheck failed on ${real}: ${r.status} ${r.stderr}`);
        const own = (JSON.parse(r.stdout) as { comments: { line: number; code: number }[] }).comments
          .map((c) => `${c.line} SC${c.code}`)
          .sort();
        const under = names.filter((n) => reported.has(n));
        const ours = under.flatMap((n) => reported.get(n)!).sort();
        if (under.length > 1 || JSON.stringify(own) !== JSON.stringify(ours))
          disagreements.push(
            `${relative(dir!, real)}: ShellCheck ${own.join(', ')}; check ${ours.join(', ')} (under ${under.length} names)`,
          );
      }
      assert.deepEqual(disagreements, []);
      assert.ok([...reported.values()].flat().length > 0, 'ShellCheck reported something on the corpus');
    },
  );
});
