// Wrapper rules agree with bash (issue 12): quoting as bash splits words, ShellCheck's quoting
// findings not repeated under our code, wrapper-no-venv for Python wrappers only, and $WITH_CONDA
// run as a command (plain or in bash -c) found, with bash itself showing why it is a bug.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { finalizeFindings } from '../../core/analysis/policy';
import { analyzeWrapper } from '../../core/analysis/wrapper/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { runShellcheck } from '../../core/analysis/wrapper/shellcheck';

const env = makeEnv({ processEnv: {}, shellcheck: { enabled: true, path: 'shellcheck' } });

/** A container wrapper whose run line is `body` (guarded, so only the rule under test can fire). */
function wrapper(body: string, inside = 'exec "$cmd" "$@"'): string {
  return `#!/bin/bash
cmd=$(basename "$0")
if [ -z "\${SING_IMAGE:-}" ]; then echo "load the module" >&2; exit 1; fi
if [ -d /.singularity.d ]; then
  ${inside}
fi
export SINGULARITYENV_VIRTUAL_ENV="\${VIRTUAL_ENV:-}"
${body}
`;
}

function findings(text: string, path = '/p/bin/python') {
  return analyzeWrapper(text, path, { modulesSettingWithConda: [] }).findings;
}
const codes = (text: string, path?: string) => findings(text, path).map((f) => f.code);
const at = (
  text: string,
  f: { range: { start: { line: number; character: number }; end: { character: number } } },
) => text.split('\n')[f.range.start.line].slice(f.range.start.character, f.range.end.character);

before(() => initBashParser());

describe('wrapper-unquoted-args agrees with bash', () => {
  it('bash keeps "${@:2}" and "x$@" as separate arguments and splits unquoted ${@:2}', () => {
    const count = (expr: string) =>
      spawnSync('bash', ['-c', `set -- a 'b c' 'd e'; n() { echo $#; }; n ${expr}`], {
        encoding: 'utf8',
      }).stdout.trim();
    assert.equal(count('"${@:2}"'), '2');
    assert.equal(count('${@:2}'), '4');
    assert.equal(count('"x$@"'), '3');
    assert.equal(count('"$*"'), '1');
  });

  it('no finding on "${@:2}"; a finding on unquoted ${@:2}, $@ in the inside branch and in a for loop, "x $@" in bash -c', () => {
    assert.deepEqual(codes(wrapper('exec singularity exec "$SING_IMAGE" python "${@:2}"')), []);
    const mixed = wrapper('exec singularity exec "$SING_IMAGE" bash -c "python $@"');
    assert.match(findings(mixed).find((x) => x.code === 'wrapper-unquoted-args')!.message, /glued/);
    const slice = wrapper('exec singularity exec "$SING_IMAGE" python ${@:2}');
    const f = findings(slice).find((x) => x.code === 'wrapper-unquoted-args')!;
    assert.equal(at(slice, f), '${@:2}');
    assert.equal(f.fixes![0].edits[0].newText, '"${@:2}"');
    // Not only in the container command: the inside-the-container branch runs python too.
    const inside = wrapper('exec singularity exec "$SING_IMAGE" python "$@"', 'python3 $@');
    assert.deepEqual(
      findings(inside)
        .filter((x) => x.code === 'wrapper-unquoted-args')
        .map((x) => at(inside, x)),
      ['$@'],
    );
    const loop = wrapper('for a in $@; do echo "$a"; done\nexec singularity exec "$SING_IMAGE" python "$@"');
    assert.deepEqual(
      findings(loop)
        .filter((x) => x.code === 'wrapper-unquoted-args')
        .map((x) => at(loop, x)),
      ['$@'],
    );
  });

  it("reports what ShellCheck reports, once: under ShellCheck's code when it runs", async () => {
    for (const text of [
      wrapper('exec singularity exec "$SING_IMAGE" python ${@:2}'),
      wrapper('exec singularity exec "$SING_IMAGE" python "$@"', 'python3 $*'),
    ]) {
      const ours = findings(text).filter((f) => f.code === 'wrapper-unquoted-args');
      assert.equal(ours.length, 1);
      const shellcheck = await runShellcheck(text, env);
      const same = shellcheck.filter(
        (s) => ['SC2068', 'SC2048'].includes(s.code) && s.range.start.line === ours[0].range.start.line,
      );
      assert.equal(same.length, 1, `ShellCheck finds the same expansion: ${JSON.stringify(shellcheck)}`);
      const all = finalizeFindings([...findings(text), ...shellcheck], { text, syntax: 'shell' });
      assert.ok(!all.some((f) => f.code === 'wrapper-unquoted-args'), 'not reported twice');
      assert.ok(all.some((f) => f.code === same[0].code));
      // Without ShellCheck ours stays.
      assert.ok(
        finalizeFindings(findings(text), { text, syntax: 'shell' }).some(
          (f) => f.code === 'wrapper-unquoted-args',
        ),
      );
    }
  });
});

describe('wrapper-no-venv for Python wrappers only', () => {
  it('fires for a wrapper named python or running python, not for an R wrapper', () => {
    const r = wrapper('exec singularity exec "$SING_IMAGE" R "$@"').replace(/.*VIRTUAL_ENV.*\n/, '');
    assert.ok(codes(r, '/p/bin/python3').includes('wrapper-no-venv'), 'named python3');
    assert.ok(!codes(r, '/p/bin/R').includes('wrapper-no-venv'), 'R wrapper: no venv finding');
    const runsPython = wrapper('exec singularity exec "$SING_IMAGE" python3.12 "$@"').replace(
      /.*VIRTUAL_ENV.*\n/,
      '',
    );
    assert.ok(codes(runsPython, '/p/bin/run').includes('wrapper-no-venv'), 'runs python3.12');
  });
});

describe('wrapper-with-conda-not-evaluated', () => {
  const WITH_CONDA = 'echo activated && echo conda-activate-ran';

  it('bash: $WITH_CONDA as a command passes && as a word; eval runs both', () => {
    const run = (code: string) =>
      spawnSync('bash', ['-c', code], { encoding: 'utf8', env: { PATH: process.env.PATH, WITH_CONDA } })
        .stdout;
    assert.equal(
      run('bash -c "\\$WITH_CONDA && echo python-ran"'),
      'activated && echo conda-activate-ran\npython-ran\n',
    );
    assert.equal(
      run('bash -c "eval \\"\\$WITH_CONDA\\" && echo python-ran"'),
      'activated\nconda-activate-ran\npython-ran\n',
    );
    assert.equal(
      run("bash -c '$WITH_CONDA && echo python-ran'"),
      'activated && echo conda-activate-ran\npython-ran\n',
    );
  });

  it('fires plain, in bash -c "..." and in bash -c \'...\'; never with eval', () => {
    const cases: [string, boolean][] = [
      ['exec singularity exec "$SING_IMAGE" bash -c "\\$WITH_CONDA && python \\"\\$@\\"" python "$@"', true],
      ['exec singularity exec "$SING_IMAGE" bash -c \'$WITH_CONDA && python "$@"\' python "$@"', true],
      ['exec singularity exec "$SING_IMAGE" bash -c \'${WITH_CONDA}; exec python "$@"\' python "$@"', true],
      [
        'exec singularity exec "$SING_IMAGE" bash -c "eval \\"\\$WITH_CONDA\\" && python \\"\\$@\\"" python "$@"',
        false,
      ],
      [
        'exec singularity exec "$SING_IMAGE" bash -c \'eval "$WITH_CONDA" && python "$@"\' python "$@"',
        false,
      ],
      ['exec singularity exec "$SING_IMAGE" python "$@"', false],
    ];
    for (const [body, expected] of cases) {
      const f = findings(wrapper(body)).filter((x) => x.code === 'wrapper-with-conda-not-evaluated');
      assert.equal(f.length, expected ? 1 : 0, body);
      if (expected) assert.equal(f[0].severity, 'warning');
    }
    const plain = wrapper(
      'exec singularity exec "$SING_IMAGE" python "$@"',
      '$WITH_CONDA && exec "$cmd" "$@"',
    );
    const f = findings(plain).find((x) => x.code === 'wrapper-with-conda-not-evaluated')!;
    assert.equal(at(plain, f), '$WITH_CONDA');
    assert.equal(f.fixes![0].edits[0].newText, 'eval "$WITH_CONDA"');
    assert.ok(
      !codes(plain.replace('$WITH_CONDA &&', 'eval "$WITH_CONDA" &&')).includes(
        'wrapper-with-conda-not-evaluated',
      ),
    );
  });

  it('no false alarms on bash -c "\\$WITH_CONDA && python \\"\\$@\\"" python "$@" (escaped: nothing joined, nothing expanded on the host)', () => {
    const text = wrapper(
      'exec singularity exec "$SING_IMAGE" bash -c "\\$WITH_CONDA && python \\"\\$@\\"" python "$@"',
    );
    assert.deepEqual(codes(text), ['wrapper-with-conda-not-evaluated']);
    // The host-expansion finding stays where $WITH_CONDA really expands on the host.
    assert.ok(
      codes(
        wrapper('exec singularity exec "$SING_IMAGE" bash -c "eval $WITH_CONDA && python" python'),
      ).includes('wrapper-no-with-conda'),
    );
  });
});

// Shapes found in the real-world corpus review (test/corpus/REVIEW.md), as minimal wrappers of our own.
describe('conventions and launchers (corpus review)', () => {
  it("bash: LUMI's image value of WITH_CONDA (one command) runs as a command; CSC's (with &&) does not", () => {
    const dir = mkdtempSync(join(tmpdir(), 'with-conda-'));
    try {
      writeFileSync(join(dir, 'activate'), 'ACTIVATED="$1"\n');
      writeFileSync(join(dir, 'conda.sh'), 'conda() { ACTIVATED="$2"; }\n');
      const run = (value: string) =>
        spawnSync('bash', ['-c', 'bash -c \'$WITH_CONDA ; echo "activated: $ACTIVATED"\''], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, WITH_CONDA: value },
        }).stdout;
      assert.equal(run(`source ${join(dir, 'activate')} jax`), 'activated: jax\n');
      assert.equal(run(`source ${join(dir, 'conda.sh')} && conda activate pytorch`), 'activated: \n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wrapper-with-conda-not-evaluated: not in a LUMI EasyBuild wrapper ($SIF...) unless a module on PATH sets WITH_CONDA', () => {
    const lumi =
      '#!/bin/bash -e\nif [ -d /.singularity.d ]; then exec bash "$@"; fi\nsingularity exec $SIFJAX bash -c \'$WITH_CONDA ; exec bash\'\n';
    const on = (text: string, withConda: string[]) =>
      analyzeWrapper(text, '/p/bin/start-shell', { modulesSettingWithConda: withConda }).findings.map(
        (f) => f.code,
      );
    assert.deepEqual(on(lumi, []), []);
    assert.ok(
      on(lumi, ['m/1.0.lua']).includes('wrapper-with-conda-not-evaluated'),
      'the module sets the value: CSC style',
    );
    assert.ok(
      on(lumi.replace('$SIFJAX', '"$SING_IMAGE"'), []).includes('wrapper-with-conda-not-evaluated'),
      'SING_IMAGE: CSC style',
    );
  });

  it('wrapper-no-venv: not in a LUMI EasyBuild wrapper (its venv lives in the container)', () => {
    const lumi =
      '#!/bin/bash\nEXEC_BIN=$(basename "$0")\nif [ -d /.singularity.d/ ]; then exit 1; fi\nsingularity exec $SIFPYTORCH $EXEC_BIN "$@"\n';
    assert.ok(!codes(lumi).includes('wrapper-no-venv'));
    assert.ok(codes(lumi.replace('$SIFPYTORCH', '"$SING_IMAGE"')).includes('wrapper-no-venv'));
  });

  it("wrapper-no-container-check: not on a launcher that runs the caller's command; on one that names its own program", () => {
    const noCheck = (run: string) =>
      codes(`#!/bin/bash\ncmd=$(basename "$0")\n${run}\n`, '/p/bin/launcher').includes(
        'wrapper-no-container-check',
      );
    for (const launcher of [
      'singularity exec $SING_FLAGS $SING_IMAGE "${@:2}"',
      'singularity exec "$SIFCCPE" "$@"',
      'singularity run "$SIFCCPE" "$@"',
      'singularity exec --cleanenv /appl/img.sif "$@"',
    ]) {
      assert.equal(noCheck(launcher), false, launcher);
    }
    for (const own of [
      'singularity exec "$SIF" python "$@"',
      'singularity exec "$SING_IMAGE" "$cmd" "$@"',
      'singularity exec -B /appl "$SING_IMAGE" bash -c \'python "$@"\' bash "$@"',
    ]) {
      assert.equal(noCheck(own), true, own);
    }
  });
});

describe('wrapper-error-exits-zero', () => {
  const guarded = (exit: string, message = '>&2 echo "SIF is not set: load the module"') =>
    `#!/bin/bash\nif [ -z "$SIF" ]; then\n    ${message}\n    ${exit}\nfi\nif [ -d /.singularity.d ]; then exit 1; fi\nsingularity exec "$SIF" R "$@"\n`;

  it('bash: a bare exit after the message exits 0, exit 1 exits 1', () => {
    const status = (text: string) =>
      spawnSync('bash', ['-c', text], { encoding: 'utf8', env: { PATH: process.env.PATH } }).status;
    assert.equal(status(guarded('exit')), 0);
    assert.equal(status(guarded('exit 1')), 1);
  });

  it('fires on a bare exit after >&2 echo or echo ... 1>&2, with the fix exit 1; not on exit 1 or after plain echo', () => {
    for (const message of [
      '>&2 echo "SIF is not set"',
      'echo "SIF is not set" 1>&2',
      '1>&2 echo "SIF is not set"',
    ]) {
      const text = guarded('exit', message);
      const f = findings(text, '/p/bin/R').filter((x) => x.code === 'wrapper-error-exits-zero');
      assert.equal(f.length, 1, message);
      assert.equal(f[0].severity, 'warning');
      assert.equal(at(text, f[0]), 'exit');
      assert.equal(f[0].fixes![0].edits[0].newText, 'exit 1');
    }
    assert.ok(!codes(guarded('exit 1'), '/p/bin/R').includes('wrapper-error-exits-zero'));
    assert.ok(!codes(guarded('exit', 'echo "done"'), '/p/bin/R').includes('wrapper-error-exits-zero'));
  });
});
