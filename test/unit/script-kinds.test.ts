// Scripts classified by what they are (core/analysis/wrapper/scriptKind.ts): each class of issue 25
// by its smallest text, and each claim about bash run in bash (a `singularity` stub on PATH or not).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { checkProject } from '../../core/analysis/project/checkProject';
import { analyzeWrapper } from '../../core/analysis/wrapper/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';

let dir: string;
before(async () => {
  await initBashParser();
  dir = mkdtempSync(join(tmpdir(), 'lumi-scriptkinds-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const found = (text: string, file: string, onModulePath?: boolean) =>
  analyzeWrapper(text, file, { modulesSettingWithConda: [], onModulePath }).findings;
const codes = (text: string, file: string, onModulePath?: boolean) =>
  found(text, file, onModulePath).map((f) => f.code);

/** Runs bash code with PATH = the given bin directories and /usr/bin:/bin. */
function bash(code: string, bins: string[], env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', code], {
    encoding: 'utf8',
    env: { PATH: [...bins, '/usr/bin', '/bin'].join(':'), ...env },
  });
  return r.stdout.trim();
}

const JOB_SCRIPT = `#!/bin/bash
#SBATCH --partition=small-g
#SBATCH --gpus-per-node=1
srun singularity run $SIF python train.py
`;

describe('script kinds', () => {
  it('a Slurm job script gets no wrapper rule (it is run once by sbatch, never found on PATH)', () => {
    assert.deepEqual(codes(JOB_SCRIPT, '/p/job.sh', false), []);
    assert.deepEqual(codes(JOB_SCRIPT, '/p/job.sh'), []);
    // The same lines as a module's wrapper are judged as one.
    assert.ok(codes(JOB_SCRIPT, '/p/bin/python', true).includes('wrapper-no-container-check'));
  });

  it('a demo command list or installer not on PATH gets no wrapper rule', () => {
    const demo = `#!/bin/bash\nsingularity exec $IMG python -c 'import torch'\nsingularity exec $IMG pip list\n`;
    assert.deepEqual(codes(demo, '/p/demo.sh', false), []);
  });

  it('what execs the command it is named after is a wrapper, on PATH or not', () => {
    const w = `#!/bin/bash\nexec singularity exec "$SING_IMAGE" python "$@"\n`;
    assert.ok(codes(w, '/p/bin/python', false).includes('wrapper-no-container-check'));
    const bySelf = `#!/bin/bash\ncmd=$(basename "$0")\nsingularity exec "$SIF" $cmd\n`;
    assert.ok(codes(bySelf, '/p/bin/tool', false).includes('wrapper-no-container-check'));
  });

  it('srun singularity and bare singularity alike; the message names run for run', () => {
    const bare = `#!/bin/bash\nexec singularity run "$SING_IMAGE" python "$@"\n`;
    const srun = `#!/bin/bash\nexec srun -n 2 singularity run "$SING_IMAGE" python "$@"\n`;
    const message = (t: string) =>
      found(t, '/p/bin/python', true).find((f) => f.code === 'wrapper-no-container-check')?.message;
    assert.match(message(bare) ?? '', /^singularity run runs with no check/);
    assert.match(message(srun) ?? '', /^singularity run runs with no check/);
  });

  it('a wrapper that detects the container by the absence of singularity is checked', () => {
    const w = `#!/bin/bash\ncommand -v singularity >/dev/null || exec python3 "$@"\nexec singularity exec "$SING_IMAGE" python3 "$@"\n`;
    assert.ok(!codes(w, '/p/bin/python3', true).includes('wrapper-no-container-check'));
    // bash: without singularity on PATH (inside the container) the wrapper runs the program itself.
    const stubs = join(dir, 'stubs');
    mkdirSync(stubs, { recursive: true });
    writeFileSync(join(stubs, 'singularity'), '#!/bin/sh\necho "container: $*"\n');
    chmodSync(join(stubs, 'singularity'), 0o755);
    const script = join(dir, 'python3');
    writeFileSync(script, w.replace(/python3 "\$@"\n/, 'echo "direct: $*"\n'));
    chmodSync(script, 0o755);
    assert.equal(bash(`${script} x`, [], { SING_IMAGE: 'a.sif' }), 'direct: x');
    assert.equal(bash(`${script} x`, [stubs], { SING_IMAGE: 'a.sif' }), 'container: exec a.sif python3 x');
    // A plain lookup of the runtime is no such check.
    const lookup = `#!/bin/bash\nruntime=$(command -v singularity) || exit 1\nexec "$runtime" exec "$SING_IMAGE" python3 "$@"\n`;
    assert.ok(codes(lookup, '/p/bin/python3', true).includes('wrapper-no-container-check'));
  });
});

describe('a launcher cannot call itself', () => {
  // dl_mouse_human (ChloeJaro/dl_mouse_human@bcae962, CC-BY-4.0): job scripts call this script by
  // path; it runs another script of its own in the container and passes its arguments on.
  const LAUNCHER = `#!/bin/bash\nsingularity run --nv --bind ./:/usr/src deeplearn.sif r_run.sh "$@"\n`;

  /**
   * A `singularity` stand-in that counts the containers started and runs what follows the image with
   * the caller's PATH (the wrapper's directory bound and on PATH inside, the worst case for a loop).
   */
  function runWithStandin(scriptName: string, text: string, program: string): number {
    const bin = mkdtempSync(join(dir, 'bin-'));
    const starts = join(bin, 'starts');
    writeFileSync(
      join(bin, 'singularity'),
      `#!/bin/bash\necho x >> ${starts}\n[ $(wc -l < ${starts}) -gt 3 ] && exit 9\n` +
        'shift; while [ "${1#-}" != "$1" ]; do case $1 in --bind|-B) shift;; esac; shift; done\n' +
        'shift; exec "$@"\n',
    );
    writeFileSync(join(bin, program), '#!/bin/sh\necho "ran $0"\n');
    writeFileSync(join(bin, scriptName), text);
    for (const f of ['singularity', program, scriptName]) chmodSync(join(bin, f), 0o755);
    bash(`${scriptName} a`, [bin]);
    return readFileSync(starts, 'utf8').split('\n').filter(Boolean).length;
  }

  it('not on PATH and running no program of its own name: no wrapper-no-container-check', () => {
    assert.ok(!codes(LAUNCHER, '/p/singularity_r_run.sh', false).includes('wrapper-no-container-check'));
    // Still used in place of a program: the other wrapper rules hold.
    const unquoted = LAUNCHER.replace('"$@"', '$@');
    assert.ok(codes(unquoted, '/p/singularity_r_run.sh', false).includes('wrapper-unquoted-args'));
    // On a module's PATH it is judged as a wrapper.
    assert.ok(codes(LAUNCHER, '/p/bin/singularity_r_run.sh', true).includes('wrapper-no-container-check'));
  });

  it('bash: the launcher starts one container; a wrapper named after its program loops', () => {
    assert.equal(runWithStandin('singularity_r_run.sh', LAUNCHER, 'r_run.sh'), 1);
    const wrapper = LAUNCHER.replace('r_run.sh', 'python');
    assert.ok(codes(wrapper, '/p/python', false).includes('wrapper-no-container-check'));
    assert.ok(runWithStandin('python', wrapper, 'python-real') > 3);
  });
});

describe('what runs a script is its #! line', () => {
  it('a Python script that mentions singularity, executable or on PATH, is no shell wrapper', async () => {
    // SJTU-HPC/container-modules' manage.py: `#!/usr/bin/env python3` generating modules that call
    // singularity. The kernel runs python3 on it; ShellCheck's parse errors on it were false.
    const tree = join(dir, 'py-tree');
    mkdirSync(join(tree, 'tool'), { recursive: true });
    mkdirSync(join(tree, 'bin'));
    const python =
      '#!/usr/bin/env python3\nimport logging\n\n' +
      "logging.basicConfig(format='[%(levelname)s]: %(message)s',\n                    level=logging.DEBUG)\n" +
      'dst, url = "a.sif", "ubuntu"\ncmd = f"singularity pull --force {dst} docker://{url}"\n';
    for (const file of [join(tree, 'manage.py'), join(tree, 'bin', 'tool')]) {
      writeFileSync(file, python);
      chmodSync(file, 0o755);
    }
    writeFileSync(join(tree, 'tool', '1.0.lua'), `prepend_path("PATH", "${tree}/bin")\n`);
    const env = makeEnv({ processEnv: {}, shellcheck: { enabled: true, path: 'shellcheck' } });
    const findings = await checkProject([tree], '/', env);
    assert.deepEqual(
      findings.filter((f) => !f.file.endsWith('.lua')).map((f) => `${f.file} ${f.code}`),
      [],
    );
    // A shell's #! (through env -S) makes it a wrapper, checked as one.
    writeFileSync(join(tree, 'bin', 'tool'), '#!/usr/bin/env -S bash -e\nsingularity exec /x.sif tool $@\n');
    const shell = await checkProject([tree], '/', env);
    assert.ok(
      shell.some((f) => f.file === join(tree, 'bin', 'tool') && f.code === 'wrapper-no-container-check'),
      shell.map((f) => `${f.file} ${f.code}`).join('\n'),
    );
    // What the kernel does: python3 runs the file, bash never parses it.
    const r = spawnSync(join(tree, 'manage.py'), [], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});

describe('$WITH_CONDA follows the image in whatever variable holds it', () => {
  const job = (variable: string, image: string) => `#!/bin/bash
#SBATCH --partition=small-g
${variable}=${image}
srun singularity exec $${variable} bash -c '$WITH_CONDA && python train.py'
`;
  const LUMI_IMAGE =
    '/appl/local/containers/sif-images/lumi-pytorch-rocm-6.2.1-python-3.12-pytorch-v2.5.1.sif';

  it("LUMI's image sets WITH_CONDA to one command: run as a command it works (bash)", () => {
    const act = join(dir, 'activate');
    writeFileSync(act, 'CONDA_DEFAULT_ENV=$1\n');
    assert.equal(
      bash(`$WITH_CONDA && echo "$CONDA_DEFAULT_ENV"`, [], { WITH_CONDA: `source ${act} pytorch` }),
      'pytorch',
    );
    // A value with && is split: && becomes an argument of source, the second command never runs.
    assert.equal(
      bash(`$WITH_CONDA; echo "[$CONDA_DEFAULT_ENV]"`, [], {
        WITH_CONDA: `source ${act} && CONDA_DEFAULT_ENV=x`,
      }),
      '[&&]',
    );
  });

  it('the image in CONTAINER= is judged as in SIF=: LUMI images are not flagged, others are', () => {
    const flagged = (t: string) =>
      codes(t, '/p/train.sh', false).includes('wrapper-with-conda-not-evaluated');
    assert.equal(flagged(job('SIF', LUMI_IMAGE)), false);
    assert.equal(flagged(job('CONTAINER', LUMI_IMAGE)), false);
    assert.equal(flagged(job('CONTAINER', '/home/u/images/my.sif')), true);
  });
});
