// `lumi-modules check --cache`: findings of unchanged files with unchanged dependencies are reused;
// any change to a file, a path it resolved, a wrapper it reads, an --env value or the
// configuration makes it checked again. The bundled CLI.
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, beforeEach, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { CLI, runCli } from '../helpers/cli';

let root: string;
const dirs: string[] = [];
const MODULE = `local root = os.getenv('PROJHOME') or '/nonexistent'
setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))
prepend_path('PATH', pathJoin(root, 'bin'))
`;
const WRAPPER = `#!/bin/bash
if [ -z "\${SING_IMAGE:-}" ]; then echo "load the module" >&2; exit 1; fi
if [ -d /.singularity.d ]; then exec python "$@"; fi
export SINGULARITYENV_VIRTUAL_ENV="\${VIRTUAL_ENV:-}"
exec singularity exec "$SING_IMAGE" python "$@"
`;

type JsonFinding = { file: string; code: string; message: string; severity: string };
// The whole project (`.`): the wrapper is found by the walk, so its facts reach the module.
function check(...extra: string[]) {
  const r = runCli(
    ['check', '--format', 'json', '--no-shellcheck', '--cache', '--env', `PROJHOME=${root}`, ...extra, '.'],
    { cwd: root },
  );
  return { ...r, findings: JSON.parse(r.stdout || '[]') as JsonFinding[] };
}
const has = (r: { findings: JsonFinding[] }, code: string, text = '') =>
  r.findings.some((f) => f.code === code && f.message.includes(text));

/** Marks every stored message, so a reused finding can be told from a recomputed one. */
function tamperCache(path = join(root, '.lumi-modules-cache')): void {
  const data = JSON.parse(readFileSync(path, 'utf8'));
  data.strings = data.strings.map((s: string) => (s.includes(' does not exist') ? `${s} [from cache]` : s));
  writeFileSync(path, JSON.stringify(data));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-cache-'));
  dirs.push(root);
  mkdirSync(join(root, 'modules/tool'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'modules/tool/1.0.lua'), MODULE);
  writeFileSync(join(root, 'bin/python'), WRAPPER);
  chmodSync(join(root, 'bin/python'), 0o755);
});
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('check --cache', () => {
  it('writes .lumi-modules-cache in the cwd; a second run reuses the findings and gives the same result', () => {
    const first = check();
    assert.equal(first.code, 1, first.stderr);
    assert.ok(has(first, 'path-not-found', 'tool.sif'), first.stdout);
    assert.ok(existsSync(join(root, '.lumi-modules-cache')));
    const second = check();
    assert.deepEqual(second.findings, first.findings);
    assert.equal(second.code, first.code);
    tamperCache();
    assert.ok(has(check(), 'path-not-found', '[from cache]'), 'the stored findings were used');
    // Without --cache nothing is reused.
    const fresh = runCli(
      ['check', '--format', 'json', '--no-shellcheck', '--env', `PROJHOME=${root}`, 'modules'],
      { cwd: root },
    );
    assert.ok(!fresh.stdout.includes('[from cache]'));
  });

  it('leaves the cache file alone when nothing changed; a change rewrites it', () => {
    const cacheFile = join(root, '.lumi-modules-cache');
    const first = check();
    const written = statSync(cacheFile);
    const again = check();
    assert.deepEqual(again.findings, first.findings);
    const after = statSync(cacheFile);
    assert.deepEqual([after.ino, after.mtimeMs], [written.ino, written.mtimeMs], 'not rewritten');
    writeFileSync(join(root, 'modules/tool/1.0.lua'), MODULE + '\n');
    check();
    const rewritten = statSync(cacheFile);
    assert.notDeepEqual(
      [rewritten.ino, rewritten.mtimeMs],
      [written.ino, written.mtimeMs],
      'rewritten after a change',
    );
  });

  it('keeps in its tables only what its entries use, and drops the entries of deleted files', () => {
    const cacheFile = join(root, '.lumi-modules-cache');
    const tables = () => {
      const data = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
        strings: string[];
        deps: unknown[];
        files: Record<string, unknown>;
      };
      return { strings: data.strings.length, deps: data.deps.length, files: Object.keys(data.files).sort() };
    };
    // Each version names another missing image: a new message and a new dependency every time.
    const version = (n: number) =>
      writeFileSync(join(root, 'modules/tool/1.0.lua'), MODULE.replace('tool.sif', `tool-${n}.sif`));
    version(1);
    assert.ok(has(check(), 'path-not-found', 'tool-1.sif'));
    const first = tables();
    let largest = first;
    for (let n = 2; n <= 40; n++) {
      version(n);
      assert.ok(has(check(), 'path-not-found', `tool-${n}.sif`));
      const now = tables();
      if (now.strings > largest.strings) largest = now;
    }
    // Compacted whenever a table grew by half (plus 64 entries): it never holds much more than what is used.
    assert.ok(
      largest.strings <= 1.5 * first.strings + 64 + 2 && largest.deps <= 1.5 * first.deps + 64 + 3 * 2,
      `at most ${largest.strings} strings, ${largest.deps} dependency slots`,
    );
    assert.ok(largest.strings > first.strings, 'it did grow in between (the changes were stored)');
    assert.equal(tables().files.length, first.files.length);
    // Another module, checked once; then only modules/tool is checked: the other entry stays while its file
    // exists.
    mkdirSync(join(root, 'modules/other'));
    writeFileSync(join(root, 'modules/other/2.0.lua'), MODULE);
    check();
    const both = tables().files;
    assert.ok(both.some((f) => f.endsWith('modules/other/2.0.lua')));
    version(7);
    runCli(
      [
        'check',
        '--format',
        'json',
        '--no-shellcheck',
        '--cache',
        '--env',
        `PROJHOME=${root}`,
        'modules/tool',
      ],
      { cwd: root },
    );
    assert.deepEqual(tables().files, both, 'entries of files not checked in this run are kept');
    rmSync(join(root, 'modules/other/2.0.lua'));
    version(8);
    runCli(
      [
        'check',
        '--format',
        'json',
        '--no-shellcheck',
        '--cache',
        '--env',
        `PROJHOME=${root}`,
        'modules/tool',
      ],
      { cwd: root },
    );
    assert.deepEqual(
      tables().files,
      both.filter((f) => !f.endsWith('modules/other/2.0.lua')),
      'a deleted file has no entry',
    );
    // The compacted cache is still right: a change to what a module names is noticed.
    writeFileSync(join(root, 'modules/tool/1.0.lua'), MODULE);
    assert.ok(has(check(), 'path-not-found', 'tool.sif'));
    mkdirSync(join(root, 'sif'));
    writeFileSync(join(root, 'sif/tool.sif'), '');
    assert.ok(!has(check(), 'path-not-found', 'tool.sif'));
  });

  it('a cache whose tables do not hold what an entry points to is not trusted for that entry', () => {
    const first = check();
    const path = join(root, '.lumi-modules-cache');
    const data = JSON.parse(readFileSync(path, 'utf8'));
    for (const table of ['findingLists', 'depSets', 'summaries']) {
      writeFileSync(path, JSON.stringify({ ...data, [table]: [] }));
      const r = check();
      assert.equal(r.code, first.code, `${table}: ${r.stderr}`);
      assert.deepEqual(r.findings, first.findings, table);
    }
  });

  it('checks again when a path the module resolved appears (the module itself unchanged)', () => {
    check();
    tamperCache();
    mkdirSync(join(root, 'sif'));
    writeFileSync(join(root, 'sif/tool.sif'), '');
    const r = check();
    assert.ok(!has(r, 'path-not-found', 'tool.sif'), r.stdout);
    assert.ok(!r.stdout.includes('[from cache]'));
  });

  it('checks again when a wrapper it reads changes, when the file changes, when an --env value changes', () => {
    check();
    tamperCache();
    writeFileSync(
      join(root, 'bin/python'),
      WRAPPER.replace('exec python "$@"', 'eval "$WITH_CONDA"; exec python "$@"'),
    );
    assert.ok(
      has(check(), 'missing-with-conda'),
      'the wrapper now uses WITH_CONDA and the module does not set it',
    );

    tamperCache();
    writeFileSync(join(root, 'modules/tool/1.0.lua'), MODULE + "setenv('WITH_CONDA', 'true')\n");
    const edited = check();
    assert.ok(!has(edited, 'missing-with-conda') && !edited.stdout.includes('[from cache]'), edited.stdout);

    tamperCache();
    const other = runCli(
      [
        'check',
        '--format',
        'json',
        '--no-shellcheck',
        '--cache',
        '--env',
        `PROJHOME=${join(root, 'elsewhere')}`,
        '.',
      ],
      { cwd: root },
    );
    assert.ok(
      other.stdout.includes(join(root, 'elsewhere', 'sif')) && !other.stdout.includes('[from cache]'),
      other.stdout,
    );
  });

  it('applies a changed .lumi-modules.json', () => {
    check();
    writeFileSync(
      join(root, '.lumi-modules.json'),
      JSON.stringify({ severity: { 'path-not-found': 'off' } }),
    );
    const r = check();
    assert.ok(!has(r, 'path-not-found'), r.stdout);
  });

  it("a wrapper's findings follow the modules that own its own directory", () => {
    // Two bin/ directories, each owned by one module; only tool's sets WITH_CONDA at first.
    mkdirSync(join(root, 'modules/other'));
    mkdirSync(join(root, 'other/bin'), { recursive: true });
    const withConda = "setenv('WITH_CONDA', 'true')\n";
    writeFileSync(join(root, 'modules/tool/1.0.lua'), MODULE + withConda);
    writeFileSync(
      join(root, 'modules/other/1.0.lua'),
      MODULE.replace("pathJoin(root, 'bin')", "pathJoin(root, 'other', 'bin')"),
    );
    writeFileSync(join(root, 'other/bin/python'), WRAPPER);
    chmodSync(join(root, 'other/bin/python'), 0o755);
    const flagged = (r: { findings: JsonFinding[] }) =>
      r.findings.filter((f) => f.code === 'wrapper-no-with-conda').map((f) => f.file.slice(root.length + 1));
    assert.deepEqual(flagged(check()), ['bin/python']);
    assert.deepEqual(flagged(check()), ['bin/python'], 'the same from the cache');
    writeFileSync(
      join(root, 'modules/other/1.0.lua'),
      MODULE.replace("pathJoin(root, 'bin')", "pathJoin(root, 'other', 'bin')") + withConda,
    );
    assert.deepEqual(flagged(check()), ['bin/python', 'other/bin/python']);
  });

  it('applies a changed .lumi-modules.json of one directory to its files only', () => {
    mkdirSync(join(root, 'modules/other'));
    writeFileSync(join(root, 'modules/other/1.0.lua'), MODULE);
    writeFileSync(
      join(root, 'modules/tool/.lumi-modules.json'),
      JSON.stringify({ severity: { 'path-not-found': 'off' } }),
    );
    const pathNotFoundIn = (r: { findings: JsonFinding[] }) => [
      ...new Set(
        r.findings.filter((f) => f.code === 'path-not-found').map((f) => f.file.slice(root.length + 1)),
      ),
    ];
    assert.deepEqual(pathNotFoundIn(check()), ['modules/other/1.0.lua']);
    rmSync(join(root, 'modules/tool/.lumi-modules.json'));
    assert.deepEqual(pathNotFoundIn(check()), ['modules/other/1.0.lua', 'modules/tool/1.0.lua']);
  });

  it('--cache-location: a file or a directory; without --cache it is a usage error; an unreadable cache is rebuilt', () => {
    const file = join(root, 'caches', 'mine.json');
    check('--cache-location', file);
    assert.ok(existsSync(file));
    mkdirSync(join(root, 'cachedir'));
    check('--cache-location', join(root, 'cachedir'));
    assert.ok(existsSync(join(root, 'cachedir', '.lumi-modules-cache')));
    assert.equal(runCli(['check', '--cache-location', file, 'modules'], { cwd: root }).code, 2);
    writeFileSync(file, 'not json');
    const r = check('--cache-location', file);
    assert.ok(has(r, 'path-not-found'));
    assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')), 'rewritten');
  });

  it('a cache that cannot be written is one line on stderr; the result stands', () => {
    const r = check('--cache-location', '/dev/full/cache');
    assert.equal(r.code, 1);
    assert.ok(has(r, 'path-not-found'));
    assert.match(r.stderr, /^lumi-modules check: cannot write the cache \/dev\/full\/cache: [a-z ]+\n$/);
  });

  it('the bundled CLI: a run where every file is unchanged loads only dist/cli.js and dist/cli-check.js', () => {
    // Which of our bundles the process loaded, written to stderr as it exits.
    const probe = join(root, 'probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache).filter((k) => k.startsWith(${JSON.stringify(join(CLI, '..'))})).map((k) => k.split('/').pop()).sort()) + '\\n'));\n`,
    );
    const run = () => {
      const r = spawnSync(
        process.execPath,
        [
          '-r',
          probe,
          CLI,
          'check',
          '--format',
          'json',
          '--no-shellcheck',
          '--cache',
          '--env',
          `PROJHOME=${root}`,
          'modules',
          'bin',
        ],
        { cwd: root, encoding: 'utf8', env: { ...process.env, PROJHOME: '' } },
      );
      assert.equal(r.status, 1, r.stderr);
      return JSON.parse(/^LOADED (.*)$/m.exec(r.stderr)![1]) as string[];
    };
    assert.deepEqual(run(), ['cli-analysers.js', 'cli-check.js', 'cli.js'], 'the first run analyses');
    assert.deepEqual(run(), ['cli-check.js', 'cli.js'], 'every finding from the cache: no analyser compiled');
  });

  it('TurboFan is off while the cache answers (after the walk), on again at the first file it cannot answer and when done', () => {
    // check.ts's calls of v8.setFlagsFromString, recorded in a fresh process running the sources,
    // with the number of lstat calls made before each (the walk makes one per file).
    const repo = join(__dirname, '..', '..');
    const probe = `const v8 = require('node:v8'); const fs = require('node:fs'); let lstats = 0; const lstat = fs.lstatSync; fs.lstatSync = (...a) => (lstats++, lstat(...a));
const calls = []; const set = v8.setFlagsFromString; v8.setFlagsFromString = (f) => { calls.push(f); if (f === '--no-turbofan') calls.push(lstats); set(f); };
const { main } = require(${JSON.stringify(join(repo, 'cli', 'main.ts'))});
const io = { stdout: { write() { return true; } }, stderr: process.stderr, stdin: process.stdin, env: { ...process.env, PROJHOME: '' }, cwd: process.cwd(), isTTY: false };
main(['check', '--format', 'json', '--no-shellcheck', '--cache', '--env', 'PROJHOME=' + process.cwd(), '.'], io).then(() => console.log(JSON.stringify(calls)));`;
    const run = () => {
      const tsx = pathToFileURL(require.resolve('tsx', { paths: [repo] })).href;
      const r = spawnSync(process.execPath, ['--import', tsx, '-e', probe], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as (string | number)[];
    };
    // --liftoff-only first, before the bash parser's WebAssembly is compiled (see checkCommand).
    const walked = (calls: (string | number)[]) => {
      const lstats = calls.find((c) => typeof c === 'number') as number;
      // Every file under the root was lstat'ed before TurboFan went off.
      assert.ok(
        lstats >= walkedFiles(root),
        `--no-turbofan after ${lstats} lstat calls, before the walk ended`,
      );
      return calls.filter((c) => typeof c === 'string');
    };
    assert.deepEqual(
      walked(run()),
      ['--liftoff-only', '--no-turbofan', '--turbofan', '--turbofan'],
      'the first run: on again at its first file',
    );
    assert.deepEqual(
      walked(run()),
      ['--liftoff-only', '--no-turbofan', '--turbofan'],
      'every file from the cache: on again only when done',
    );
  });

  it('a run where every file (module and wrapper) is unchanged loads neither parser (luaparse, web-tree-sitter)', () => {
    // The same command through the sources in a fresh process; it reports which parser packages it loaded.
    const repo = join(__dirname, '..', '..');
    const probe = `const { main } = require(${JSON.stringify(join(repo, 'cli', 'main.ts'))});
const io = { stdout: { write() { return true; } }, stderr: process.stderr, stdin: process.stdin, env: { ...process.env, PROJHOME: '' }, cwd: process.cwd(), isTTY: false };
main(['check', '--format', 'json', '--no-shellcheck', '--cache', '--env', 'PROJHOME=' + process.cwd(), '.'], io).then((code) => {
  const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\/](luaparse|web-tree-sitter)[\\/]/.test(k)).map((k) => k.includes('luaparse') ? 'luaparse' : 'web-tree-sitter');
  console.log(JSON.stringify({ code, loaded: [...new Set(loaded)].sort() }));
});`;
    const run = () => {
      const tsx = pathToFileURL(require.resolve('tsx', { paths: [repo] })).href;
      const r = spawnSync(process.execPath, ['--import', tsx, '-e', probe], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { code: number; loaded: string[] };
    };
    const first = run();
    assert.deepEqual(
      first,
      { code: 1, loaded: ['luaparse', 'web-tree-sitter'] },
      'the first run analyses both files',
    );
    assert.deepEqual(run(), { code: 1, loaded: [] }, 'every finding from the cache');
    writeFileSync(join(root, 'modules/tool/1.0.lua'), MODULE + '\n');
    assert.ok(run().loaded.includes('luaparse'), 'a changed module is analysed again');
  });
});

/** Regular files under DIR (what the walk lstats), not counting the cache file a run writes there. */
function walkedFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name !== '.lumi-modules-cache') n++;
  return n;
}
