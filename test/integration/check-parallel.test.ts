// A tree check analyses its modulefiles on several threads (core/analysis/project/parallel.ts with
// the bundled worker dist/checkWorker.js): the findings must be exactly the one-thread run's, also
// for unreadable files, syntax errors, suppression comments, per-code severity, wrappers (the bash
// parser in the workers) and the dependencies `--cache` records; a worker that dies loses nothing.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, realFileSystem, snapshotFileSystem } from '../../core/analysis/env';
import { checkProject } from '../../core/analysis/project/checkProject';
import { workerCount } from '../../core/analysis/project/parallel';
import type { FileFinding } from '../../core/analysis/types';
import { runCli } from '../helpers/cli';

const WORKER = join(__dirname, '..', '..', 'dist', 'checkWorker.js');
const MODULES = 700;
let root: string;

function moduleText(i: number): string {
  const lines = [
    `local root = os.getenv('PROJHOME') or '/nonexistent'`,
    `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool${i % 5}.sif'))`,
    `prepend_path('PATH', pathJoin(root, 'bin'))`,
  ];
  if (i % 3 !== 0)
    lines.push(`setenv('WITH_CONDA', 'source /opt/conda/etc/profile.d/conda.sh && conda activate base')`);
  if (i % 7 === 0) lines.push(`setenv("X", pathJoin("/a", "b"`); // syntax error
  if (i % 11 === 0)
    lines.push(
      `prepend_path('PYTHONPATH', pathJoin(root, 'lib${i}')) -- lumi-modules: ignore path-not-found`,
    );
  if (i % 13 === 0) lines.push(`depend_on("typo")`); // unknown-function
  return lines.join('\n') + '\n';
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-parallel-'));
  for (let i = 0; i < MODULES; i++) {
    const dir = join(root, 'modules', `tool${Math.floor(i / 10)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${i % 10}.lua`), moduleText(i));
  }
  writeFileSync(join(root, 'modules', 'tool3', 'binary.lua'), 'setenv("A", "b")\0\n'); // unreadable as text
  mkdirSync(join(root, 'modules', 'tool5', 'quiet'));
  writeFileSync(
    join(root, 'modules', 'tool5', '.lumi-modules.json'),
    JSON.stringify({ severity: { 'unknown-function': 'off' } }),
  );
  mkdirSync(join(root, 'sif'));
  writeFileSync(join(root, 'sif', 'tool0.sif'), '');
  mkdirSync(join(root, 'bin'));
  // A container wrapper that applies WITH_CONDA: each module not setting it is told so (the bash
  // parser's facts of the wrapper, in every thread).
  writeFileSync(
    join(root, 'bin', 'python'),
    '#!/bin/bash\nif [ -d /.singularity.d ]; then eval "$WITH_CONDA"; exec python "$@"; fi\nexec singularity exec "$SING_IMAGE" bash -c \'eval "$WITH_CONDA"; exec python "$@"\' python "$@"\n',
  );
  chmodSync(join(root, 'bin', 'python'), 0o755);
});
after(() => rmSync(root, { recursive: true, force: true }));

const envOptions = () => ({ vars: { PROJHOME: root }, processEnv: {} });
const newEnv = () => makeEnv({ ...envOptions(), fs: snapshotFileSystem(realFileSystem) });

describe('tree check on several threads', () => {
  let serial: FileFinding[];
  before(async () => {
    serial = await checkProject([root], root, newEnv());
  });

  it('the one-thread run finds what the tree holds (the comparison below is not between two empty lists)', () => {
    const count = (code: string) => serial.filter((f) => f.code === code).length;
    assert.equal(count('lua-syntax'), Math.ceil(MODULES / 7));
    assert.ok(count('path-not-found') >= MODULES * 0.8, `${count('path-not-found')} path-not-found`);
    assert.ok(
      count('unknown-function') > 0 && count('unknown-function') < Math.ceil(MODULES / 13),
      'unknown-function, off in tool5',
    );
    assert.ok(serial.some((f) => f.code === 'binary-file'));
    assert.equal(count('missing-with-conda'), Math.ceil(MODULES / 3), 'wrapper facts reached the modules');
    assert.ok(!serial.some((f) => f.code === 'path-not-found' && f.message.includes('/lib11')), 'suppressed');
  });

  it('gives the same findings with workers, and the workers did analyse files', async () => {
    let byWorkers = -1;
    const parallel = await checkProject([root], root, newEnv(), {
      parallel: {
        workerScript: WORKER,
        envOptions: envOptions(),
        workers: 2,
        mainThread: false,
        onDone: (n) => (byWorkers = n),
      },
    });
    assert.deepEqual(parallel, serial);
    assert.equal(byWorkers, MODULES + 1); // and binary.lua
  });

  it('loses nothing when a worker dies: the main thread analyses what it left', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'lumi-parallel-worker-'));
    try {
      const dying = join(elsewhere, 'dying-worker.js');
      writeFileSync(dying, 'process.exit(3);\n');
      let byWorkers = -1;
      const parallel = await checkProject([root], root, newEnv(), {
        parallel: {
          workerScript: dying,
          envOptions: envOptions(),
          workers: 2,
          mainThread: false,
          onDone: (n) => (byWorkers = n),
        },
      });
      assert.equal(byWorkers, 0);
      assert.deepEqual(parallel, serial);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('starts workers only where they pay: 4 or more cores, 500 or more modulefiles per thread', () => {
    assert.equal(workerCount(10_000, undefined, 2), 0);
    assert.equal(workerCount(10_000, undefined, 4), 1);
    assert.equal(workerCount(10_000, undefined, 64), 7);
    assert.equal(workerCount(1_200, undefined, 64), 2);
    assert.equal(workerCount(400, undefined, 64), 0);
    assert.equal(workerCount(400, 3, 2), 3, '--concurrency 4 is obeyed');
    assert.equal(workerCount(2, 3, 64), 1, 'never more workers than further files');
  });

  it('through the CLI (--concurrency 3 and off): the same findings, and --cache entries filled by workers notice a dependency change', () => {
    const cli = (...extra: string[]) => {
      const threads = extra[0] === '--concurrency' ? [] : ['--concurrency', '3'];
      const r = runCli(
        [
          'check',
          '--format',
          'json',
          '--no-shellcheck',
          ...threads,
          '--env',
          `PROJHOME=${root}`,
          ...extra,
          root,
        ],
        { cwd: root },
      );
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      return JSON.parse(r.stdout) as FileFinding[];
    };
    const strip = (fs: FileFinding[]) =>
      fs.map(({ file, code, message, range }) => ({ file, code, message, line: range.start.line }));
    const expected = strip(serial);
    assert.deepEqual(strip(cli()), expected);
    assert.deepEqual(strip(cli('--concurrency', 'off')), expected);
    assert.deepEqual(strip(cli('--cache')), expected);
    // The images the modules ask for appear: every module that named one is checked again.
    for (let i = 1; i < 5; i++) writeFileSync(join(root, 'sif', `tool${i}.sif`), '');
    const now = cli('--cache');
    assert.equal(now.filter((f) => f.code === 'path-not-found' && f.message.includes('.sif')).length, 0);
    assert.ok(now.some((f) => f.code === 'lua-syntax'));
  });
});
