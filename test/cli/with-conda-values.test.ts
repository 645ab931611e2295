// `lumi-modules check` on a home whose module gives WITH_CONDA a value and whose wrapper runs
// `$WITH_CONDA` unevaluated (issue 26): one simple command is no finding, `... && conda activate`
// is; the same without --cache, with --cache twice (the module's value kept in the cache's summary),
// after the module's value changes, and with the modules analysed in worker threads (the value
// crosses the structured clone). A value read from the environment is never stored in the cache.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { makeEnv, realFileSystem, snapshotFileSystem } from '../../core/analysis/env';
import { checkProject } from '../../core/analysis/project/checkProject';
import { runCli } from '../helpers/cli';

const CODE = 'wrapper-with-conda-not-evaluated';
const SIMPLE = 'source /opt/miniconda3/bin/activate pytorch';
const CSC = 'source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch';
const WORKER = join(__dirname, '..', '..', 'dist', 'checkWorker.js');

const WRAPPER = `#!/bin/bash
if [ -z "$SING_IMAGE" ]; then echo "SING_IMAGE is not set: load the module first" >&2; exit 1; fi
if [ -d /.singularity.d ]; then exec python "$@"; fi
export SINGULARITYENV_VIRTUAL_ENV="\${VIRTUAL_ENV:-}"
exec singularity exec "$SING_IMAGE" bash -c '$WITH_CONDA && exec python "$@"' python "$@"
`;

const dirs: string[] = [];
let root: string;

function writeModule(withConda: string, name = '1.0'): void {
  writeFileSync(
    join(root, 'modules', 'tool', `${name}.lua`),
    [
      `local root = '${root}'`,
      `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))`,
      `prepend_path('PATH', pathJoin(root, 'bin'))`,
      `setenv('WITH_CONDA', ${withConda})`,
      '',
    ].join('\n'),
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-with-conda-'));
  dirs.push(root);
  for (const d of ['modules/tool', 'bin', 'sif']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'sif', 'tool.sif'), '');
  writeFileSync(join(root, 'bin', 'python'), WRAPPER);
  chmodSync(join(root, 'bin', 'python'), 0o755);
});
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type JsonFinding = { file: string; code: string; message: string };
function check(...extra: string[]): JsonFinding[] {
  const r = runCli(['check', '--format', 'json', '--no-shellcheck', ...extra, '.'], { cwd: root });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as JsonFinding[];
}
const onWrapper = (findings: JsonFinding[]) =>
  findings.filter((f) => f.code === CODE).map((f) => f.file.slice(root.length));

describe("check: the module's WITH_CONDA value decides wrapper-with-conda-not-evaluated", () => {
  it('one simple command: no finding, without --cache and with it twice', () => {
    writeModule(`'${SIMPLE}'`);
    const fresh = check();
    assert.deepEqual(onWrapper(fresh), []);
    assert.deepEqual(check('--cache'), fresh);
    assert.deepEqual(check('--cache'), fresh, 'answered from the cache');
  });

  it('&& in the value: the finding on the wrapper, without --cache and with it twice', () => {
    writeModule(`'${CSC}'`);
    const fresh = check();
    assert.deepEqual(onWrapper(fresh), ['/bin/python']);
    assert.deepEqual(check('--cache'), fresh);
    assert.deepEqual(check('--cache'), fresh, 'answered from the cache');
  });

  it('--cache: a changed value re-checks the wrapper (both ways)', () => {
    writeModule(`'${SIMPLE}'`);
    assert.deepEqual(onWrapper(check('--cache')), []);
    writeModule(`'${CSC}'`);
    assert.deepEqual(onWrapper(check('--cache')), ['/bin/python']);
    assert.deepEqual(onWrapper(check('--cache')), ['/bin/python']);
    writeModule(`'${SIMPLE}'`);
    assert.deepEqual(onWrapper(check('--cache')), []);
    // A second module of the same home with shell syntax: the wrapper must eval it after all.
    writeModule(`'${CSC}'`, '2.0');
    assert.deepEqual(onWrapper(check('--cache')), ['/bin/python']);
  });

  it('--cache: a value from the environment is kept as its variable, never as itself', () => {
    writeModule(`os.getenv('CONDA_CMD') or 'x'`);
    const secret = 'source /opt/s3cr3t-7f1d/bin/activate pytorch';
    const env = ['--env', `CONDA_CMD=${secret}`];
    assert.deepEqual(onWrapper(check('--cache', ...env)), []);
    const cache = readFileSync(join(root, '.lumi-modules-cache'), 'utf8');
    assert.ok(!cache.includes('s3cr3t'), 'the value is not in the cache file');
    const stored = JSON.parse(cache) as { summaries: number[][]; strings: string[] };
    assert.deepEqual(
      stored.summaries.map((s) => stored.strings[s[0]]),
      ['\u0000CONDA_CMD\u0000'],
      'the summary holds the variable in place of its value',
    );
    assert.deepEqual(onWrapper(check('--cache', ...env)), [], 'expanded again on reuse');
    assert.deepEqual(onWrapper(check('--cache', '--env', `CONDA_CMD=${CSC}`)), ['/bin/python']);
  });

  it('worker threads carry the value to the wrapper as the main thread does', async () => {
    writeModule(`'${SIMPLE}'`);
    writeModule(`'${CSC}'`, '2.0');
    const envOptions = { vars: {}, processEnv: {} };
    let byWorkers = -1;
    const run = (workers: number) =>
      checkProject([root], root, makeEnv({ ...envOptions, fs: snapshotFileSystem(realFileSystem) }), {
        parallel: {
          workerScript: WORKER,
          envOptions,
          workers,
          mainThread: workers === 0,
          onDone: (n) => (byWorkers = n),
        },
      });
    const serial = await run(0);
    assert.deepEqual(
      serial.filter((f) => f.code === CODE).map((f) => f.file),
      [join(root, 'bin', 'python')],
    );
    assert.deepEqual(await run(1), serial);
    assert.equal(byWorkers, 2, 'both modules analysed in the worker');
    rmSync(join(root, 'modules', 'tool', '2.0.lua'));
    writeModule(`'${SIMPLE}'`, '2.0');
    assert.deepEqual(
      (await run(1)).filter((f) => f.code === CODE),
      [],
      'both simple, through the worker',
    );
  });
});
