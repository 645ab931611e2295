// Real Lmod (Debian's 8.6) is the judge of the severity policy: a small modulefile gets an
// error-severity finding exactly when `module load` fails on it; a .modulerc.lua is read with
// the modulerc functions; `check` exits 1 on a file Lmod refuses.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { runCli } from '../helpers/cli';
import { runModuleCommands } from '../helpers/lmod';

const CASES: [name: string, text: string][] = [
  ['typo', `prepen_path("PATH", "/tmp")\n`],
  ['lua-error', `error("stop")\n`],
  ['lmod-error-typo', `LModError("stop")\n`],
  ['setenv-one', `setenv("A")\n`],
  ['complete-short', `complete("bash")\n`],
  ['prepend-table-form', `prepend_path{"PATH", "/tmp", priority=10}\n`],
  ['method', `local m = {}\nfunction m.go(x) return x end\nsetenv("A", m.go("b"))\n`],
  ['whatis-two', `whatis("a", "b")\n`],
  ['unset-getenv-fallback', `setenv("A", os.getenv("LUMI_TEST_UNSET") or "/tmp")\n`],
  [
    'sandbox',
    `local t = loaded_modules()\nif userInGroup("nogroup") then LmodMessage("x") end\nsetenv("N", tostring(#t) .. string.upper("a"))\n`,
  ],
];

// Lmod 8.7.58 and later accept setenv's table form (l_validateArgsWithValue takes a table); the
// checker follows LUMI's 8.7, Debian's 8.6 refuses it: the difference itself is pinned here.
const ACCEPTED_SINCE_8_7_58: [name: string, text: string][] = [
  ['table-form', `setenv{"A", "b"}\n`],
  ['table-var', `local t = {"A", "b"}\nsetenv(t)\n`],
];

let tree: string;
before(() => {
  tree = mkdtempSync(join(tmpdir(), 'lumi-verdicts-'));
  for (const [name, text] of [...CASES, ...ACCEPTED_SINCE_8_7_58]) {
    mkdirSync(join(tree, 'modules', name), { recursive: true });
    writeFileSync(join(tree, 'modules', name, '1.0.lua'), text);
  }
  mkdirSync(join(tree, 'modules', 'tool'), { recursive: true });
  writeFileSync(join(tree, 'modules', 'tool', '1.0.lua'), 'setenv("TOOL", "1.0")\n');
  writeFileSync(join(tree, 'modules', 'tool', '2.0.lua'), 'setenv("TOOL", "2.0")\n');
  writeFileSync(
    join(tree, 'modules', 'tool', '.modulerc.lua'),
    'module_version("tool/1.0", "default")\nhide_version("tool/2.0")\n',
  );
});
after(() => rmSync(tree, { recursive: true, force: true }));

describe('severity policy against real Lmod', () => {
  for (const [name, text] of CASES) {
    it(`${name}: an error finding exactly when Lmod refuses to load it`, () => {
      const r = runModuleCommands(
        [
          ['use', join(tree, 'modules')],
          ['load', `${name}/1.0`],
        ],
        {},
        'echo "A=${A-}"',
      );
      const lmodRefuses = r.status !== 0 || /error|nil value/i.test(r.stderr);
      const findings = analyzeModulefile(
        text,
        join(tree, 'modules', name, '1.0.lua'),
        makeEnv({ processEnv: {} }),
      ).findings;
      const errors = findings.filter((f) => f.severity === 'error');
      assert.equal(
        errors.length > 0,
        lmodRefuses,
        `Lmod status ${r.status}, stderr: ${r.stderr}\nfindings: ${JSON.stringify(findings.map((f) => f.code))}`,
      );
    });
  }

  for (const [name, text] of ACCEPTED_SINCE_8_7_58) {
    it(`${name}: no error (Lmod 8.7.58+ accepts it; Debian's 8.6 refuses, "arguments are not strings")`, () => {
      const r = runModuleCommands([
        ['use', join(tree, 'modules')],
        ['load', `${name}/1.0`],
      ]);
      assert.match(r.stderr, /one or more arguments are not strings/);
      const findings = analyzeModulefile(
        text,
        join(tree, 'modules', name, '1.0.lua'),
        makeEnv({ processEnv: {} }),
      ).findings;
      assert.deepEqual(
        findings.filter((f) => f.severity === 'error'),
        [],
      );
    });
  }

  it('a .modulerc.lua is checked with the modulerc functions, which Lmod applies', () => {
    const r = runModuleCommands(
      [
        ['use', join(tree, 'modules')],
        ['load', 'tool'],
      ],
      {},
      'echo "TOOL=$TOOL"',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /TOOL=1\.0/, 'module_version made 1.0 the default');
    // Tcl-format .modulerc and .version beside it are Lmod's too, and left alone by check.
    writeFileSync(join(tree, 'modules', 'tool', '.modulerc'), '#%Module\nmodule-version tool/1.0 stable\n');
    writeFileSync(join(tree, 'modules', 'tool', '.version'), '#%Module\nset ModulesVersion "1.0"\n');
    const rc = runCli(['check', '--format', 'json', '--no-shellcheck', join(tree, 'modules', 'tool')]);
    assert.equal(rc.code, 0, rc.stdout + rc.stderr);
    assert.deepEqual(JSON.parse(rc.stdout), []);
  });

  it('check exits 1 on the typo Lmod refuses; --site-package makes a site function known', () => {
    const typo = runCli(['check', '--format', 'json', '--no-shellcheck', join(tree, 'modules', 'typo')]);
    assert.equal(typo.code, 1, typo.stdout);
    const site = join(tree, 'site');
    mkdirSync(join(site, 'modules', 'x'), { recursive: true });
    writeFileSync(
      join(site, 'SitePackage.lua'),
      'local function my_site_fn() end\nsandbox_registration{ my_site_fn = my_site_fn }\n',
    );
    writeFileSync(join(site, 'modules', 'x', '1.0.lua'), 'my_site_fn()\n');
    const without = runCli(['check', '--format', 'json', '--no-shellcheck', join(site, 'modules')]);
    assert.equal(without.code, 1, without.stdout);
    const withFlag = runCli([
      'check',
      '--format',
      'json',
      '--no-shellcheck',
      '--site-package',
      join(site, 'SitePackage.lua'),
      join(site, 'modules'),
    ]);
    assert.equal(withFlag.code, 0, withFlag.stdout + withFlag.stderr);
    const viaEnv = runCli(['check', '--format', 'json', '--no-shellcheck', join(site, 'modules')], {
      env: { LMOD_PACKAGE_PATH: site },
    });
    assert.equal(viaEnv.code, 0, viaEnv.stdout + viaEnv.stderr);
    const missing = runCli(['check', '--site-package', join(site, 'nope.lua'), join(site, 'modules')]);
    assert.equal(missing.code, 2, 'a missing --site-package file is a usage error');
  });
});
