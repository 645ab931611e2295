// `lumi-modules scaffold` (the bundled CLI): the result loads under real Lmod, passes our own
// checks, and bad input or existing files leave everything as it was.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertCheckClean, runCli } from '../helpers/cli';
import { runModuleCommands } from '../helpers/lmod';

const repo = join(__dirname, '..', '..');
const bindingsModules = join(repo, 'test', 'fixtures', 'modulefiles');

const run = (args: string[]) => runCli(args);

let dir: string;
let image: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-scaffold-'));
  mkdirSync(join(dir, 'images'));
  image = join(dir, 'images', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif');
  writeFileSync(image, '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lumi-modules scaffold', () => {
  it('writes a module that real Lmod loads and unloads', () => {
    const root = join(dir, 'home');
    const r = run([
      'scaffold',
      '--name',
      'my-torch',
      '--version',
      '2.3',
      '--image',
      image,
      '--root',
      root,
      '--bindings',
      'singularity-AI-bindings',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`module use ${join(root, 'modules')}\\n\\s+module load my-torch/2.3`));
    const loaded = runModuleCommands(
      [
        ['use', bindingsModules],
        ['use', join(root, 'modules')],
        ['load', 'my-torch/2.3'],
      ],
      {},
      'echo "SING_IMAGE=$SING_IMAGE"; echo "PATH=$PATH"; echo "WITH_CONDA=$WITH_CONDA"; before_unload=$PATH; module unload my-torch/2.3; echo "AFTER=$PATH"',
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.match(
      loaded.stdout,
      new RegExp(
        `SING_IMAGE=${join(root, 'sif', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif')}\\n`,
      ),
    );
    assert.match(loaded.stdout, new RegExp(`PATH=${join(root, 'bin')}:`));
    assert.match(
      loaded.stdout,
      /WITH_CONDA=source \/opt\/conda\/etc\/profile.d\/conda.sh && conda activate pytorch/,
    );
    assert.doesNotMatch(loaded.stdout.split('AFTER=')[1], new RegExp(join(root, 'bin')));
    assert.match(loaded.stderr, /Module my-torch\/2.3 loaded/);
  });

  it('passes lumi-modules check with no error or warning', () => {
    assertCheckClean(join(dir, 'home'));
  });

  it('refuses to overwrite, naming the files, and leaves them byte-identical', () => {
    const root = join(dir, 'home');
    const module = join(root, 'modules', 'my-torch', '2.3.lua');
    writeFileSync(module, '-- my own edits\n');
    const r = run(['scaffold', '--name', 'my-torch', '--version', '2.3', '--image', image, '--root', root]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing to overwrite.*2\.3\.lua/);
    assert.equal(readFileSync(module, 'utf8'), '-- my own edits\n');
    const forced = run([
      'scaffold',
      '--name',
      'my-torch',
      '--version',
      '2.3',
      '--image',
      image,
      '--root',
      root,
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(module, 'utf8'), /setenv\("SING_IMAGE"/);
  });

  it('rejects bad input with exit 2 and writes nothing', () => {
    const root = join(dir, 'bad-home');
    const base = ['--version', '1.0', '--image', image, '--root', root];
    for (const args of [
      ['--name', 'my torch', ...base],
      ['--name', 'a/b', ...base],
      ['--name', '..', ...base],
      ['--name', 'ok', '--version', '1.0', '--image', join(dir, 'x.img'), '--root', root],
      ['--name', 'ok', '--version', '1.0', '--image', image],
    ]) {
      const r = run(['scaffold', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.notEqual(r.stderr.trim(), '');
    }
    assert.equal(existsSync(root), false);
    assert.deepEqual(readdirSync(dir).sort(), ['home', 'images']);
  });
});
