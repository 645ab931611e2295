// `scaffold` prints the style, the conda env (or venv) and the bindings the written module has, and
// the JAX image gets no conda activate pytorch (issue 26).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';

let dir: string;
const JAX = 'lumi-jax-rocm-6.2.4-python-3.12-jax-0.4.35.sif';
const TORCH = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-scaffold-choices-'));
  for (const image of [JAX, TORCH]) writeFileSync(join(dir, image), '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const scaffold = (image: string, home: string, ...extra: string[]) =>
  runCli([
    'scaffold',
    '--name',
    'm',
    '--version',
    '1',
    '--image',
    join(dir, image),
    '--root',
    join(dir, home),
    ...extra,
  ]);

describe('scaffold prints its choices', () => {
  it('style, conda env and bindings; a guessed conda env for the JAX image is said to be a guess', () => {
    const jax = scaffold(JAX, 'jax');
    assert.equal(jax.code, 0, jax.stderr);
    assert.match(jax.stdout, /^style: csc /m);
    // The plan takes no conda env from an image name it does not know (main's scaffoldNotes says so).
    assert.match(jax.stdout, /^conda env: none/m);
    assert.doesNotMatch(jax.stdout, /activate pytorch|conda env: pytorch/);
    assert.match(jax.stdout, /^bindings: none/m);
    const torch = scaffold(TORCH, 'torch', '--bindings', 'singularity-AI-bindings');
    assert.equal(torch.code, 0, torch.stderr);
    assert.match(torch.stdout, /^conda env: pytorch \(WITH_CONDA\) from the image name/m);
    assert.match(torch.stdout, /^bindings: singularity-AI-bindings$/m);
    const chosen = scaffold(JAX, 'jax2', '--conda-env', 'jax');
    assert.match(chosen.stdout, /^conda env: jax \(WITH_CONDA\)$/m);
    assert.match(scaffold(JAX, 'jax3', '--no-conda').stdout, /^conda env: none/m);
  });
});
