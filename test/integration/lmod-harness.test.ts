// The Lmod differential harness (scripts/lmod-verify.mjs) in the suite: every finding of
// getenv-no-fallback, undefined-variable (error) and unknown-function (error) that real Lmod can
// judge is loaded in the environments it claims, and none may be refuted. Four trees: the class
// texts of unit/nil-flow (each finding there must also be confirmed, not merely not refuted), the
// fixtures, public trees never used for the rules (test/corpus/harness) and the committed corpus
// (test/corpus/redistributable.tar.xz).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';
import { runModuleCommands } from '../helpers/lmod';
import { NIL_FLOW_CASES } from '../helpers/nilFlowCases';

const repo = join(__dirname, '..', '..');
interface Judged {
  file: string;
  line: number;
  code: string;
  severity: string;
  message: string;
  verdict: 'confirmed' | 'refuted' | 'undecidable';
  lmod: string;
}
interface Report {
  counts: Record<string, { confirmed: number; refuted: number; undecidable: number }>;
  results: Judged[];
}

async function verify(dir: string): Promise<Report> {
  // A plain .mjs (anyone can run it without a build of the tests): imported by path.
  const script = join(repo, 'scripts', 'lmod-verify.mjs');
  const harness = (await import(script)) as {
    verifyTree(dir: string): Promise<Report>;
  };
  return harness.verifyTree(dir);
}
const refuted = (r: Report) =>
  r.results
    .filter((x) => x.verdict === 'refuted')
    .map((x) => `${x.file}:${x.line} ${x.code}: ${x.message}\n  Lmod: ${x.lmod || '(loaded)'}`);

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'lmod-harness-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('Lmod differential harness', () => {
  it('confirms every judged finding of the class texts', async () => {
    const tree = join(work, 'classes');
    NIL_FLOW_CASES.forEach(([, text], i) => {
      mkdirSync(join(tree, `case${i}`), { recursive: true });
      writeFileSync(join(tree, `case${i}`, '1.0.lua'), text);
    });
    const report = await verify(tree);
    assert.deepEqual(refuted(report), []);
    const judged = report.results.filter((x) => x.verdict !== 'undecidable');
    // concat, pathJoin, local (2), ~= "", once per stop, undefined in .., load mode, unknown.
    assert.ok(judged.length >= 8, JSON.stringify(report.counts));
    assert.deepEqual(
      report.results.filter((x) => x.verdict !== 'confirmed').map((x) => `${x.file}:${x.line} ${x.code}`),
      [],
    );
  });

  it('a dropped path that only isDir tests changes nothing where its variable is unset (not reported)', () => {
    // unlhcc/hcc-modules' conda modules: `pathJoin(os.getenv("G"), "3")` feeds isDir alone.
    const tree = join(work, 'isdir-tested');
    mkdirSync(join(tree, 'pj'), { recursive: true });
    const text = NIL_FLOW_CASES.find(([name]) => name === 'pathJoin local tested by isDir')![1];
    writeFileSync(join(tree, 'pj', '1.0.lua'), text);
    const envs = (env: Record<string, string>) => {
      const r = runModuleCommands(
        [['load', 'pj/1.0']],
        { MODULEPATH: tree, ...env },
        'echo "ENVS=${ENVS-unset}"',
      );
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split('\n').pop();
    };
    assert.equal(envs({}), 'ENVS=unset', 'G unset: loads, the joined "3" is no directory here');
    assert.equal(
      envs({ G: join(work, 'missing') }),
      'ENVS=unset',
      'the same as G naming a missing directory',
    );
    mkdirSync(join(work, 'groups', '3'), { recursive: true });
    assert.equal(envs({ G: join(work, 'groups') }), `ENVS=${join(work, 'groups', '3')}`);
  });

  it('refutes nothing on the fixtures', async () => {
    assert.deepEqual(refuted(await verify(join(repo, 'test', 'fixtures'))), []);
  });

  it('refutes nothing on the trees never used for the rules (test/corpus/harness)', async () => {
    const report = await verify(join(repo, 'test', 'corpus', 'harness'));
    assert.deepEqual(refuted(report), []);
    // Pawsey's templates: MYSOFTWARE and PAWSEY_PROJECT in '..' (PYTHONUSERBASE is set before use).
    assert.equal(report.counts['getenv-no-fallback']?.confirmed, 2, JSON.stringify(report.counts));
    // NTU's EasyBuild-generated modules (a site under /opt/apps, not this machine): checked, with
    // nothing to report but that their paths were not checked here.
    const ntu = runCli([
      'check',
      '--format',
      'json',
      '--no-shellcheck',
      join(repo, 'test/corpus/harness/ntuhpc'),
    ]);
    const findings = JSON.parse(ntu.stdout) as { severity: string; code: string; file: string }[];
    assert.deepEqual(
      findings.filter((f) => f.severity === 'error' || f.severity === 'warning'),
      [],
    );
    assert.equal(findings.filter((f) => f.code === 'paths-not-checked').length, 93);
    // SJTU's shell-function container modules: every one passes $@ unquoted, and nothing else.
    const sjtu = runCli([
      'check',
      '--format',
      'json',
      '--no-shellcheck',
      join(repo, 'test/corpus/harness/SJTU-HPC'),
    ]);
    const sjtuFindings = JSON.parse(sjtu.stdout) as { severity: string; code: string }[];
    assert.deepEqual(
      [
        ...new Set(
          sjtuFindings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => f.code),
        ),
      ],
      ['shell-function-unquoted-args'],
    );
    assert.equal(sjtuFindings.filter((f) => f.code === 'shell-function-unquoted-args').length, 26);
  });

  it('refutes nothing on the committed corpus', { timeout: 600_000 }, async () => {
    const dir = join(work, 'corpus');
    mkdirSync(dir);
    const x = spawnSync('tar', ['-xJf', join(repo, 'test', 'corpus', 'redistributable.tar.xz'), '-C', dir]);
    assert.equal(x.status, 0, String(x.stderr));
    const report = await verify(dir);
    console.log(`lmod harness on the corpus: ${JSON.stringify(report.counts)}`);
    assert.deepEqual(refuted(report), []);
  });
});
