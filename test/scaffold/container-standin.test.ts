// The container stand-in's instances (test/helpers/containerStandin.ts) behave as Singularity's do
// where the --persistent wrappers rely on it: one name once, binds fixed at start, the caller's
// environment at exec time, `instance stop` ending what runs inside, errors as FATAL with exit 255.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countStarts, createContainerStandin, type ContainerStandin } from '../helpers/containerStandin';

let dir: string;
let standin: ContainerStandin;
let image: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-standin-'));
  image = join(dir, 'img.sif');
  writeFileSync(image, '');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'file.txt'), 'bound at start\n');
  standin = createContainerStandin(join(dir, 'standin'));
});

after(() => {
  standin?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sh(script: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${standin.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: dir, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('container stand-in: instances', () => {
  it("starts a name once, lists it, runs commands in it with its start-time binds and the caller's environment, and stops it", () => {
    const startsBefore = countStarts(standin);
    const started = sh(`singularity instance start -B ${dir}/data:/data img.sif one`);
    assert.equal(started.status, 0, started.stderr);
    const again = sh('singularity instance start img.sif one');
    assert.equal(again.status, 255);
    assert.match(again.stderr, /^FATAL: +instance one already exists$/m);
    assert.match(
      sh("singularity instance list 'o*'").stdout,
      /^INSTANCE NAME +PID +IP +IMAGE\none +\d+ +\S*img\.sif$/m,
    );
    const inside = sh(
      'singularity exec instance://one sh -c \'cat /data/file.txt; echo "$FOO $SINGULARITY_NAME"; test -d /.singularity.d && echo container\'',
      { SINGULARITYENV_FOO: 'from-exec-time' },
    );
    assert.equal(inside.status, 0, inside.stderr);
    assert.equal(inside.stdout, 'bound at start\nfrom-exec-time img.sif\ncontainer\n');
    assert.equal(countStarts(standin) - startsBefore, 1, 'joining is not a new container');
    const withBind = sh(`singularity exec -B ${dir}/data instance://one true`);
    assert.equal(withBind.status, 255, 'binds are fixed when the instance starts');
    // A command still running inside ends with the instance.
    const stopped = sh(
      'singularity exec instance://one sh -c \'touch /data/started; exec sleep 20\' & until [ -e data/started ]; do sleep 0.05; done; singularity instance stop one; wait $!; echo "sleep=$?"',
    );
    assert.match(stopped.stderr, /Stopping one instance of \S*img\.sif \(PID=\d+\)/);
    assert.equal(stopped.stdout, 'sleep=143\n', 'the command in the instance was ended (SIGTERM)');
    const gone = sh(
      'singularity exec instance://one true; echo "exit=$?"; singularity instance stop one; echo "exit=$?"',
    );
    assert.equal(gone.stdout, 'exit=255\nexit=255\n');
    assert.match(gone.stderr, /FATAL: +no instance found with name one/);
    assert.match(
      readFileSync(standin.logFile, 'utf8'),
      /^instance-start img\.sif one\njoin instance:\/\/one sh\n/m,
    );
  });
});
