// `check`'s text output (stylish + code frame, summary, colour only on a terminal, control
// characters escaped), "nothing found" (exit 2), the ShellCheck-missing line and "did you mean"
// for options: the bundled CLI as users run it.
/* eslint-disable no-control-regex -- the output is searched for control characters */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { colorWanted } from '../../cli/textFormat';
import { CLI, runCli } from '../helpers/cli';

let dir: string;
const ERROR_MODULE =
  "local root = '/nonexistent'\nprepend_path('PATH', pathJoin(root, 'bin'))\nsetenv('WITH_CONDA', 'true')\n";
const WARNING_MODULE = "setenv('CC', compilerName)\n";
const WRAPPER = '#!/bin/bash\nexec singularity exec "$SING_IMAGE" python $@\n';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/** No colour from the test runner's own environment. */
const PLAIN_ENV = { FORCE_COLOR: undefined, NO_COLOR: undefined };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-cli-text-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('check: text output', () => {
  it('a header per file, line:col severity message code, the source line with a caret, a summary', () => {
    const root = project({ 'modules/a/1.lua': ERROR_MODULE, 'modules/b/1.lua': WARNING_MODULE });
    const r = runCli(['check', '--no-shellcheck', 'modules'], { cwd: root, env: PLAIN_ENV });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    const a = lines.indexOf('modules/a/1.lua');
    const b = lines.indexOf('modules/b/1.lua');
    assert.ok(a >= 0 && b > a, r.stdout);
    // missing-sing-image on setenv('WITH_CONDA', ...) at 3:1, its whole call underlined.
    const at = lines.findIndex((l) => /^ {2}3:1 +error +.+ {2}missing-sing-image$/.test(l));
    assert.ok(at > a && at < b, r.stdout);
    assert.equal(lines[at + 1], "     3 | setenv('WITH_CONDA', 'true')");
    assert.equal(lines[at + 2], '       | ' + '^'.repeat("setenv('WITH_CONDA', 'true')".length));
    // undefined-variable on compilerName: the caret under that name only.
    const u = lines.findIndex((l) => /^ {2}1:14 +warning +.+ {2}undefined-variable$/.test(l));
    assert.ok(u > b, r.stdout);
    assert.equal(lines[u + 2], '       | ' + ' '.repeat(13) + '^'.repeat('compilerName'.length));
    assert.match(r.stdout, /\n\d+ problems \(1 error, 1 warning(, \d+ information)?\) in 2 files\n$/);
    assert.doesNotMatch(r.stdout, /\x1b/, 'no colour when piped');
  });

  it('colour with FORCE_COLOR, none with NO_COLOR or FORCE_COLOR=0, and on a real terminal', () => {
    const root = project({ 'modules/a/1.lua': ERROR_MODULE });
    const args = ['check', '--no-shellcheck', 'modules'];
    const forced = runCli(args, { cwd: root, env: { ...PLAIN_ENV, FORCE_COLOR: '1' } });
    assert.match(forced.stdout, /\x1b\[31merror/);
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }])
      assert.doesNotMatch(runCli(args, { cwd: root, env: { ...PLAIN_ENV, ...env } }).stdout, /\x1b/);
    assert.equal(colorWanted({}, true), true);
    assert.equal(colorWanted({ NO_COLOR: '1' }, true), false);
    assert.equal(colorWanted({ NO_COLOR: '' }, true), true, 'an empty NO_COLOR is unset (no-color.org)');
    assert.equal(colorWanted({ TERM: 'dumb' }, true), false);
    assert.equal(colorWanted({}, false), false);
    // A real pseudo-terminal (util-linux script): colour without being asked.
    if (existsSync('/usr/bin/script')) {
      const tty = spawnSync(
        '/usr/bin/script',
        ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args.join(' ')}`, '/dev/null'],
        { cwd: root, encoding: 'utf8', env: { ...process.env, ...PLAIN_ENV, TERM: 'xterm', PROJHOME: '' } },
      );
      assert.match(tty.stdout, /\x1b\[31merror/, tty.stdout + tty.stderr);
      const off = spawnSync(
        '/usr/bin/script',
        ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args.join(' ')}`, '/dev/null'],
        { cwd: root, encoding: 'utf8', env: { ...process.env, ...PLAIN_ENV, NO_COLOR: '1', PROJHOME: '' } },
      );
      assert.doesNotMatch(off.stdout, /\x1b/, 'NO_COLOR on a terminal');
    }
  });

  it('control characters in file names, values and source lines are escaped; JSON keeps them exact', () => {
    const hostile = 'x\x1b]0;pwned\x07\nmodules/fake.lua:1:1: error forged\r.lua';
    // Raw control bytes in the Lua string (Lua takes them as they are): the value has them too.
    const value = '/tmp/no-such-\x1b[2J\x1b]0;title\x07.img';
    const root = project({
      [`modules/a/${hostile}`]: `setenv('SING_IMAGE', '${value}')\nprepend_path('PATH', '/tmp/no-such-\x1b[1;1Hbin')\n`,
    });
    const r = runCli(['check', '--no-shellcheck', 'modules'], { cwd: root, env: PLAIN_ENV });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(r.stdout.length > 0, 'there are findings to show');
    assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f]/, JSON.stringify(r.stdout));
    assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('modules/fake.lua')), 'no forged line');
    assert.ok(
      r.stdout.includes('"modules/a/x\\x1b]0;pwned\\a\\nmodules/fake.lua:1:1: error forged\\r.lua"'),
      r.stdout,
    );
    assert.match(
      r.stdout,
      /^ {5}1 \| setenv\('SING_IMAGE', '\/tmp\/no-such-\\x1b\[2J/m,
      'the source line, escaped',
    );
    assert.match(r.stdout, /^ {2}\d+:\d+ .*no-such-\\x1b\[(2J|1;1H)/m, 'a value in a message, escaped');
    const json = runCli(['check', '--format', 'json', '--no-shellcheck', 'modules'], { cwd: root });
    const files = (JSON.parse(json.stdout) as { file: string }[]).map((f) => f.file);
    assert.ok(files.includes(join(root, 'modules/a', hostile)), 'JSON names the file exactly');
  });
});

describe('check: nothing to check', () => {
  it('an empty directory, or only other files: one line, exit 2', () => {
    const empty = project({});
    const readme = project({ 'README.md': '# notes\n', 'notes/x.txt': 'singularity\n' });
    for (const [root, args] of [
      [empty, ['.']],
      [readme, ['.']],
      [readme, ['README.md']],
    ] as const) {
      for (const format of ['text', 'json', 'sarif']) {
        const r = runCli(['check', '--format', format, ...args], { cwd: root });
        assert.equal(r.code, 2, `${format} ${args.join(' ')}: ${r.stdout}`);
        assert.equal(r.stderr, 'lumi-modules check: no modulefiles or wrapper scripts found\n');
        // The output stays valid for its format: nothing in text, an empty array, a run without results.
        if (format === 'text') assert.equal(r.stdout, '');
        else if (format === 'json') assert.deepEqual(JSON.parse(r.stdout), []);
        else assert.deepEqual(JSON.parse(r.stdout).runs[0].results, []);
      }
    }
    const clean = project({ 'modules/a/1.lua': "setenv('CC', 'gcc')\n" });
    const ok = runCli(['check', 'modules'], { cwd: clean });
    assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, '', ''], 'a clean module is no "nothing found"');
  });
});

describe('check: ShellCheck missing', () => {
  it('one stderr line when wrappers are checked without it; none with --no-shellcheck or no wrapper', () => {
    const root = project({ 'bin/python': WRAPPER, 'modules/a/1.lua': "setenv('CC', 'gcc')\n" });
    chmodSync(join(root, 'bin/python'), 0o755);
    const noPath = { PATH: join(root, 'no-such-dir') };
    const r = runCli(['check', '--format', 'json', '.'], { cwd: root, env: noPath });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^lumi-modules check: shellcheck not found on PATH: .*--no-shellcheck/);
    assert.ok((JSON.parse(r.stdout) as { code: string }[]).some((f) => f.code === 'wrapper-unquoted-args'));
    assert.equal(runCli(['check', '--no-shellcheck', '.'], { cwd: root, env: noPath }).stderr, '');
    assert.equal(runCli(['check', 'modules'], { cwd: root, env: noPath }).stderr, '');
  });
});

describe('options: did you mean', () => {
  it('a mistyped option names the closest one, on every command', () => {
    for (const [args, suggestion] of [
      [['check', '--frmat', 'json', '.'], '--format'],
      [['check', '--form=json', '.'], '--format'],
      [['check', '--no-shelcheck', '.'], '--no-shellcheck'],
      [['scaffold', '--nmae', 'x'], '--name'],
      [['run', '--hots', 'lumi', 'x.py'], '--host'],
      [['submit', '--tempate', 't.sh', 'x.py'], '--template'],
      [['jobs', '--hots', 'lumi'], '--host'],
      [['follow', '--hots', 'lumi', '1'], '--host'],
    ] as const) {
      const r = runCli([...args], { cwd: dir });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(
        r.stderr,
        new RegExp(`unknown option '${args[1].split('=')[0]}': did you mean ${suggestion}\\?`),
      );
    }
    const far = runCli(['check', '--zzzzzz', '.'], { cwd: dir });
    assert.equal(far.code, 2);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });
});
