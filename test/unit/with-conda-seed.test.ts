// The seed user's conda bug (issue 26): their copy of CSC's python wrapper builds
// `CONTAINER_CMD="\$WITH_CONDA && "` and runs `bash -c "$CONTAINER_CMD python ..."`. Inside, the
// module's `source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch` is word-split, not
// evaluated: `&&` is an argument of `source` and conda activate never runs. bash decides here: the
// wrapper runs under bash with a Singularity stand-in (a script that runs the command it is given),
// a conda.sh whose `conda` logs its arguments, and a python that says it ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Finding } from '../../core/analysis/types';
import { analyzeWrapper } from '../../core/analysis/wrapper/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';

const SEED_WRAPPER = `#!/bin/bash
if [ -z "$SING_IMAGE" ]; then
  echo "SING_IMAGE is not set: load the module first" >&2
  exit 1
fi
cmd=$(basename "$0")
if [ -d /.singularity.d ]; then
  exec "$cmd" "$@"
fi
DIR=$(dirname "$(readlink -f "$0")")
SING_FLAGS="$SING_FLAGS -B $DIR"
export SINGULARITYENV_VIRTUAL_ENV="\${VIRTUAL_ENV:-}"
CONTAINER_CMD="\\$WITH_CONDA && "
exec singularity exec $SING_FLAGS "$SING_IMAGE" bash -c "$CONTAINER_CMD exec -a $0 python $(printf ' %q' "$@")"
`;

const CODE = 'wrapper-with-conda-not-evaluated';

function analyze(text: string): Finding[] {
  return analyzeWrapper(text, '/home/p/bin/python', {
    modulesSettingWithConda: ['/home/p/modules/m/1.0.lua'],
  }).findings;
}

function applyFix(text: string, finding: Finding): string {
  const lines = text.split('\n');
  const edit = finding.fixes![0].edits[0];
  assert.equal(edit.range.start.line, edit.range.end.line);
  const line = lines[edit.range.start.line];
  lines[edit.range.start.line] =
    line.slice(0, edit.range.start.character) + edit.newText + line.slice(edit.range.end.character);
  return lines.join('\n');
}

let dir: string;
before(async () => {
  await initBashParser();
  dir = mkdtempSync(join(tmpdir(), 'with-conda-seed-'));
  mkdirSync(join(dir, 'standin'));
  mkdirSync(join(dir, 'bin'));
  // The stand-in: drops `exec`, the -B flags and the image, then runs the rest as the container would.
  writeFileSync(
    join(dir, 'standin', 'singularity'),
    '#!/bin/bash\nshift\nwhile [[ $1 == -* ]]; do shift 2; done\nshift\nexec "$@"\n',
  );
  writeFileSync(join(dir, 'standin', 'python'), '#!/bin/bash\necho "python ran: $*"\n');
  writeFileSync(join(dir, 'conda.sh'), 'conda() { echo "conda $*" >> "$CONDA_LOG"; }\n');
  chmodSync(join(dir, 'standin', 'singularity'), 0o755);
  chmodSync(join(dir, 'standin', 'python'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a wrapper text under bash with the module's WITH_CONDA: what python printed and what conda got. */
function runUnderBash(text: string, name: string): { stdout: string; conda: string } {
  const wrapper = join(dir, 'bin', name);
  const log = join(dir, `${name}.log`);
  writeFileSync(wrapper, text);
  writeFileSync(log, '');
  const r = spawnSync('bash', [wrapper, 'train.py', '--epochs', '2'], {
    encoding: 'utf8',
    env: {
      PATH: `${join(dir, 'standin')}:/usr/bin:/bin`,
      SING_IMAGE: join(dir, 'image.sif'),
      WITH_CONDA: `source ${join(dir, 'conda.sh')} && conda activate pytorch`,
      CONDA_LOG: log,
    },
  });
  assert.equal(r.status, 0, r.stderr);
  return { stdout: r.stdout, conda: readFileSync(log, 'utf8') };
}

describe('the seed\'s CONTAINER_CMD="\\$WITH_CONDA && " wrapper', () => {
  it('bash: python runs, conda activate does not', () => {
    const { stdout, conda } = runUnderBash(SEED_WRAPPER, 'seed');
    assert.equal(stdout, 'python ran: train.py --epochs 2\n');
    assert.equal(conda, '', 'conda activate never ran');
  });

  it('is found, with a quick fix; the fixed wrapper is clean and runs conda activate under bash', () => {
    const found = analyze(SEED_WRAPPER).filter((f) => f.code === CODE);
    assert.equal(found.length, 1, JSON.stringify(analyze(SEED_WRAPPER)));
    assert.equal(found[0].severity, 'warning');
    assert.ok(found[0].message.length <= 100, found[0].message);
    assert.equal(found[0].range.start.line, 13, 'on the bash -c string');
    const fixed = applyFix(SEED_WRAPPER, found[0]);
    assert.match(fixed, /^CONTAINER_CMD="eval \\"\\\$WITH_CONDA\\" && "$/m, 'the fix edits the assignment');
    assert.deepEqual(
      analyze(fixed).filter((f) => f.code === CODE || f.code === 'wrapper-no-with-conda'),
      [],
    );
    const { stdout, conda } = runUnderBash(fixed, 'fixed');
    assert.equal(stdout, 'python ran: train.py --epochs 2\n');
    assert.equal(conda, 'conda activate pytorch\n');
  });

  it('a host variable assigned twice (value unknown here) is no finding', () => {
    const twice = SEED_WRAPPER.replace(
      'CONTAINER_CMD="\\$WITH_CONDA && "',
      'CONTAINER_CMD="\\$WITH_CONDA && "\nCONTAINER_CMD=""',
    );
    assert.deepEqual(
      analyze(twice).filter((f) => f.code === CODE),
      [],
    );
  });
});
