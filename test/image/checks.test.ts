// The image checks on real images: a module and wrapper like the seed's against a conda image
// whose python needs WITH_CONDA, the /opt/conda vs /opt/miniconda3 mismatch, a LAIF image that
// needs no conda, a host venv for another Python, and no finding where module and image agree.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { buildImage, type Built } from './images';

const IMAGE_CODES = [
  'image-not-read',
  'image-python-needs-conda',
  'image-conda-path-missing',
  'image-with-conda-unneeded',
  'image-venv-python-mismatch',
  'missing-with-conda',
];
const WITH_CONDA_WRAPPER =
  '#!/bin/bash\n[ -n "$SING_IMAGE" ] || exit 1\nexec singularity exec "$SING_IMAGE" bash -c \'eval "$WITH_CONDA"; exec python "$@"\' bash "$@"\n';
const PLAIN_WRAPPER =
  '#!/bin/bash\n[ -n "$SING_IMAGE" ] || exit 1\nexec singularity exec "$SING_IMAGE" python "$@"\n';

let home: string;
const images: Built[] = [];
before(async () => {
  await initBashParser();
  home = mkdtempSync(join(tmpdir(), 'lumi-image-checks-'));
  for (const d of ['sif', 'bin', 'plainbin', 'templatebin', 'venv310/bin', 'venv312/bin'])
    mkdirSync(join(home, d), { recursive: true });
  for (const kind of ['conda', 'laif'] as const) {
    const b = buildImage(kind, 'gzip');
    images.push(b);
    copyFileSync(b.sif, join(home, 'sif', `${kind}.sif`));
  }
  // Judged by its first bytes, whatever its size: only an empty file is a placeholder.
  writeFileSync(join(home, 'sif', 'broken.sif'), 'not an image\n');
  writeFileSync(join(home, 'sif', 'placeholder.sif'), '');
  writeFileSync(join(home, 'bin', 'python'), WITH_CONDA_WRAPPER);
  writeFileSync(join(home, 'plainbin', 'python'), PLAIN_WRAPPER);
  chmodSync(join(home, 'bin', 'python'), 0o755);
  chmodSync(join(home, 'plainbin', 'python'), 0o755);
  // The scaffold's own wrapper: eval "${WITH_CONDA:-}" inside the container.
  copyFileSync(join(__dirname, '..', '..', 'templates', 'wrapper.sh'), join(home, 'templatebin', 'python'));
  chmodSync(join(home, 'templatebin', 'python'), 0o755);
  writeFileSync(join(home, 'venv310', 'pyvenv.cfg'), 'home = /usr/bin\nversion = 3.10.12\n');
  writeFileSync(join(home, 'venv312', 'pyvenv.cfg'), 'home = /usr/bin\nversion = 3.12.3\n');
});
after(() => {
  rmSync(home, { recursive: true, force: true });
  images.forEach((b) => b.cleanup());
});

function imageFindings(lines: string[]) {
  const text = [`local root = os.getenv('PROJHOME') or '/nonexistent'`, ...lines].join('\n') + '\n';
  const a = analyzeModulefile(
    text,
    join(home, 'modules', 'tool', '1.0.lua'),
    makeEnv({ vars: { PROJHOME: home }, processEnv: {} }),
  );
  return a.findings.filter((f) => IMAGE_CODES.includes(f.code));
}
const image = (kind: string) => `setenv('SING_IMAGE', pathJoin(root, 'sif', '${kind}.sif'))`;
const MINICONDA = `setenv('WITH_CONDA', 'source /opt/miniconda3/bin/activate pytorch')`;

describe('image checks', () => {
  it('the seed case: python only after WITH_CONDA, and the wrapper does not run it', () => {
    const f = imageFindings([image('conda'), `prepend_path('PATH', pathJoin(root, 'plainbin'))`, MINICONDA]);
    assert.deepEqual(
      f.map((x) => x.code),
      ['image-python-needs-conda'],
    );
    assert.match(f[0].message, /only after conda activation/);
    assert.ok(f[0].message.length <= 100);
    const unset = imageFindings([image('conda'), `prepend_path('PATH', pathJoin(root, 'plainbin'))`]);
    assert.deepEqual(
      unset.map((x) => x.code),
      ['image-python-needs-conda'],
    );
  });

  it('/opt/conda in WITH_CONDA for an image whose conda is /opt/miniconda3, and a missing env', () => {
    const f = imageFindings([
      image('conda'),
      `prepend_path('PATH', pathJoin(root, 'bin'))`,
      `setenv('WITH_CONDA', 'source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch')`,
    ]);
    assert.deepEqual(
      f.map((x) => x.code),
      ['image-conda-path-missing'],
    );
    assert.match(
      f[0].message,
      /\/opt\/conda\/etc\/profile\.d\/conda\.sh, not in the image .*\/opt\/miniconda3/,
    );
    const env = imageFindings([
      image('conda'),
      `prepend_path('PATH', pathJoin(root, 'bin'))`,
      `setenv('WITH_CONDA', 'source /opt/miniconda3/bin/activate jax')`,
    ]);
    assert.deepEqual(
      env.map((x) => x.code),
      ['image-conda-path-missing'],
    );
    assert.match(env[0].message, /'jax'/);
  });

  it('no finding where the module matches its image (conda, and LAIF without conda)', () => {
    assert.deepEqual(
      imageFindings([image('conda'), `prepend_path('PATH', pathJoin(root, 'bin'))`, MINICONDA]),
      [],
    );
    assert.deepEqual(imageFindings([image('laif'), `prepend_path('PATH', pathJoin(root, 'plainbin'))`]), []);
    // The scaffold's wrapper applies WITH_CONDA as ${WITH_CONDA:-}: applied, since the module sets it.
    assert.deepEqual(
      imageFindings([image('conda'), `prepend_path('PATH', pathJoin(root, 'templatebin'))`, MINICONDA]),
      [],
    );
  });

  it('WITH_CONDA set for an image that needs none', () => {
    const f = imageFindings([image('laif'), `prepend_path('PATH', pathJoin(root, 'bin'))`, MINICONDA]);
    assert.ok(
      f.some((x) => x.code === 'image-with-conda-unneeded'),
      JSON.stringify(f),
    );
  });

  it('a host venv for another Python than the image has', () => {
    const lines = [image('laif'), `prepend_path('PATH', pathJoin(root, 'plainbin'))`];
    const f = imageFindings([...lines, `prepend_path('PATH', pathJoin(root, 'venv310', 'bin'))`]);
    assert.deepEqual(
      f.map((x) => x.code),
      ['image-venv-python-mismatch'],
    );
    assert.match(f[0].message, /3\.10.*3\.12/);
    assert.deepEqual(imageFindings([...lines, `prepend_path('PATH', pathJoin(root, 'venv312', 'bin'))`]), []);
  });

  it('an image that cannot be read: one image-not-read note, and the name-based checks as before', () => {
    const f = imageFindings([image('broken'), `prepend_path('PATH', pathJoin(root, 'plainbin'))`]);
    assert.deepEqual(
      f.map((x) => x.code),
      ['image-not-read'],
    );
    assert.match(f[0].message, /neither a SIF nor a squashfs/);
    const placeholder = imageFindings([
      image('placeholder'),
      `prepend_path('PATH', pathJoin(root, 'plainbin'))`,
    ]);
    assert.deepEqual(placeholder, []);
  });
});
