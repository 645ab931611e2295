// The shell-function convention (singularity-hpc and Biocontainers): set_shell_function's bash body
// parsed as bash; a bare $@ is reported, a quoted "$@" is not. The split itself is run in bash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { shellBody } from '../../core/analysis/rules/modulefile/shellFunctionUnquotedArgs';
import { initBashParser } from '../../core/analysis/wrapper/parser';

const tree = join(__dirname, '..', 'fixtures', 'shell-functions', 'modules');
const findings = (module: string) => {
  const file = join(tree, module);
  return analyzeModulefile(readFileSync(file, 'utf8'), file, makeEnv({ processEnv: {} }))
    .findings.filter((f) => f.severity === 'warning' || f.severity === 'error')
    .map((f) => `${f.range.start.line + 1} ${f.code}`);
};

describe('shell-function container modules', () => {
  before(() => initBashParser());

  it('bash splits an unquoted $@ in a function body, keeps a quoted one', () => {
    const run = (body: string) =>
      spawnSync('bash', ['--noprofile', '--norc', '-c', `f() { ${body}; }; f "a b" c`], { encoding: 'utf8' })
        .stdout;
    assert.equal(run(`printf '[%s]' $@`), '[a][b][c]');
    assert.equal(run(`printf '[%s]' "$@"`), '[a b][c]');
  });

  it('the body is the Lua pieces joined, unknown parts one word', () => {
    assert.equal(
      shellBody(`container_launch .. " " .. program .. " \\"$@\\""`, undefined),
      'HOST_VALUE HOST_VALUE "$@"',
    );
  });

  it('Biocontainers- and shpc-shaped modules: quoted "$@" clean, bare $@ reported', () => {
    assert.deepEqual(findings('biotool/1.0.lua'), []);
    assert.deepEqual(findings('shpctool/1.0.lua'), []);
    assert.deepEqual(findings('biotool/2.0.lua'), ['8 shell-function-unquoted-args']);
    assert.deepEqual(findings('shpctool/2.0.lua'), [
      '5 shell-function-unquoted-args',
      '6 shell-function-unquoted-args',
    ]);
  });
});
