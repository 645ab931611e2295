// Modulefile analysis: every rule fires on a bad example and stays silent on good modules; the
// constant folding that path checks rely on.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, realFileSystem } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';

const fixtures = join(__dirname, '..', 'fixtures', 'modulefiles');
const CONTAINER_CODES = [
  'missing-sing-image',
  'sing-image-not-sif',
  'missing-wrapper-path',
  'missing-with-conda',
];

let home: string;
before(async () => {
  await initBashParser();
  home = mkdtempSync(join(tmpdir(), 'lumi-modfile-'));
  for (const d of ['sif', 'bin', 'txt', 'plainbin']) mkdirSync(join(home, d));
  writeFileSync(join(home, 'sif', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif'), '');
  writeFileSync(join(home, 'sif', 'tool.sif'), '');
  writeFileSync(join(home, 'txt', 'load-pytorch.txt'), 'PyTorch loaded\n');
  writeFileSync(
    join(home, 'bin', 'python'),
    '#!/bin/bash\n[ -n "$SING_IMAGE" ] || exit 1\nexec singularity exec "$SING_IMAGE" bash -c \'eval "$WITH_CONDA"; exec python "$@"\' bash "$@"\n',
  );
  chmodSync(join(home, 'bin', 'python'), 0o755);
});
after(() => rmSync(home, { recursive: true, force: true }));

function analyze(text: string, file = join(home, 'modules', 'tool', '1.0.lua')) {
  return analyzeModulefile(text, file, makeEnv({ vars: { PROJHOME: home }, processEnv: {} }));
}
const codes = (text: string) => analyze(text).findings.map((f) => f.code);
const ROOT = `local root = os.getenv('PROJHOME') or '/nonexistent'\n`;

describe('modulefile rules', () => {
  it('are silent on a correct CSC-style container module', () => {
    const a = analyze(readFileSync(join(fixtures, 'pytorch', '2.7.lua'), 'utf8'));
    assert.deepEqual(
      a.findings.filter((f) => f.severity !== 'hint'),
      [],
    );
    assert.equal(a.isContainerModule, true);
    assert.deepEqual(a.wrapperDirs, [join(home, 'bin')]);
    assert.equal(
      a.setenv.get('SING_IMAGE')?.value,
      join(home, 'sif', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif'),
    );
  });

  it('give an ordinary compiler module none of the container diagnostics', () => {
    const a = analyze(
      readFileSync(join(fixtures, 'gcc', '13.2.lua'), 'utf8'),
      join(fixtures, 'gcc', '13.2.lua'),
    );
    assert.equal(a.isContainerModule, false);
    assert.deepEqual(
      a.findings.filter((f) => CONTAINER_CODES.includes(f.code) || f.severity === 'error'),
      [],
    );
  });

  it('lua-syntax at the line of the error', () => {
    const a = analyze(`whatis("x")\nprepend_path('PATH', pathJoin(root, 'bin')\nsetenv('A', 'b')\n`);
    assert.deepEqual(
      a.findings.map((f) => [f.code, f.severity, f.range.start.line]),
      [['lua-syntax', 'error', 2]],
    );
  });

  it('unknown-function suggests and renames to the closest Lmod function', () => {
    const a = analyze(`prepen_path('PATH', '/x')\ncreate_container_vars('a.sif')\nget_SIF_file('a')\n`);
    const f = a.findings.filter((x) => x.code === 'unknown-function');
    assert.equal(f.length, 1, 'site functions are known');
    assert.match(f[0].message, /did you mean prepend_path\?/);
    assert.equal(f[0].fixes?.[0].edits[0].newText, 'prepend_path');
  });

  it('wrong-arguments on counts and non-string literals', () => {
    assert.ok(codes(`setenv("SING_IMAGE")\n`).includes('wrong-arguments'));
    assert.ok(codes(`prepend_path(42, "/x")\n`).includes('wrong-arguments'));
    assert.ok(
      !codes(`setenv("A", "b")\nprepend_path{"PATH", "/tmp", priority=100}\n`).includes('wrong-arguments'),
    );
  });

  it('missing-sing-image on a container module without SING_IMAGE, with a fix', () => {
    const text = `${ROOT}prepend_path('PATH', pathJoin(root, 'bin'))\n`;
    const a = analyze(text);
    const f = a.findings.find((x) => x.code === 'missing-sing-image');
    assert.ok(f, 'the directory holds a container wrapper');
    assert.equal(f.severity, 'error');
    assert.match(f.fixes![0].edits[0].newText, /setenv\("SING_IMAGE"/);
    assert.ok(
      !codes(`${ROOT}prepend_path('PATH', pathJoin(root, 'plainbin'))\n`).includes('missing-sing-image'),
    );
  });

  it('sing-image-not-sif and path-not-found', () => {
    const a = analyze(
      `${ROOT}setenv('SING_IMAGE', pathJoin(root, 'sif', 'x.img'))\nprepend_path('PATH', pathJoin(root, 'nobin'))\n`,
    );
    assert.ok(a.findings.some((f) => f.code === 'sing-image-not-sif' && f.severity === 'warning'));
    const notFound = a.findings
      .filter((f) => f.code === 'path-not-found')
      .map((f) => f.severity)
      .sort();
    assert.deepEqual(notFound, ['error', 'warning']);
  });

  it('path-not-found stays silent when the path cannot be resolved', () => {
    const a = analyze(
      `local root = os.getenv('UNKNOWN_VAR') or '/nonexistent'\nsetenv('SING_IMAGE', pathJoin(root, 'x.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
    );
    assert.ok(!a.findings.some((f) => f.code === 'path-not-found'));
  });

  it('looks at the wrappers on PATH through the file system view, never reading files over 1 MiB', () => {
    const dir = join(home, 'bigbin');
    mkdirSync(dir);
    // A container wrapper padded past 1 MiB: skipped unread, so the directory holds no wrapper.
    writeFileSync(
      join(dir, 'python'),
      readFileSync(join(home, 'bin', 'python'), 'utf8') + `# ${'x'.repeat(1024 * 1024)}\n`,
    );
    const reads: string[] = [];
    const fs = {
      ...realFileSystem,
      readText: (path: string) => (reads.push(path), realFileSystem.readText(path)),
    };
    const text = `${ROOT}prepend_path('PATH', pathJoin(root, 'bigbin'))\n`;
    const a = analyzeModulefile(
      text,
      join(home, 'modules', 'tool', '1.0.lua'),
      makeEnv({ vars: { PROJHOME: home }, processEnv: {}, fs }),
    );
    assert.deepEqual(reads, []);
    assert.equal(a.isContainerModule, false);
    assert.ok(!a.findings.some((f) => f.code === 'missing-sing-image'));
    // The same directory with the wrapper small again: read once, a container module.
    writeFileSync(join(dir, 'python'), readFileSync(join(home, 'bin', 'python')));
    const b = analyzeModulefile(
      text,
      join(home, 'modules', 'tool', '1.0.lua'),
      makeEnv({ vars: { PROJHOME: home }, processEnv: {}, fs }),
    );
    assert.deepEqual(reads, [join(dir, 'python')]);
    assert.ok(b.findings.some((f) => f.code === 'missing-sing-image'));
  });

  it("missing-wrapper-path when SING_IMAGE and WITH_CONDA are set and PATH is not; SING_IMAGE alone is CSC's singularity_wrapper convention", () => {
    assert.ok(
      codes(
        `${ROOT}setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nsetenv('WITH_CONDA', 'true')\n`,
      ).includes('missing-wrapper-path'),
    );
    assert.ok(
      !codes(`${ROOT}setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\n`).includes(
        'missing-wrapper-path',
      ),
    );
  });

  it('missing-with-conda for a wrapper using it and for lumi-*-rocm-* images', () => {
    const viaWrapper = analyze(
      `${ROOT}setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
    );
    const f = viaWrapper.findings.find((x) => x.code === 'missing-with-conda');
    assert.ok(f);
    assert.match(f.fixes![0].edits[0].newText, /setenv\("WITH_CONDA"/);
    assert.ok(
      codes(
        `${ROOT}setenv('SING_IMAGE', pathJoin(root, 'sif', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif'))\nprepend_path('PATH', pathJoin(root, 'plainbin'))\n`,
      ).includes('missing-with-conda'),
    );
    assert.ok(
      !codes(
        `${ROOT}setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepend_path('PATH', pathJoin(root, 'plainbin'))\n`,
      ).includes('missing-with-conda'),
    );
  });

  it('getenv-no-fallback inside .. and pathJoin only', () => {
    assert.deepEqual(codes(`setenv('A', pathJoin(os.getenv('IMGROOT'), 'x'))\n`), ['getenv-no-fallback']);
    assert.deepEqual(codes(`setenv('A', os.getenv('IMGROOT') .. '/x')\n`), ['getenv-no-fallback']);
    assert.deepEqual(codes(`setenv('A', pathJoin(os.getenv('IMGROOT') or '', 'x'))\n`), []);
  });

  it('undefined-variable suggests the local; unused-local hints the other half', () => {
    const a = analyze(`local signRoot = '/p'\nsetenv('A', pathJoin(singRoot, 'bin'))\n`);
    const undef = a.findings.find((f) => f.code === 'undefined-variable')!;
    assert.match(undef.message, /did you mean the local 'signRoot'\?/);
    const unused = a.findings.find((f) => f.code === 'unused-local')!;
    assert.equal(unused.severity, 'hint');
  });
});

describe('modulefile constant folding', () => {
  const valueOf = (text: string, file?: string) => analyze(text, file).setenv.get('X')?.value;

  it('pathJoin skips nil and empty parts and normalises slashes', () => {
    assert.equal(valueOf(`setenv('X', pathJoin(nil, '', '/a/', 'b//c', 'd/'))\n`), '/a/b/c/d');
    assert.equal(valueOf(`setenv('X', pathJoin(os.getenv('PROJHOME') or '', 'bin'))\n`), join(home, 'bin'));
  });

  it('os.getenv with fallback: known value; an unset variable is nil, so the fallback is used as Lmod does', () => {
    assert.equal(valueOf(`setenv('X', os.getenv('PROJHOME') or '/fallback')\n`), home);
    assert.equal(valueOf(`setenv('X', os.getenv('NOT_GIVEN') or '/fallback')\n`), '/fallback');
    assert.equal(
      valueOf(`setenv('X', os.getenv('NOT_GIVEN') .. '/x')\n`),
      undefined,
      'nil .. string fails at load time: no value',
    );
  });

  it('myModuleName and myModuleVersion from modules/NAME/VERSION.lua', () => {
    assert.equal(
      valueOf(`setenv('X', myModuleName() .. '/' .. myModuleVersion())\n`, '/p/modules/pytorch/2.7.lua'),
      'pytorch/2.7',
    );
  });

  it('tracks reassignment per scope: a branch assignment makes it unknown', () => {
    assert.equal(valueOf(`local a = '/one'\na = '/two'\nsetenv('X', a)\n`), '/two');
    assert.equal(
      valueOf(`local a = '/one'\nif mode() == 'load' then a = '/two' end\nsetenv('X', a)\n`),
      undefined,
    );
  });

  it("capture('cat FILE') is unknown (it runs at load time); FILE is checked to exist", () => {
    const present = analyze(
      `${ROOT}setenv('X', capture('cat ' .. pathJoin(root, 'txt', 'load-pytorch.txt')))\n`,
    );
    assert.equal(present.setenv.get('X')?.value, undefined, 'the file is not read during the analysis');
    assert.deepEqual(
      present.paths.filter((p) => p.role === 'capture-file').map((p) => [p.value, p.exists]),
      [[join(home, 'txt', 'load-pytorch.txt'), 'file']],
    );
    const missing = analyze(
      `${ROOT}LmodMessage(capture('cat ' .. pathJoin(root, 'txt', 'load-other.txt')))\n`,
    );
    const notFound = missing.findings.filter((f) => f.code === 'path-not-found');
    assert.deepEqual(
      notFound.map((f) => f.severity),
      ['warning'],
    );
    assert.ok(notFound[0].message.includes(join(home, 'txt', 'load-other.txt')), notFound[0].message);
  });
});
