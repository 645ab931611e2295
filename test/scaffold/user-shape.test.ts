// Create Container Module on a module of a LUMI user's shape (test/fixtures/user-home: the root from
// os.getenv('PROJHOME') without a fallback, modules under bin/modules, wrappers in bin/wrappers, images/
// a link into /appl/local/containers), and generated modules that find their home from their own
// location under real Lmod, one container module at a time (family), the conda environment taken
// from an image's name only where the name tells.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeModule } from '../../core/scaffold/describe';
import { homeOverrideVariable } from '../../core/scaffold/plan';
import { runCli } from '../helpers/cli';
import { runModuleCommands } from '../helpers/lmod';

const repo = join(__dirname, '..', '..');
const fixture = join(repo, 'test', 'fixtures', 'user-home');
const MODULE = join('bin', 'modules', 'pytorch-rocm-mammoth', '6.0.lua');
const IMAGE_NAME = 'lumi-pytorch-rocm-6.2.4-python-3.12-pytorch-v2.6.0.sif';

let dir: string;
let home: string;
let image: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-user-shape-'));
  home = join(dir, 'user home');
  // cp -a keeps the images link (into /appl, absent here) and the wrapper links as they are.
  assert.equal(spawnSync('cp', ['-a', fixture, home]).status, 0);
  image = join(dir, 'images', 'lumi-jax-rocm-6.2.4-python-3.12-jax-0.4.35.sif');
  mkdirSync(join(dir, 'images'));
  writeFileSync(image, '');
  writeFileSync(join(dir, 'images', IMAGE_NAME), '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const elsewhere = () => join(dir, 'another-project');

describe("Add a version of a module of the user's shape", () => {
  it('prefills the home from where the module lies and the image as an absolute path through images/', async () => {
    const file = join(home, MODULE);
    const d = await describeModule(readFileSync(file, 'utf8'), file);
    assert.equal(d.root, home);
    assert.equal(d.image, `/appl/local/containers/sif-images/${IMAGE_NAME}`);
    assert.deepEqual(
      [d.name, d.version, d.condaEnv, d.bindingsModule],
      ['pytorch-rocm-mammoth', '6.0', 'pytorch', ''],
    );
  });

  it('writes 6.1 beside 6.0, keeps the own wrappers and images link, and Lmod loads it with PROJHOME elsewhere', () => {
    const wrapperBefore = readFileSync(join(home, 'bin', 'wrappers', 'python'), 'utf8');
    const r = runCli([
      'scaffold',
      '--from',
      join(home, MODULE),
      '--name',
      'pytorch-rocm-mammoth',
      '--version',
      '6.1',
      '--image',
      join(dir, 'images', IMAGE_NAME),
      '--root',
      home,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const modules = join(home, 'bin', 'modules');
    assert.match(r.stdout, new RegExp(`module use '${modules}'`));
    const text = readFileSync(join(modules, 'pytorch-rocm-mammoth', '6.1.lua'), 'utf8');
    assert.match(
      text,
      /^local singRoot = os\.getenv\('LUMI_MODULE_HOME_PYTORCH_ROCM_MAMMOTH'\) or string\.match\(myFileName\(\), '\^\(\.\*\)\/bin\/modules\/\[\^\/\]\+\/\[\^\/\]\+\$'\)/m,
    );
    assert.equal(readFileSync(join(home, 'bin', 'wrappers', 'python'), 'utf8'), wrapperBefore);
    assert.equal(readlinkSync(join(home, 'images')), '/appl/local/containers/sif-images');
    const loaded = runModuleCommands(
      [
        ['use', modules],
        ['load', 'pytorch-rocm-mammoth/6.1'],
      ],
      { PROJHOME: elsewhere() },
      'echo "SING_IMAGE=$SING_IMAGE"; echo "PATH=$PATH"',
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.match(loaded.stdout, new RegExp(`^SING_IMAGE=${join(home, 'sif', IMAGE_NAME)}$`, 'm'));
    assert.match(loaded.stdout, new RegExp(`^PATH=${join(home, 'bin', 'wrappers')}:`, 'm'));
    const checked = runCli(['check', '--format', 'json', '--env', `PROJHOME=${elsewhere()}`, modules]);
    const own = (JSON.parse(checked.stdout) as { file: string; code: string; severity: string }[]).filter(
      (f) => f.file.endsWith('6.1.lua') && f.severity !== 'hint' && f.code !== 'paths-not-checked',
    );
    assert.deepEqual(own, [], 'no problem in the new module with PROJHOME elsewhere');
  });

  it('works in a home whose images/ is a directory', () => {
    const h = join(dir, 'images-dir-home');
    mkdirSync(join(h, 'images'), { recursive: true });
    const r = runCli([
      'scaffold',
      '--name',
      'a',
      '--version',
      '1',
      '--image',
      image,
      '--no-conda',
      '--root',
      h,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lstatSync(join(h, 'images')).isDirectory(), true);
  });

  it('puts the directory on PATH once for --from on the example with a misspelt prepend_path', () => {
    const h = join(dir, 'example-home');
    const from = join(repo, 'examples', 'modules', 'pytorch-copied', '2.7.lua');
    const r = runCli([
      'scaffold',
      '--from',
      from,
      '--name',
      'c',
      '--version',
      '1',
      '--image',
      image,
      '--root',
      h,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(h, 'modules', 'c', '1.lua'), 'utf8');
    assert.equal(text.match(/prepend_path\('PATH'/g)?.length, 1, text);
  });
});

describe('generated modules under real Lmod', () => {
  const make = (h: string, name: string) => {
    const r = runCli([
      'scaffold',
      '--name',
      name,
      '--version',
      '1.0',
      '--image',
      image,
      '--no-conda',
      '--root',
      h,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return join(h, 'modules');
  };

  it('take their home from their own location, not PROJHOME; the override variable wins', () => {
    const h = join(dir, 'own-home');
    const modules = make(h, 'own');
    const show = 'echo "SING_IMAGE=$SING_IMAGE"; echo "PATH=$PATH"';
    const loaded = runModuleCommands(
      [
        ['use', modules],
        ['load', 'own/1.0'],
      ],
      { PROJHOME: elsewhere() },
      show,
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.match(loaded.stdout, new RegExp(`^SING_IMAGE=${join(h, 'sif')}/`, 'm'));
    assert.match(loaded.stdout, new RegExp(`^PATH=${join(h, 'bin')}:`, 'm'));
    const other = elsewhere();
    const overridden = runModuleCommands(
      [
        ['use', modules],
        ['load', 'own/1.0'],
      ],
      { PROJHOME: h, [homeOverrideVariable('own')]: other },
      show,
    );
    assert.equal(overridden.status, 0, overridden.stderr);
    assert.match(overridden.stdout, new RegExp(`^SING_IMAGE=${join(other, 'sif')}/`, 'm'));
  });

  it('swap each other out whole: load A, load B, unload B leaves no half of A', () => {
    const a = make(join(dir, 'home-a'), 'ma');
    const b = make(join(dir, 'home-b'), 'mb');
    const r = runModuleCommands(
      [
        ['use', a],
        ['use', b],
        ['load', 'ma/1.0'],
        ['load', 'mb/1.0'],
      ],
      {},
      'echo "LOADED=$LOADEDMODULES"; echo "IMG=$SING_IMAGE"; module unload mb/1.0; ' +
        'echo "AFTER=${LOADEDMODULES:-}"; echo "IMG2=${SING_IMAGE-unset}"; echo "PATH2=$PATH"',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^LOADED=mb\/1\.0$/m, 'A swapped out by B');
    assert.match(r.stdout, new RegExp(`^IMG=${join(dir, 'home-b', 'sif')}/`, 'm'));
    assert.match(r.stdout, /^AFTER=$/m);
    assert.match(r.stdout, /^IMG2=unset$/m);
    assert.doesNotMatch(r.stdout.split('PATH2=')[1], /home-a|home-b/);
  });

  it('leave WITH_CONDA out for an image whose name does not tell its conda environment, and say so', () => {
    const h = join(dir, 'jax-home');
    const r = runCli(['scaffold', '--name', 'jax', '--version', '1', '--image', image, '--root', h]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^note: lumi-jax-rocm-.*\.sif: its conda environment is not known from its name/m);
    assert.doesNotMatch(readFileSync(join(h, 'modules', 'jax', '1.lua'), 'utf8'), /WITH_CONDA/);
    const pytorch = join(dir, 'pytorch-home');
    const p = runCli([
      'scaffold',
      '--name',
      'pt',
      '--version',
      '1',
      '--image',
      join(dir, 'images', IMAGE_NAME),
      '--root',
      pytorch,
    ]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(readFileSync(join(pytorch, 'modules', 'pt', '1.lua'), 'utf8'), /conda activate pytorch/);
  });
});
