// Settings arrive from many editors in many shapes; malformed parts fall back to defaults.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SEVERITY_OVERRIDES } from '../../core/analysis/policy';
import { realFileSystem } from '../../core/analysis/env';
import { defaultSettings, envFromSettings, parseSettings, type ServerSettings } from '../../server/settings';

describe('language server settings', () => {
  it('reads the lumiModules section or the section itself', () => {
    const inner = {
      env: { PROJHOME: '/p' },
      luaVersion: '5.1',
      shellcheck: { enable: false, path: '/usr/bin/shellcheck' },
      diagnostics: { severity: { 'unused-local': 'off' } },
    };
    const expected = {
      env: { PROJHOME: '/p' },
      luaVersion: '5.1',
      shellcheck: { enable: false, path: '/usr/bin/shellcheck' },
      diagnostics: { severity: { 'unused-local': 'off' } },
    };
    const analysisPart = ({ env, luaVersion, shellcheck, diagnostics }: ServerSettings) => ({
      env,
      luaVersion,
      shellcheck,
      diagnostics,
    });
    assert.deepEqual(analysisPart(parseSettings(inner)), expected);
    assert.deepEqual(analysisPart(parseSettings({ lumiModules: inner })), expected);
  });

  it('falls back to defaults on malformed values', () => {
    assert.deepEqual(parseSettings(null), defaultSettings);
    assert.deepEqual(parseSettings('x'), defaultSettings);
    const parsed = parseSettings({
      env: { A: 1, B: 'b' },
      luaVersion: '9.9',
      shellcheck: { enable: 'yes', path: '' },
      diagnostics: { severity: { 'unused-local': 'loud', 'wrapper-no-venv': 'hint', 'not a code': 'off' } },
    });
    assert.deepEqual(parsed, {
      ...defaultSettings,
      env: { B: 'b' },
      luaVersion: '5.3',
      shellcheck: { enable: true, path: 'shellcheck' },
      diagnostics: { severity: { 'wrapper-no-venv': 'hint' } },
    });
  });

  it('expands ${workspaceFolder} and lets settings win over the process environment', () => {
    const settings = parseSettings({ env: { PROJHOME: '${workspaceFolder}/home', X: 'from-settings' } });
    const env = envFromSettings(
      settings,
      realFileSystem,
      { X: 'from-process', Y: 'y' },
      undefined,
      '/work/space',
    );
    assert.equal(env.getenv('PROJHOME'), '/work/space/home');
    assert.equal(env.getenv('X'), 'from-settings');
    assert.equal(env.getenv('Y'), 'y');
    assert.equal(env.getenv('UNSET'), undefined);
    assert.equal(env.shellcheck.enabled, false, 'no shellcheck executable found: disabled');
  });

  it("lumiModules.sitePackage (with ${workspaceFolder}) makes a SitePackage.lua's registered names known", () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-sitepkg-'));
    try {
      writeFileSync(join(dir, 'SitePackage.lua'), 'sandbox_registration{ my_fn = function() end }\n');
      const settings = parseSettings({ sitePackage: '${workspaceFolder}/SitePackage.lua' });
      assert.equal(settings.sitePackage, '${workspaceFolder}/SitePackage.lua');
      const env = envFromSettings(settings, realFileSystem, {}, undefined, dir);
      assert.deepEqual(env.siteFunctions, { names: ['my_fn'], origin: join(dir, 'SitePackage.lua') });
      assert.equal(
        envFromSettings(parseSettings({}), realFileSystem, {}, undefined, dir).siteFunctions,
        undefined,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settings and package.json agree', () => {
  it('declares lumiModules.diagnostics.severity with the severities the server accepts', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const declared = manifest.contributes.configuration.properties['lumiModules.diagnostics.severity'];
    assert.ok(declared, 'declared in contributes.configuration');
    assert.deepEqual([...declared.additionalProperties.enum].sort(), [...SEVERITY_OVERRIDES].sort());
    for (const value of declared.additionalProperties.enum) {
      assert.deepEqual(
        parseSettings({ diagnostics: { severity: { 'unused-local': value } } }).diagnostics.severity,
        { 'unused-local': value },
      );
    }
  });
});
