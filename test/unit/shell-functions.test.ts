// The shell-function convention (singularity-hpc and Biocontainers): set_shell_function's bash body
// parsed as bash; a bare $@ is reported, a quoted "$@" is not. The split itself is run in bash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Range } from '../../core/analysis/types';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { shellBody } from '../../core/analysis/rules/modulefile/shellFunctionUnquotedArgs';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { runCli } from '../helpers/cli';

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
    // Two functions split their arguments: one finding, at the first, naming how many.
    assert.deepEqual(findings('shpctool/2.0.lua'), ['5 shell-function-unquoted-args']);
    const file = join(tree, 'shpctool/2.0.lua');
    const finding = analyzeModulefile(
      readFileSync(file, 'utf8'),
      file,
      makeEnv({ processEnv: {} }),
    ).findings.find((f) => f.code === 'shell-function-unquoted-args')!;
    assert.equal(
      finding.message,
      'shell functions shpctool-exec and 1 more pass $@ unquoted: arguments with spaces are split',
    );
  });

  it('a tree of shell-function modules alone (no wrapper script) gets the same findings from check', () => {
    // SJTU-HPC/container-modules: the bash parser was started only for wrapper scripts, so a tree
    // without one got no shell-function finding at all.
    const r = runCli(['check', '--format', 'json', '--no-shellcheck', join(tree, '..')]);
    const cli = (JSON.parse(r.stdout) as { file: string; code: string; message: string; range: Range }[])
      .filter((f) => f.code === 'shell-function-unquoted-args')
      .map((f) => `${f.file.slice(tree.length + 1)}:${f.range.start.line + 1} ${f.message}`);
    assert.deepEqual(cli, [
      // A name known only as Lmod runs the loop is named by its Lua expression.
      'biotool/2.0.lua:8 shell function (program) passes $@ unquoted: arguments with spaces are split',
      'shpctool/2.0.lua:5 shell functions shpctool-exec and 1 more pass $@ unquoted: arguments with spaces are split',
    ]);
  });

  it('the image a shell function runs is checked where its site is this machine; once per image', () => {
    const home = mkdtempSync(join(tmpdir(), 'lumi-shell-function-image-'));
    try {
      const image = join(home, 'containers', 'tool', 'tool.sif');
      const module = join(home, 'modules', 'tool', '1.0.lua');
      mkdirSync(join(home, 'modules', 'tool'), { recursive: true });
      const text =
        `local containerPath = "${image}"\n` +
        'local execCmd = "/usr/bin/singularity ${SINGULARITY_OPTS} exec --bind /scratch:/scratch "\n' +
        'set_shell_function("tool-exec", execCmd .. containerPath .. \' "$@"\', execCmd .. containerPath)\n' +
        'set_shell_function("tool-run", "singularity run " .. containerPath .. \' "$@"\', "")\n' +
        // A body with no runtime in it names no image of ours.
        'set_shell_function("other", "cat /etc/x.sif", "")\n';
      const check = () =>
        analyzeModulefile(text, module, makeEnv({ processEnv: {} })).findings.map(
          (f) => `${f.range.start.line + 1} ${f.severity} ${f.code} ${f.message}`,
        );
      const [finding, ...more] = check();
      assert.deepEqual(more, [], 'one finding for the image both functions run');
      assert.match(
        finding,
        /^3 error path-not-found image of the shell function does not exist on this machine: /,
      );
      assert.match(finding, /tool\.sif$/);
      mkdirSync(join(home, 'containers', 'tool'), { recursive: true });
      writeFileSync(image, '');
      assert.deepEqual(check(), []);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
