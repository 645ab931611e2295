// Issue 11, item 1: package.json declares workspace trust as VS Code's guide describes, and the
// settings that choose what runs are user-level (machine) or overridable per trusted folder only.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findExecutable } from '../../core/common/which';
import { chooseShellcheck } from '../../server/settings';
import { repoRoot } from '../helpers/lspClient';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const properties: Record<string, { scope?: string }> = manifest.contributes.configuration.properties;

// Settings whose value is run, chooses a program, or chooses a file that is read as commands.
const CHOOSE_WHAT_RUNS = [
  'lumiModules.shellcheck.path',
  'lumiModules.run.host',
  'lumiModules.run.sshConfigFile',
  'lumiModules.run.preamble',
  'lumiModules.run.modulePaths',
  'lumiModules.run.modules',
  'lumiModules.run.venv',
  'lumiModules.run.srun.extraOptions',
  'lumiModules.scaffold.templateDir',
  'lumiModules.submit.template',
  'lumiModules.submit.sbatchOptions',
  'lumiModules.submit.srunOptions',
];
const USER_LEVEL_ONLY = [
  'lumiModules.shellcheck.path',
  'lumiModules.run.sshConfigFile',
  'lumiModules.run.preamble',
  'lumiModules.submit.template',
];

describe('workspace trust in package.json', () => {
  it('supports untrusted workspaces in a limited way, restricting every setting that chooses what runs', () => {
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    assert.deepEqual([...trust.restrictedConfigurations].sort(), [...CHOOSE_WHAT_RUNS].sort());
    for (const key of trust.restrictedConfigurations)
      assert.ok(properties[key], `${key} is a contributed setting`);
  });

  it('gives those settings machine or machine-overridable scope; program paths, ssh config and preamble are user-level only', () => {
    for (const key of CHOOSE_WHAT_RUNS)
      assert.match(properties[key].scope ?? 'window', /^machine(-overridable)?$/, key);
    for (const key of USER_LEVEL_ONLY) assert.equal(properties[key].scope, 'machine', key);
  });
});

describe('program lookup never uses the working directory', () => {
  it('refuses relative program paths and skips relative PATH entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-which-'));
    const cwd = process.cwd();
    try {
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin', 'shellcheck'), '#!/bin/sh\n');
      chmodSync(join(dir, 'bin', 'shellcheck'), 0o755);
      process.chdir(dir);
      assert.equal(findExecutable('./bin/shellcheck', '/usr/bin'), undefined);
      assert.equal(findExecutable('bin/shellcheck', '/usr/bin'), undefined);
      assert.equal(findExecutable('shellcheck', 'bin:.:'), undefined);
      assert.equal(findExecutable('shellcheck', join(dir, 'bin')), join(dir, 'bin', 'shellcheck'));
      assert.equal(findExecutable(join(dir, 'bin', 'shellcheck'), ''), join(dir, 'bin', 'shellcheck'));
      assert.match(
        chooseShellcheck({ workspaceTrusted: true, shellcheckPath: 'bin/shellcheck' }, '/usr/bin').problem ??
          '',
        /absolute/,
      );
      assert.equal(
        chooseShellcheck(
          { workspaceTrusted: false, shellcheckPath: join(dir, 'bin', 'shellcheck') },
          join(dir, 'bin'),
        ).path,
        join(dir, 'bin', 'shellcheck'),
        'untrusted: by name on PATH',
      );
      assert.equal(
        chooseShellcheck(
          { workspaceTrusted: false, shellcheckPath: join(dir, 'bin', 'shellcheck') },
          '/nonexistent',
        ).path,
        undefined,
        'untrusted: never the configured path',
      );
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
