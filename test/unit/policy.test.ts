// Configuration applied after the analysers (core/analysis/policy.ts), the project file
// (.lumi-modules.json) and the always-safe fixes (core/analysis/fixes.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, realFileSystem } from '../../core/analysis/env';
import { applyEdits, fixIsSafe, ignoreFix } from '../../core/analysis/fixes';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { finalizeFindings } from '../../core/analysis/policy';
import { ProjectConfigError, ProjectConfigFinder } from '../../core/analysis/projectConfig';
import type { Finding } from '../../core/analysis/types';

const env = makeEnv({ processEnv: {} });
const TYPO = "prepen_path('PATH', '/x')\n";
const lua = (text: string, severity = {}) =>
  finalizeFindings(analyzeModulefile(text, '/p/modules/m/1.lua', env).findings, {
    text,
    syntax: 'lua',
    severity,
  });
const codes = (fs: Finding[]) => fs.map((f) => f.code);

describe('inline suppression', () => {
  it('-- lumi-modules: ignore CODE on the line or the line above', () => {
    assert.deepEqual(codes(lua(TYPO)), ['unknown-function']);
    assert.deepEqual(codes(lua(`prepen_path('PATH', '/x') -- lumi-modules: ignore unknown-function\n`)), []);
    assert.deepEqual(codes(lua(`-- lumi-modules: ignore unknown-function\n${TYPO}`)), []);
    assert.deepEqual(
      codes(lua(`-- lumi-modules: ignore unused-local, unknown-function\n${TYPO}`)),
      ['unused-suppression'],
      'unused-local: nothing to suppress',
    );
    // Two lines above is too far: the finding stays and the suppression is reported as unused.
    assert.deepEqual(codes(lua(`-- lumi-modules: ignore unknown-function\n\n${TYPO}`)).sort(), [
      'unknown-function',
      'unused-suppression',
    ]);
  });

  it('a hint for a suppression that suppresses nothing, with a fix that removes it', () => {
    const text = `-- lumi-modules: ignore unused-local, unknown-function\n${TYPO}`;
    const unused = lua(text).filter((f) => f.code === 'unused-suppression');
    assert.equal(unused.length, 1);
    assert.equal(unused[0].severity, 'hint');
    assert.match(unused[0].message, /unused-local/);
    assert.equal(
      applyEdits(text, unused[0].fixes![0].edits),
      `-- lumi-modules: ignore unknown-function\n${TYPO}`,
    );
    const alone = `setenv('CC', 'gcc') -- lumi-modules: ignore unknown-function\n`;
    const hint = lua(alone).find((f) => f.code === 'unused-suppression')!;
    assert.equal(applyEdits(alone, hint.fixes![0].edits), `setenv('CC', 'gcc')\n`);
  });

  it('# lumi-modules: ignore CODE in shell; a Lua-style comment does not count there', () => {
    const finding: Finding = {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
      severity: 'error',
      code: 'wrapper-unquoted-args',
      message: 'm',
    };
    assert.deepEqual(
      finalizeFindings([finding], {
        text: '# lumi-modules: ignore wrapper-unquoted-args\necho $@\n',
        syntax: 'shell',
      }),
      [],
    );
    assert.equal(
      finalizeFindings([finding], {
        text: '-- lumi-modules: ignore wrapper-unquoted-args\necho $@\n',
        syntax: 'shell',
      }).length,
      1,
    );
  });
});

describe('per-code severity', () => {
  it('changes a severity or turns a code off; the unused-suppression hint is configurable too', () => {
    assert.equal(lua(TYPO, { 'unknown-function': 'error' })[0].severity, 'error');
    assert.deepEqual(lua(TYPO, { 'unknown-function': 'off' }), []);
    assert.deepEqual(
      lua(`setenv('CC', 'gcc') -- lumi-modules: ignore unknown-function\n`, { 'unused-suppression': 'off' }),
      [],
    );
  });
});

describe('.lumi-modules.json', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lumi-config-'));
    mkdirSync(join(dir, 'a/b/c'), { recursive: true });
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, '.lumi-modules.json'), JSON.stringify({ severity: { 'unused-local': 'off' } }));
    writeFileSync(
      join(dir, 'a/b/.lumi-modules.json'),
      JSON.stringify({ severity: { 'unknown-function': 'error' } }),
    );
    writeFileSync(
      join(dir, 'bad/.lumi-modules.json'),
      JSON.stringify({ severity: { 'unknown-function': 'loud' } }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the nearest file walking up applies, not merged with files further up', () => {
    const finder = new ProjectConfigFinder(realFileSystem);
    assert.deepEqual(finder.forFile(join(dir, 'a/m.lua')).severity, { 'unused-local': 'off' });
    assert.deepEqual(finder.forFile(join(dir, 'a/b/c/m.lua')).severity, { 'unknown-function': 'error' });
    assert.equal(finder.forFile(join(dir, 'a/b/c/m.lua')).file, join(dir, 'a/b/.lumi-modules.json'));
  });

  it('a malformed file is an error naming the file', () => {
    assert.throws(
      () => new ProjectConfigFinder(realFileSystem).forFile(join(dir, 'bad/m.lua')),
      (err: Error) =>
        err instanceof ProjectConfigError &&
        err.message.includes(join(dir, 'bad/.lumi-modules.json')) &&
        /loud/.test(err.message),
    );
  });
});

describe('always-safe fixes', () => {
  const wrapperFinding = (line: number, code: string): Finding => ({
    range: { start: { line, character: 5 }, end: { line, character: 7 } },
    severity: 'warning',
    code,
    message: 'm',
  });

  it('ignore on this line: a directive above, indented like the line; an existing shellcheck disable is extended', () => {
    const text = '#!/bin/bash\nif true; then\n  echo $1\nfi\n';
    assert.equal(
      applyEdits(text, ignoreFix(wrapperFinding(2, 'SC2086'), text, 'shell')!.edits),
      '#!/bin/bash\nif true; then\n  # shellcheck disable=SC2086\n  echo $1\nfi\n',
    );
    const disabled = '#!/bin/bash\n# shellcheck disable=SC2034\necho $1\n';
    assert.equal(
      applyEdits(disabled, ignoreFix(wrapperFinding(2, 'SC2086'), disabled, 'shell')!.edits),
      '#!/bin/bash\n# shellcheck disable=SC2034,SC2086\necho $1\n',
    );
    assert.equal(
      applyEdits(text, ignoreFix(wrapperFinding(2, 'wrapper-unquoted-args'), text, 'shell')!.edits),
      '#!/bin/bash\nif true; then\n  # lumi-modules: ignore wrapper-unquoted-args\n  echo $1\nfi\n',
    );
    const ignored = `-- lumi-modules: ignore unused-local\n${TYPO}`;
    assert.equal(
      applyEdits(
        ignored,
        ignoreFix(
          lua(ignored).find((f) => f.code === 'unknown-function')!,
          ignored,
          'lua',
        )!.edits,
      ),
      `-- lumi-modules: ignore unused-local, unknown-function\n${TYPO}`,
    );
    assert.equal(
      ignoreFix(wrapperFinding(0, 'SC2148'), text, 'shell'),
      undefined,
      'nothing goes above a shebang',
    );
  });

  it('an ignore fix applied and re-checked removes its finding and adds none', () => {
    const before = lua(TYPO);
    const fixed = applyEdits(TYPO, ignoreFix(before[0], TYPO, 'lua')!.edits);
    assert.ok(fixIsSafe(before[0], before, lua(fixed)));
  });

  it('a fix that adds a finding, or leaves its own, is not safe', () => {
    const a: Finding = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      severity: 'warning',
      code: 'x',
      message: 'a',
    };
    const b: Finding = { ...a, code: 'y', message: 'b' };
    assert.equal(fixIsSafe(a, [a], []), true);
    assert.equal(fixIsSafe(a, [a], [b]), false, 'adds y');
    assert.equal(fixIsSafe(a, [a, b], [a, b]), false, 'leaves its own');
    assert.equal(fixIsSafe(a, [a, a, b], [a, b]), true, 'one of two findings of the code fixed');
    assert.equal(
      fixIsSafe(a, [a, b], [{ ...b, message: 'b, now naming the wrapper' }]),
      true,
      'a message that changed is no new finding',
    );
  });
});
