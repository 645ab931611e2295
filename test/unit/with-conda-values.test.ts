// wrapper-with-conda-not-evaluated is decided by the value the modules of the wrapper's home give
// WITH_CONDA (issue 26). bash is the oracle: each value is run as `$WITH_CONDA` (and `"$WITH_CONDA"`)
// and under `eval "$WITH_CONDA"` with stub commands that print their arguments; where the two runs
// differ the value needs eval, and syntaxLostUnevaluated must say so, and only there. Then the rule
// over the values the module index carries, and the module summary folding the value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, realFileSystem } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { ModuleIndex, moduleSummary } from '../../core/analysis/project/moduleIndex';
import { analyzeWrapper } from '../../core/analysis/wrapper/analyze';
import { syntaxLostUnevaluated } from '../../core/analysis/wrapper/expandedCommand';
import { initBashParser } from '../../core/analysis/wrapper/parser';

const CODE = 'wrapper-with-conda-not-evaluated';
const SIMPLE = 'source /opt/miniconda3/bin/activate pytorch';
const CSC = 'source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch';

let dir: string;
before(async () => {
  await initBashParser();
  dir = mkdtempSync(join(tmpdir(), 'with-conda-values-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What bash prints running `use` (a command line holding $V) with V=value: stubs `source`, `conda`
 * and `x` print their arguments one per bracket; a command not found prints bash's own line.
 */
function bashRun(value: string, use: string): string {
  const script = [
    'source() { printf "source"; printf "[%s]" "$@"; echo; }',
    'conda() { printf "conda"; printf "[%s]" "$@"; echo; }',
    'x() { printf "x"; printf "[%s]" "$@"; echo; }',
    'cd "$1"',
    use,
  ].join('\n');
  const r = spawnSync('bash', ['-c', script, 'bash', dir], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: '/home/u', V: value, A: 'expanded' },
  });
  // bash names the line of the error: the same line in both runs, but `eval` adds "eval: ".
  return (r.stdout + r.stderr.replace(/^bash: (eval: )?line \d+: /gm, 'bash: ')).trim();
}

describe('which WITH_CONDA values work unevaluated: bash decides', () => {
  // One simple command each: unevaluated as under eval.
  const same = [
    SIMPLE,
    'source /opt/miniconda3/bin/activate',
    '  source   /opt/x/bin/activate\tenv  ',
    'x a=b c:d e@f %g +h ,i .j /k',
    'x a*', // globbed both ways
    'x mid#hash mid~tilde {} {a}',
    '',
    '   ',
  ];
  // Each holds syntax bash acts on only when it parses: the two runs differ.
  const differ = [
    CSC,
    'source a; conda activate b',
    'source a || conda activate b',
    'source a | conda activate b',
    'source a & conda activate b',
    'source a > out',
    'source a < /dev/null',
    'x (a)',
    'source "/opt/my conda/bin/activate" env',
    "source '/opt/x/bin/activate' env",
    'source /opt/x/bin/activate\\ env',
    'source $A/bin/activate env',
    'source ${A}/bin/activate env',
    'source $(echo /opt/x)/bin/activate env',
    'source `echo /opt/x`/bin/activate env',
    'source /opt/x/bin/activate\nconda activate env',
    'source /opt/x/bin/activate # the env',
    'source ~/miniconda3/bin/activate env',
    'source /opt/{a,b}/activate',
    'source /opt/{1..2}/activate',
    'CONDA=1 source /opt/x/bin/activate',
    'if true; then source a; fi',
    '! source a',
    '{ source a; }',
    '[[ -f a ]] && source a',
    'time source a',
  ];

  it('bash: the unevaluated run is the eval run exactly for the simple values', () => {
    for (const v of same) assert.equal(bashRun(v, '$V'), bashRun(v, 'eval "$V"'), JSON.stringify(v));
    for (const v of differ) assert.notEqual(bashRun(v, '$V'), bashRun(v, 'eval "$V"'), JSON.stringify(v));
  });

  it('syntaxLostUnevaluated agrees with bash on every value', () => {
    for (const v of same) assert.equal(syntaxLostUnevaluated(v), undefined, JSON.stringify(v));
    for (const v of differ) assert.notEqual(syntaxLostUnevaluated(v), undefined, JSON.stringify(v));
    assert.equal(syntaxLostUnevaluated(CSC), '&&');
    assert.equal(syntaxLostUnevaluated('source a; conda activate b'), ';');
    assert.equal(syntaxLostUnevaluated('source a\nconda activate b'), 'a newline');
  });

  it('quoted, "$WITH_CONDA" is one command name: bash agrees where a value has a blank', () => {
    const quotedSame = ['x', 'source'];
    const quotedDiffer = [SIMPLE, ' x', 'x ', '', 'x*', ...differ];
    writeFileSync(join(dir, 'x1'), '');
    for (const v of quotedSame) {
      assert.equal(bashRun(v, '"$V"'), bashRun(v, 'eval "$V"'), JSON.stringify(v));
      assert.equal(syntaxLostUnevaluated(v, true), undefined, JSON.stringify(v));
    }
    for (const v of quotedDiffer) {
      assert.notEqual(bashRun(v, '"$V"'), bashRun(v, 'eval "$V"'), JSON.stringify(v));
      assert.notEqual(syntaxLostUnevaluated(v, true), undefined, JSON.stringify(v));
    }
  });

  it('bash, with the real files: unevaluated, the miniconda value activates and the conda.sh one does not', () => {
    // A stub conda installation: bin/activate and etc/profile.d/conda.sh set the env as conda does.
    const conda = join(dir, 'opt');
    mkdirSync(join(conda, 'miniconda3', 'bin'), { recursive: true });
    mkdirSync(join(conda, 'conda', 'etc', 'profile.d'), { recursive: true });
    writeFileSync(join(conda, 'miniconda3', 'bin', 'activate'), 'export CONDA_DEFAULT_ENV="$1"\n');
    writeFileSync(
      join(conda, 'conda', 'etc', 'profile.d', 'conda.sh'),
      'conda() { if [ "$1" = activate ]; then export CONDA_DEFAULT_ENV="$2"; fi; }\n',
    );
    chmodSync(join(conda, 'miniconda3', 'bin', 'activate'), 0o644);
    const active = (value: string, use: string) =>
      spawnSync('bash', ['-c', `${use}\necho "env=\${CONDA_DEFAULT_ENV:-none}"`], {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin', WITH_CONDA: value.replaceAll('/opt/', `${conda}/`) },
      }).stdout;
    assert.equal(active(SIMPLE, '$WITH_CONDA'), 'env=pytorch\n');
    assert.equal(active(CSC, '$WITH_CONDA'), 'env=none\n', 'conda activate never ran');
    assert.equal(active(CSC, 'eval "$WITH_CONDA"'), 'env=pytorch\n');
    assert.equal(active(SIMPLE, 'eval "$WITH_CONDA"'), 'env=pytorch\n');
    // The seed's command built up in a host variable, run as the code of the inner bash -c.
    const builtUp =
      'CMD=""; if [ -n "$WITH_CONDA" ]; then CMD="\\$WITH_CONDA && "; fi; CMD+="true"; eval "$CMD"';
    assert.equal(active(CSC, builtUp), 'env=none\n', 'conda activate never ran');
    assert.equal(active(SIMPLE, builtUp), 'env=pytorch\n');
  });
});

const HEAD = '#!/bin/bash\nif [ -z "$SING_IMAGE" ]; then echo "load it" >&2; exit 1; fi\n';
/** Wrappers that run $WITH_CONDA unevaluated, each way the rule knows. */
const UNEVALUATED: Record<string, string> = {
  plain: `${HEAD}if [ -d /.singularity.d ]; then $WITH_CONDA; exec python "$@"; fi\nexec singularity exec "$SING_IMAGE" "$0" "$@"\n`,
  'bash -c': `${HEAD}if [ -d /.singularity.d ]; then exec python "$@"; fi\nexec singularity exec "$SING_IMAGE" bash -c '$WITH_CONDA && exec python "$@"' python "$@"\n`,
  'the seed': `${HEAD}if [ -d /.singularity.d ]; then exec python "$@"; fi\nCMD="\\$WITH_CONDA && "\nexec singularity exec "$SING_IMAGE" bash -c "$CMD exec python $(printf ' %q' "$@")"\n`,
  // Helsinki-NLP/mammoth helper/bin/wrappers/sing-bash (commit 25b1cec9, the seed user's own): the
  // command built up with = in a branch and +=.
  'the seed, built up':
    `${HEAD}if [ -d /.singularity.d ]; then exec python "$@"; fi\nCMD=""\n` +
    `if [ -n "$WITH_CONDA" ]; then\n  CMD="\\$WITH_CONDA && "\nfi\nCMD+="exec -a \\"$0\\" python"\n` +
    `CMD+=" $(printf ' %q' "$@")"\nsingularity exec $BINDINGS $SING_IMAGE bash -c "$CMD"\n`,
};
const QUOTED = UNEVALUATED.plain.replace('$WITH_CONDA;', '"$WITH_CONDA";');

function found(text: string, values: Record<string, string | undefined>): number {
  const modules = Object.keys(values).sort();
  const known = new Map(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
  return analyzeWrapper(text, '/home/p/bin/python', {
    modulesSettingWithConda: modules,
    withCondaValues: known,
  }).findings.filter((f) => f.code === CODE).length;
}

describe('the rule, fed by the values the modules on PATH give WITH_CONDA', () => {
  it('one simple command: no finding; && in the value: a finding; in each way it is run', () => {
    for (const [how, text] of Object.entries(UNEVALUATED)) {
      assert.equal(found(text, { '/m/a.lua': SIMPLE }), 0, how);
      assert.equal(found(text, { '/m/a.lua': CSC }), 1, how);
      assert.equal(found(text, { '/m/a.lua': 'source a; conda activate b' }), 1, how);
    }
  });

  it('not known (not folded) is reported, as is one module of several with shell syntax', () => {
    for (const [how, text] of Object.entries(UNEVALUATED)) {
      assert.equal(found(text, { '/m/a.lua': undefined }), 1, how);
      assert.equal(found(text, { '/m/a.lua': SIMPLE, '/m/b.lua': CSC }), 1, how);
      assert.equal(found(text, { '/m/a.lua': SIMPLE, '/m/b.lua': 'source /x/bin/activate b' }), 0, how);
      // No module sets it: the image does, value unknown (a CSC-style wrapper: reported).
      assert.equal(found(text, {}), 1, how);
    }
  });

  it('"$WITH_CONDA" quoted: a simple command with arguments fails too', () => {
    assert.equal(found(QUOTED, { '/m/a.lua': SIMPLE }), 1);
    assert.equal(found(QUOTED, { '/m/a.lua': 'true' }), 0);
  });

  it('echo of the command line runs nothing: only the singularity line is reported (bash agrees)', () => {
    const built = UNEVALUATED['the seed, built up'];
    const shown = built.replace(/^singularity exec (.*)$/m, 'echo singularity exec $1\nsingularity exec $1');
    assert.equal(found(built, { '/m/a.lua': CSC }), 1);
    assert.equal(found(shown, { '/m/a.lua': CSC }), 1);
    assert.equal(bashRun(CSC, 'CMD="\\$V && x"; echo bash -c "$CMD" >/dev/null; echo done'), 'done');
  });

  it('a wrapper that evaluates it is clean whatever the value', () => {
    const evaluated = UNEVALUATED.plain.replace('$WITH_CONDA;', 'eval "$WITH_CONDA";');
    assert.equal(found(evaluated, { '/m/a.lua': CSC }), 0);
    assert.equal(found(evaluated, { '/m/a.lua': undefined }), 0);
  });
});

describe('the module summary carries the folded value', () => {
  const env = makeEnv({ vars: { CONDA_ENV: 'pytorch' }, processEnv: {}, fs: realFileSystem });
  const summaryOf = (body: string) =>
    moduleSummary(analyzeModulefile(`prepend_path('PATH', '/home/p/bin')\n${body}`, '/home/p/m/1.lua', env));

  it('a literal, a folded concatenation or getenv; unknown where not folded or set to two values', () => {
    assert.deepEqual(summaryOf(`setenv('WITH_CONDA', '${SIMPLE}')`), {
      wrapperDirs: ['/home/p/bin'],
      setsWithConda: true,
      withConda: SIMPLE,
    });
    assert.equal(
      summaryOf(`local e = os.getenv('CONDA_ENV') or 'base'\nsetenv('WITH_CONDA', 'conda activate ' .. e)`)
        .withConda,
      'conda activate pytorch',
    );
    const unknown = summaryOf(`setenv('WITH_CONDA', capture('cat /x'))`);
    assert.equal(unknown.setsWithConda, true);
    assert.equal(unknown.withConda, undefined);
    const twice = summaryOf(
      `if isDir('/x') then setenv('WITH_CONDA', '${SIMPLE}') else setenv('WITH_CONDA', '${CSC}') end`,
    );
    assert.equal(twice.setsWithConda, true);
    assert.equal(twice.withConda, undefined, 'two values: which one applies is decided at load');
    assert.equal(
      summaryOf(`setenv('WITH_CONDA', '${SIMPLE}')\npushenv('WITH_CONDA', '${SIMPLE}')`).withConda,
      SIMPLE,
    );
    assert.deepEqual(summaryOf(`setenv('X', 'y')`), { wrapperDirs: ['/home/p/bin'], setsWithConda: false });
  });

  it("the index hands each owner's value to its wrappers, and forgets a changed one", () => {
    const index = new ModuleIndex();
    index.set('/m/a.lua', { wrapperDirs: ['/p/bin'], setsWithConda: true, withConda: SIMPLE });
    index.set('/m/b.lua', { wrapperDirs: ['/p/bin'], setsWithConda: true });
    const owners = index.modulesSettingWithConda('/p/bin/python');
    assert.deepEqual(owners, ['/m/a.lua', '/m/b.lua']);
    assert.deepEqual([...index.withCondaValues(owners)], [['/m/a.lua', SIMPLE]]);
    index.set('/m/a.lua', { wrapperDirs: ['/p/bin'], setsWithConda: true, withConda: CSC });
    assert.deepEqual([...index.withCondaValues(owners)], [['/m/a.lua', CSC]]);
  });
});
