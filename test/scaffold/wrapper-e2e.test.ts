// End to end: the python wrapper `lumi-modules scaffold` writes, loaded through real Lmod, starts
// a container (the bwrap stand-in for Singularity/Apptainer, test/helpers/containerStandin.ts)
// and runs the container's conda python with the caller's arguments and exit status unchanged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { shellJoin, shellQuote } from '../../core/shell/quote';
import { createContainerStandin, type ContainerStandin } from '../helpers/containerStandin';
import { runModuleCommands } from '../helpers/lmod';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
const imageName = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif';
const hostPath = process.env.PATH ?? '/usr/bin:/bin';

let dir: string;
let root: string; // the scaffolded module's root (modules/, bin/, sif/)
let singImage: string; // SING_IMAGE as the module sets it
let standin: ContainerStandin;

/** Number of container starts the stand-in has logged so far. */
function starts(): number {
  return readFileSync(standin.logFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '').length;
}

/** `module use ROOT/modules; module load my-torch/2.3`, then `shell` (bash), under real Lmod. */
function withModule(shell: string, env: Record<string, string> = {}) {
  return runModuleCommands(
    [
      ['use', join(root, 'modules')],
      ['load', 'my-torch/2.3'],
    ],
    { PATH: `${standin.binDir}:${hostPath}`, ...env },
    shell,
  );
}

/** Runs `started` and returns its result plus how many containers it started. */
function counting<T>(started: () => T): [T, number] {
  const before = starts();
  const result = started();
  return [result, starts() - before];
}

before(() => {
  assert.equal(existsSync('/.singularity.d'), false, 'the host must not look like a container');
  dir = mkdtempSync(join(tmpdir(), 'lumi-wrapper-e2e-'));
  mkdirSync(join(dir, 'images'));
  const image = join(dir, 'images', imageName);
  writeFileSync(image, '');
  root = join(dir, 'home');
  const r = spawnSync(
    process.execPath,
    [cli, 'scaffold', '--name', 'my-torch', '--version', '2.3', '--image', image, '--root', root],
    { encoding: 'utf8', env: { ...process.env, PROJHOME: '' } },
  );
  assert.equal(r.status, 0, r.stderr);
  singImage = join(root, 'sif', imageName);
  standin = createContainerStandin(join(dir, 'standin'));
});

after(() => {
  standin?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  assert.equal(existsSync('/.singularity.d'), false, 'the container root must never leak onto the host');
});

describe('scaffolded python wrapper, run through Lmod and the container stand-in', () => {
  it('passes arguments through byte-exact and never lets the shell interpret them', () => {
    const marker = join(dir, 'MARKER');
    const args = [
      'two words',
      "it's",
      'say "hi"',
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `x; touch ${marker}`,
      '*',
      'first line\nsecond line',
      '',
      '  padded  ',
      'Ääkköset ü 日本語 🚀',
      '--version',
      '\\n and \\',
    ];
    const [r, n] = counting(() =>
      withModule(
        `python -c ${shellQuote('import json, sys; print(json.dumps(sys.argv[1:]))')} ${shellJoin(args)}`,
      ),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), args);
    assert.equal(existsSync(marker), false, 'an argument was run as a command');
    assert.equal(n, 1);
  });

  it('passes the exit status through', () => {
    const r = withModule(
      [
        'set +e',
        `python -c ${shellQuote('import sys; sys.exit(3)')}; echo "exit=$?"`,
        `python -c ${shellQuote('raise SystemExit(42)')}; echo "exit=$?"`,
        `python -c ${shellQuote('print("fine")')}; echo "exit=$?"`,
        `python -c ${shellQuote('import sys; sys.exit(3)')}`,
      ].join('\n'),
    );
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout, 'exit=3\nexit=42\nfine\nexit=0\n');
  });

  it('runs the conda python of the container (WITH_CONDA applied) with sys.executable the wrapper', () => {
    assert.equal(existsSync('/.singularity.d'), false);
    const probe = [
      'import json, os, sys',
      'print(json.dumps({',
      '  "singularity_d": os.path.isdir("/.singularity.d"),',
      '  "conda_sh": os.path.isfile("/opt/conda/etc/profile.d/conda.sh"),',
      '  "env": os.environ.get("CONDA_DEFAULT_ENV"),',
      '  "prefix": os.environ.get("CONDA_PREFIX"),',
      '  "path0": os.environ["PATH"].split(":")[0],',
      '  "container": os.environ.get("SINGULARITY_CONTAINER"),',
      '  "executable": sys.executable,',
      '  "argv": sys.argv,',
      '}))',
    ].join('\n');
    const r = withModule(
      `python -c ${shellQuote(probe)} arg; python3 -c ${shellQuote('import sys; print(sys.executable)')}`,
    );
    assert.equal(r.status, 0, r.stderr);
    const [first, second] = r.stdout.trimEnd().split('\n');
    assert.deepEqual(JSON.parse(first), {
      singularity_d: true,
      conda_sh: true,
      env: 'pytorch',
      prefix: '/opt/conda/envs/pytorch',
      path0: '/opt/conda/envs/pytorch/bin',
      container: singImage,
      executable: join(root, 'bin', 'python'),
      argv: ['-c', 'arg'],
    });
    assert.equal(second, join(root, 'bin', 'python3'));
    assert.equal(existsSync('/.singularity.d'), false);
  });

  it("imports a host venv's packages through VIRTUAL_ENV", () => {
    const venv = join(dir, 'venv');
    const made = spawnSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const lib = readdirSync(join(venv, 'lib')).find((d) => d.startsWith('python3'));
    assert.ok(lib, 'venv has lib/python3.*');
    const site = join(venv, 'lib', lib, 'site-packages');
    writeFileSync(join(site, 'lumi_marker_mod.py'), 'VALUE = "from the host venv"\n');
    const probe =
      'import json, lumi_marker_mod; print(json.dumps([lumi_marker_mod.VALUE, lumi_marker_mod.__file__]))';
    const r = withModule(`python -c ${shellQuote(probe)}`, { VIRTUAL_ENV: venv });
    assert.equal(r.status, 0, r.stderr);
    const [value, file] = JSON.parse(r.stdout) as [string, string];
    assert.equal(value, 'from the host venv');
    // The venv's lib64 is a symlink to lib: either spelling is the same file.
    assert.equal(realpathSync(file), realpathSync(join(site, 'lumi_marker_mod.py')));
    const without = withModule(`python -c ${shellQuote('import lumi_marker_mod')}`);
    assert.notEqual(without.status, 0, 'the module is found only through the venv');
    assert.match(without.stderr, /ModuleNotFoundError/);
  });

  it('refuses to run without the module loaded (SING_IMAGE unset)', () => {
    const [r, n] = counting(() =>
      spawnSync(join(root, 'bin', 'python'), ['-c', 'print(1)'], {
        encoding: 'utf8',
        env: { PATH: `${standin.binDir}:${hostPath}`, HOME: dir },
      }),
    );
    assert.notEqual(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /module load/);
    assert.equal(n, 0);
  });

  it('starts no second container when called inside one; pip and python3 work through the symlinks', () => {
    const wrapper = join(root, 'bin', 'python');
    const [inside, n] = counting(() =>
      withModule(
        `singularity exec "$SING_IMAGE" ${shellQuote(wrapper)} -c ${shellQuote('import os; print(os.path.isdir("/.singularity.d"), os.environ["CONDA_DEFAULT_ENV"])')}`,
      ),
    );
    assert.equal(inside.status, 0, inside.stderr);
    assert.equal(inside.stdout, 'True pytorch\n');
    assert.equal(n, 1);

    // Inside, ROOT/bin is still first on PATH (the host's PATH passes through): pip is the wrapper.
    const [pipInside, m] = counting(() => withModule('singularity exec "$SING_IMAGE" pip --version'));
    assert.equal(pipInside.status, 0, pipInside.stderr);
    assert.match(pipInside.stdout, /^pip \S+ from /);
    assert.equal(m, 1);

    const [viaLinks, k] = counting(() =>
      withModule(
        `pip --version && python3 -c ${shellQuote('import os, sys; print(os.environ["CONDA_DEFAULT_ENV"], sys.argv[1:])')} x`,
      ),
    );
    assert.equal(viaLinks.status, 0, viaLinks.stderr);
    const [pipLine, pyLine] = viaLinks.stdout.trimEnd().split('\n');
    assert.match(pipLine, /^pip \S+ from .*\(python 3\.\d+\)$/);
    assert.equal(pyLine, "pytorch ['x']");
    assert.equal(k, 2);
  });

  it('uses apptainer when only apptainer is on PATH, and says so when neither is', () => {
    const neither = spawnSync('bash', ['-c', 'command -v singularity || command -v apptainer'], {
      env: { PATH: hostPath },
    });
    assert.notEqual(neither.status, 0, 'precondition: the host has no real singularity/apptainer');

    const onlyApptainer = join(dir, 'only-apptainer');
    mkdirSync(onlyApptainer);
    symlinkSync(join(standin.binDir, 'singularity'), join(onlyApptainer, 'apptainer'));
    const [r, n] = counting(() =>
      withModule(`python -c ${shellQuote('import os; print(os.environ["APPTAINER_CONTAINER"])')}`, {
        PATH: `${onlyApptainer}:${hostPath}`,
      }),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${singImage}\n`);
    assert.equal(n, 1);

    const [none, m] = counting(() => withModule('python -c pass', { PATH: hostPath }));
    assert.equal(none.status, 1);
    assert.match(none.stderr, /neither singularity nor apptainer is on PATH/);
    assert.equal(m, 0);
  });
});

describe('container stand-in (singularity/apptainer on bwrap)', () => {
  const sing = () => join(standin.binDir, 'singularity');
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(sing(), args, { encoding: 'utf8', cwd: dir, env: { PATH: hostPath, HOME: dir, ...env } });

  it('fails like singularity on a missing image: exit 255, FATAL, no start', () => {
    const missing = join(dir, 'no-such.sif');
    const [r, n] = counting(() => run(['exec', missing, 'true']));
    assert.equal(r.status, 255);
    assert.match(r.stderr, /^FATAL: +could not open image .*no-such\.sif/);
    assert.equal(n, 0);
  });

  it('rejects unknown subcommands and options and missing bind sources with exit 255', () => {
    assert.match(run(['--version']).stdout, /^singularity-ce version /);
    for (const args of [['run', singImage], ['exec', '--nv', singImage, 'true'], ['exec', singImage], []]) {
      const r = run(args);
      assert.equal(r.status, 255, args.join(' '));
      assert.notEqual(r.stderr, '');
    }
    const r = run(['exec', '-B', join(dir, 'no-such-dir'), singImage, 'true']);
    assert.equal(r.status, 255);
    assert.match(r.stderr, /FATAL: .*mount source .*no-such-dir doesn't exist/);
  });

  it('binds, sets the runtime environment and passes argv and exit status through', () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'f.txt'), 'hello');
    const script =
      'cat /data/f.txt; echo; echo "$SINGULARITY_NAME|$FOO|$#|$1|$2"; touch /data/g 2>/dev/null || echo ro; exit 5';
    const r = run(
      ['exec', '--bind', `${data}:/data:ro`, singImage, 'bash', '-c', script, 'bash', 'a  b', '$(x)'],
      {
        SINGULARITYENV_FOO: 'bar baz',
      },
    );
    assert.equal(r.status, 5, r.stderr);
    assert.equal(r.stdout, `hello\n${imageName}|bar baz|2|a  b|$(x)\nro\n`);
  });
});
