// shell-function-csh-args against the real programs: each csh body is loaded with real Lmod for csh
// (`lmod csh load`, which writes the alias), the alias is run in tcsh with `a "b c" d`, and a program
// prints the arguments it got. The rule must report exactly the bodies whose run does not hand the
// program [a][b c][d].
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { luaString } from '../../core/scaffold/luaString';

const LMOD = '/usr/share/lmod/lmod/libexec/lmod';
const CODE = 'shell-function-csh-args';
const RIGHT = '[a][b c][d]';

/** csh bodies and whether the rule must report them (bash decides nothing here: tcsh does). */
const BODIES = [
  'pa $*',
  'pa',
  'pa $1 $2 $3',
  'pa \\$*',
  'pa "$@"',
  'pa $@',
  'pa "$*"',
  'pa $argv',
  'pa "$argv"',
  'pa $argv[1-]',
  "pa '$*'",
  'pa ${argv}',
];

let dir: string;
before(async () => {
  await initBashParser();
  dir = mkdtempSync(join(tmpdir(), 'lumi-csh-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'modules', 't'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'pa'), '#!/bin/sh\nfor a in "$@"; do printf "[%s]" "$a"; done; echo\n');
  chmodSync(join(dir, 'bin', 'pa'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** What `f a "b c" d` hands `pa` in tcsh, with the alias real Lmod writes for BODY. */
function tcshRun(i: number, text: string): string {
  writeFileSync(join(dir, 'modules', 't', `${i}.lua`), text);
  const env = { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir, MODULEPATH: join(dir, 'modules') };
  const lmod = spawnSync(LMOD, ['csh', 'load', `t/${i}`], { encoding: 'utf8', env });
  const alias = lmod.stdout.split('\n').find((l) => l.startsWith('alias f '));
  assert.ok(alias, `Lmod wrote no alias: ${lmod.stdout} ${lmod.stderr}`);
  // Defined and used on separate lines: csh expands aliases as a line is read.
  const script = join(dir, `s${i}.csh`);
  writeFileSync(script, `set argv = (x)\n${alias}\nf a "b c" d\n`);
  const r = spawnSync('tcsh', ['-f', script], { encoding: 'utf8', env });
  return (r.stdout + r.stderr).trim();
}

describe('shell-function-csh-args: real Lmod writes the alias, tcsh runs it', () => {
  for (const [i, body] of BODIES.entries()) {
    it(`csh body ${body}`, () => {
      const text = `set_shell_function("f", ${luaString('pa "$@"')}, ${luaString(body)})\n`;
      const ran = tcshRun(i, text);
      const found = analyzeModulefile(
        text,
        join(dir, 'modules', 't', `${i}.lua`),
        makeEnv({ processEnv: {} }),
      ).findings.filter((f) => f.code === CODE);
      assert.equal(found.length, ran === RIGHT ? 0 : 1, `tcsh gave ${ran}; found: ${JSON.stringify(found)}`);
      if (found.length) assert.ok(found[0].message.length <= 100, found[0].message);
    });
  }

  it('one finding per file, at the first, naming how many', () => {
    const text =
      `set_shell_function("one", 'pa "$@"', 'pa $*')\n` +
      `set_shell_function("two", 'pa "$@"', 'pa "$@"')\n` +
      `set_shell_function("three", 'pa "$@"', 'pa $argv')\n`;
    const found = analyzeModulefile(text, join(dir, 'm.lua'), makeEnv({ processEnv: {} })).findings.filter(
      (f) => f.code === CODE,
    );
    assert.equal(found.length, 1);
    assert.equal(found[0].range.start.line, 1);
    assert.match(found[0].message, /^csh body of two \(and 1 more\): csh has no \$@/);
  });
});
