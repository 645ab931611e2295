// `lumi-modules check`, the bundled CLI (dist/cli.js) as users and CI scripts run it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PROJHOME: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-cli-check-'));
  mkdirSync(join(dir, 'modules/tool'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  // A container module without SING_IMAGE: one error.
  writeFileSync(
    join(dir, 'modules/tool/1.0.lua'),
    `local root = os.getenv('PROJHOME') or '/nonexistent'\nprepend_path('PATH', pathJoin(root, 'bin'))\nsetenv('WITH_CONDA', 'true')\n`,
  );
  // An ordinary module: nothing to report.
  writeFileSync(join(dir, 'modules/tool/plain.lua'), `setenv('CC', 'gcc')\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lumi-modules check', () => {
  it('prints text findings 1-based under their file and exits 1 on an error', () => {
    const r = run(['check', 'modules'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /^modules\/tool\/1\.0\.lua\n(.*\n)*? {2}\d+:\d+ +error +.+ {2}missing-sing-image$/m,
    );
    assert.doesNotMatch(r.stdout, /plain\.lua/);
  });

  it('prints a JSON array with 0-based LSP ranges', () => {
    const r = run(['check', '--format', 'json', join(dir, 'modules/tool/1.0.lua')], dir);
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as {
      file: string;
      range: { start: { line: number; character: number } };
      severity: string;
      code: string;
      message: string;
    }[];
    const missing = findings.find((f) => f.code === 'missing-sing-image');
    assert.ok(missing);
    assert.deepEqual(Object.keys(missing).sort(), ['code', 'file', 'message', 'range', 'severity']);
    assert.equal(missing.file, join(dir, 'modules/tool/1.0.lua'));
    assert.equal(missing.severity, 'error');
    const text = run(['check', join(dir, 'modules/tool/1.0.lua')], dir)
      .stdout.split('\n')
      .find((l) => l.includes('missing-sing-image'))!;
    const [, line, col] = /^ {2}(\d+):(\d+) /.exec(text)!;
    assert.equal(Number(line), missing.range.start.line + 1);
    assert.equal(Number(col), missing.range.start.character + 1);
  });

  it('exits 0 when there is no error', () => {
    const r = run(['check', '--format', 'json', 'modules/tool/plain.lua'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  it('uses --env values for os.getenv', () => {
    const project = mkdtempSync(join(tmpdir(), 'lumi-cli-env-'));
    try {
      const module = join(project, 'm.lua');
      writeFileSync(
        module,
        `local root = os.getenv('PROJHOME') or '/nonexistent'\nsetenv('SING_IMAGE', pathJoin(root, 'sif', 'x.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
      );
      const missing = run(['check', '--format', 'json', '--env', `PROJHOME=${project}`, module], project);
      const notFound = (
        JSON.parse(missing.stdout) as { code: string; severity: string; message: string }[]
      ).filter((f) => f.code === 'path-not-found');
      assert.ok(
        notFound.some((f) => f.severity === 'error' && f.message.includes(join(project, 'sif', 'x.sif'))),
        missing.stdout,
      );
      mkdirSync(join(project, 'sif'));
      mkdirSync(join(project, 'bin'));
      writeFileSync(join(project, 'sif', 'x.sif'), '');
      const found = run(['check', '--format', 'json', '--env', `PROJHOME=${project}`, module], project);
      assert.ok(
        !(JSON.parse(found.stdout) as { code: string }[]).some((f) => f.code === 'path-not-found'),
        found.stdout,
      );
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('exits 2 with a message on bad usage', () => {
    for (const args of [
      ['check'],
      ['check', '--format', 'xml', '.'],
      ['check', 'no/such/path'],
      ['check', '--env', 'NOEQUALS', '.'],
      ['frobnicate'],
    ]) {
      const r = run(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.notEqual(r.stderr.trim(), '', `${args.join(' ')} explains itself on stderr`);
    }
  });

  it('reports bad files and symlink loops without failing', () => {
    const bad = mkdtempSync(join(tmpdir(), 'lumi-cli-bad-'));
    try {
      writeFileSync(join(bad, 'binary.lua'), Buffer.from([0x73, 0x00, 0x01, 0x02]));
      writeFileSync(join(bad, 'huge.lua'), Buffer.alloc(1024 * 1024 + 1, 0x20));
      writeFileSync(
        join(bad, 'latin1.lua'),
        Buffer.concat([Buffer.from("setenv('NAME', 'J"), Buffer.from([0xe4]), Buffer.from("rvi')\n")]),
      );
      mkdirSync(join(bad, 'loop'));
      symlinkSync('..', join(bad, 'loop', 'up'));
      // A directory named like a modulefile is walked as a directory, not read as a file.
      mkdirSync(join(bad, 'dir.lua'));
      writeFileSync(join(bad, 'dir.lua', 'inner.lua'), "setenv('A', 'b')\nprepen_path('PATH', '/x')\n");
      const r = run(['check', '--format', 'json', bad], bad);
      assert.equal(r.code, 1, r.stderr); // the typo'd prepend_path in dir.lua/inner.lua: Lmod refuses the file
      const findings = JSON.parse(r.stdout) as { file: string; code: string; severity: string }[];
      const byFile = (name: string) =>
        findings.filter((f) => f.file === join(bad, name)).map((f) => `${f.severity} ${f.code}`);
      assert.deepEqual(byFile('binary.lua'), ['information binary-file']);
      assert.deepEqual(byFile('huge.lua'), ['information file-too-large']);
      assert.deepEqual(byFile('latin1.lua'), ['warning invalid-utf8']);
      assert.ok(
        findings.some((f) => f.code === 'symlink-loop' && f.file === join(bad, 'loop', 'up')),
        r.stdout,
      );
      assert.deepEqual(byFile('dir.lua'), [], 'no finding for the directory itself');
      assert.deepEqual(
        byFile('dir.lua/inner.lua'),
        ['error unknown-function'],
        'the module inside it is checked',
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('finds container wrappers outside module directories', () => {
    const w = mkdtempSync(join(tmpdir(), 'lumi-cli-wrapper-'));
    try {
      const script = join(w, 'python');
      writeFileSync(script, '#!/bin/bash\nexec singularity exec "$SING_IMAGE" python $@\n');
      chmodSync(script, 0o755);
      writeFileSync(join(w, 'notes.txt'), 'singularity $@ is mentioned here but this is no script\n');
      const r = run(['check', '--format', 'json', '--no-shellcheck', w], w);
      assert.equal(r.code, 1, r.stdout);
      const findings = JSON.parse(r.stdout) as { file: string; code: string }[];
      assert.ok(
        findings.some((f) => f.file === script && f.code === 'wrapper-unquoted-args'),
        r.stdout,
      );
      assert.ok(!findings.some((f) => f.file.endsWith('notes.txt')), r.stdout);
    } finally {
      rmSync(w, { recursive: true, force: true });
    }
  });
});
