// Clean by construction: for every combination of options (conda or not, a bindings module or
// not, the template or `--from`, each --style), what `lumi-modules scaffold` writes gets zero findings from
// `lumi-modules check` (given the project home as PROJHOME), loads under real Lmod, and its
// `python` runs a script through the container stand-in (test/helpers/containerStandin.ts); the
// easybuild style's run script too, through `singularity exec $SIF conda-python-simple`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { shellQuote } from '../../core/shell/quote';
import { runCli } from '../helpers/cli';
import { createContainerStandin, type ContainerStandin } from '../helpers/containerStandin';
import { runModuleCommands } from '../helpers/lmod';

const repo = join(__dirname, '..', '..');
const cscModule = join(repo, 'test', 'fixtures', 'csc', 'pytorch', '2.7.lua');
const hostPath = process.env.PATH ?? '/usr/bin:/bin';

interface Case {
  style: 'csc' | 'laif' | 'easybuild';
  conda: boolean;
  bindings: boolean;
  from: boolean;
  /** --style given (else chosen from the image name). */
  explicitStyle?: boolean;
  /** --persistent: python runs between container-start and container-stop, in the instance. */
  persistent?: boolean;
}

const cases: Case[] = [];
for (const conda of [true, false])
  for (const bindings of [true, false])
    for (const from of [false, true]) cases.push({ style: 'csc', conda, bindings, from });
// LAIF: no conda, its own bindings module; the style from the image name or given.
for (const explicitStyle of [false, true])
  cases.push({ style: 'laif', conda: false, bindings: true, from: false, explicitStyle });
// LUMI EasyBuild style: binds through SINGULARITY_BIND itself (no bindings module); conda or not;
// the style given, or chosen from an image in LUMI's easybuild-sif-images repository.
for (const conda of [true, false])
  cases.push({ style: 'easybuild', conda, bindings: false, from: false, explicitStyle: true });
cases.push({ style: 'easybuild', conda: true, bindings: false, from: false, explicitStyle: false });
// --persistent with each style and with --from.
cases.push({ style: 'csc', conda: true, bindings: true, from: false, persistent: true });
cases.push({ style: 'csc', conda: true, bindings: true, from: true, persistent: true });
cases.push({ style: 'laif', conda: false, bindings: true, from: false, persistent: true });
cases.push({
  style: 'easybuild',
  conda: false,
  bindings: false,
  from: false,
  explicitStyle: true,
  persistent: true,
});

let dir: string;
let standin: ContainerStandin;
let laifStandin: ContainerStandin;
let laifImage: string;
let ebImage: string;
let condaImage: string;
let plainImage: string;
let imagePython: string; // a directory whose `python` stands for a no-conda image's own python on PATH
let script: string;
let bindingsModules: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-matrix-'));
  mkdirSync(join(dir, 'images'));
  condaImage = join(dir, 'images', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif');
  plainImage = join(dir, 'images', 'plain-python.sif');
  writeFileSync(condaImage, '');
  writeFileSync(plainImage, '');
  imagePython = join(dir, 'image-python');
  mkdirSync(imagePython);
  symlinkSync('/usr/bin/python3', join(imagePython, 'python'));
  script = join(dir, 'job.py');
  writeFileSync(
    script,
    'import json, os, sys\nprint(json.dumps([sys.argv[1:], os.path.isdir("/.singularity.d"), os.environ.get("CONDA_DEFAULT_ENV"), os.environ.get("VIRTUAL_ENV")]))\n',
  );
  standin = createContainerStandin(join(dir, 'standin'));
  laifStandin = createContainerStandin(join(dir, 'laif-standin'), { condaEnvs: [], venv: true });
  laifImage = join(dir, 'images', 'lumi-multitorch-full-u24r70f21m50t210-20250827_120000.sif');
  writeFileSync(laifImage, '');
  mkdirSync(join(dir, 'easybuild-sif-images'));
  ebImage = join(
    dir,
    'easybuild-sif-images',
    'lumi-pytorch-rocm-6.2.4-python-3.12-pytorch-v2.7.1-dockerhash-0d479e852886.sif',
  );
  writeFileSync(ebImage, '');
  // singularity-AI-bindings as on LUMI (it sets SINGULARITY_BIND), binding a directory that exists
  // here: the stand-in, like singularity, refuses a bind source that does not exist.
  const libs = join(dir, 'host-libs');
  mkdirSync(libs);
  bindingsModules = join(dir, 'site-modules');
  mkdirSync(join(bindingsModules, 'singularity-AI-bindings'), { recursive: true });
  writeFileSync(
    join(bindingsModules, 'singularity-AI-bindings', '24.03.lua'),
    `prepend_path("SINGULARITY_BIND", ${JSON.stringify(libs)}, ",")\n`,
  );
  mkdirSync(join(bindingsModules, 'lumi-aif-singularity-bindings'));
  writeFileSync(
    join(bindingsModules, 'lumi-aif-singularity-bindings', '1.0.lua'),
    `prepend_path("SINGULARITY_BIND", ${JSON.stringify(libs)}, ",")\n`,
  );
  // A --from source without a bindings dependency: CSC's module with that line removed.
  writeFileSync(
    join(dir, 'no-bindings.lua'),
    readFileSync(cscModule, 'utf8').replace('depends_on("singularity-AI-bindings")\n', ''),
  );
});
after(() => {
  standin?.dispose();
  laifStandin?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('scaffold matrix: check-clean, loads under Lmod, python runs in the stand-in', () => {
  for (const c of cases) {
    const label = `${c.style}${c.explicitStyle ? ' (--style)' : ''}, ${c.conda ? 'conda' : 'no conda'}, ${c.bindings ? 'bindings' : 'no bindings'}, ${c.from ? '--from' : 'template'}${c.persistent ? ', --persistent' : ''}`;
    it(label, () => {
      const root = join(dir, label.replace(/[^a-z]+/g, '-'));
      const laif = c.style === 'laif';
      const easybuild = c.style === 'easybuild';
      const image = laif
        ? laifImage
        : easybuild && !c.explicitStyle
          ? ebImage
          : c.conda
            ? condaImage
            : plainImage;
      const args = ['scaffold', '--name', 'mx', '--version', '1.0', '--root', root, '--image', image];
      if (!c.conda && !laif) args.push('--no-conda');
      if (c.explicitStyle) args.push('--style', c.style);
      if (c.bindings && !c.from && !laif) args.push('--bindings', 'singularity-AI-bindings');
      if (c.from) args.push('--from', c.bindings ? cscModule : join(dir, 'no-bindings.lua'));
      if (c.persistent) args.push('--persistent');
      const made = runCli(args);
      assert.equal(made.code, 0, made.stderr);
      const module = readFileSync(join(root, 'modules', 'mx', '1.0.lua'), 'utf8');
      assert.equal(
        new RegExp(
          `depends_on\\(["']${laif ? 'lumi-aif-singularity-bindings' : 'singularity-AI-bindings'}["']\\)`,
        ).test(module),
        c.bindings,
        'bindings dependency as asked',
      );
      if (laif || easybuild) assert.match(module, /^setenv\("SIF", /m);
      assert.equal(
        /^setenv\("SING_IMAGE"/m.test(module),
        !easybuild,
        "LUMI's EasyBuild modules set no SING_IMAGE",
      );
      if (easybuild)
        for (const v of ["'SIFMX'", '"CONTAINERROOT"', '"SINGULARITY_BIND"', "'RUNSCRIPTSMX'"])
          assert.match(module, new RegExp(`^setenv\\(${v}, `, 'm'));
      assert.equal(/^setenv\("WITH_CONDA"/m.test(module), c.conda, 'WITH_CONDA as asked');

      // Without PROJHOME: the module finds its home from its own location. LUMI's bindings module
      // directory (under /appl, absent here) is the one path that is rightly "not checked".
      const checked = runCli(['check', '--format', 'json', root]);
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
      const lines = module.split('\n');
      const findings = (
        JSON.parse(checked.stdout) as { code: string; range: { start: { line: number } } }[]
      ).filter((f) => !(f.code === 'paths-not-checked' && /bindingsModules/.test(lines[f.range.start.line])));
      assert.deepEqual(findings, [], 'zero findings');

      const runtimeLog = (laif ? laifStandin : standin).logFile;
      const logBefore = readFileSync(runtimeLog, 'utf8').length;
      const loaded = runModuleCommands(
        [
          ['use', bindingsModules],
          ['use', join(root, 'modules')],
          ['load', 'mx/1.0'],
        ],
        {
          PATH: laif ? `${laifStandin.binDir}:${hostPath}` : `${standin.binDir}:${imagePython}:${hostPath}`,
          XDG_RUNTIME_DIR: dir,
        },
        (c.persistent ? 'container-start; ' : '') +
          `python ${shellQuote(script)} 'a b' "it's"; echo "BIND=\${SINGULARITY_BIND:-}" >&2` +
          (c.persistent ? '; container-stop' : '') +
          (easybuild
            ? `; singularity exec "$SIFMX" conda-python-simple ${shellQuote(script)} 'a b' "it's"`
            : ''),
      );
      assert.equal(loaded.status, 0, loaded.stderr);
      assert.match(loaded.stderr, /Module mx\/1\.0 loaded/);
      if (c.persistent) {
        assert.match(loaded.stderr, /container-start: python, pip, \.\.\. now run in instance /);
        assert.match(
          readFileSync(runtimeLog, 'utf8').slice(logBefore),
          /^join instance:\/\/\S+ bash$/m,
          'python ran in the instance',
        );
      }
      assert.match(
        loaded.stderr,
        c.bindings
          ? /^BIND=.*host-libs$/m
          : easybuild
            ? new RegExp(`^BIND=${root}/runscripts:/runscripts(,|$)`, 'm')
            : /^BIND=$/m,
      );
      const expected = [['a b', "it's"], true, c.conda ? 'pytorch' : null, laif ? '/opt/venv' : null];
      // The easybuild style: the same from the run script in /runscripts (bound and on PATH in the
      // container).
      assert.deepEqual(
        loaded.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
        easybuild ? [expected, expected] : [expected],
      );
    });
  }
});

describe('easybuild style: the distributed run script', () => {
  it("sets PyTorch's rendezvous from Slurm's variables (first node of a bracketed node list) and runs python in the container", () => {
    const root = join(dir, 'eb-distributed');
    const made = runCli([
      'scaffold',
      '--name',
      'eb',
      '--version',
      '1.0',
      '--root',
      root,
      '--image',
      condaImage,
      '--style',
      'easybuild',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const probe =
      'import json, os; print(json.dumps([os.environ[k] for k in ("MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK", "LOCAL_RANK", "ROCR_VISIBLE_DEVICES", "CONDA_DEFAULT_ENV")]))';
    const slurm =
      "SLURM_PROCID=5 SLURM_LOCALID=1 SLURM_NODEID=0 SLURM_NTASKS=16 SLURM_NODELIST='nid[005-007,009],nid020'";
    const loaded = runModuleCommands(
      [
        ['use', join(root, 'modules')],
        ['load', 'eb/1.0'],
      ],
      { PATH: `${standin.binDir}:${hostPath}` },
      `${slurm} singularity exec "$SIFEB" conda-python-distributed -c ${shellQuote(probe)}; singularity exec "$SIF" conda-python-distributed -c 1 || echo "exit=$?"`,
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    const [json, exit] = loaded.stdout.trim().split('\n');
    assert.deepEqual(JSON.parse(json), ['nid005', '29500', '16', '5', '1', '1', 'pytorch']);
    assert.equal(exit, 'exit=1', 'outside a Slurm task it refuses');
    assert.match(loaded.stderr, /run it in a Slurm task/);
  });
});
