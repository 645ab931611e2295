// `lumi-modules scaffold --persistent`: bin/container-start starts a container instance of the
// module's image, the wrappers then run in it (`exec instance://NAME`: the stand-in's log shows
// joins, no new container) and fall back to a fresh container when none runs for this job step;
// bin/container-stop ends it. Under real Lmod and the bwrap stand-in (test/helpers/containerStandin.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { shellQuote } from '../../core/shell/quote';
import { runCli } from '../helpers/cli';
import { createContainerStandin, type ContainerStandin } from '../helpers/containerStandin';
import { runModuleCommands } from '../helpers/lmod';

const hostPath = process.env.PATH ?? '/usr/bin:/bin';
const imageName = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif';

let dir: string;
let root: string; // --persistent
let plainRoot: string; // the same image, without --persistent
let runtimeDir: string; // XDG_RUNTIME_DIR: the wrappers' marker files
let standin: ContainerStandin;
let script: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-persistent-'));
  mkdirSync(join(dir, 'images'));
  const image = join(dir, 'images', imageName);
  writeFileSync(image, '');
  root = join(dir, 'home');
  plainRoot = join(dir, 'plain-home');
  runtimeDir = join(dir, 'run');
  mkdirSync(runtimeDir, { mode: 0o700 });
  const made = runCli([
    'scaffold',
    '--name',
    'pt',
    '--version',
    '1.0',
    '--image',
    image,
    '--root',
    root,
    '--persistent',
  ]);
  assert.equal(made.code, 0, made.stderr);
  const plain = runCli([
    'scaffold',
    '--name',
    'pt',
    '--version',
    '1.0',
    '--image',
    image,
    '--root',
    plainRoot,
  ]);
  assert.equal(plain.code, 0, plain.stderr);
  script = join(dir, 'job.py');
  writeFileSync(
    script,
    'import json, os, sys\nprint(json.dumps([sys.argv[1:], os.path.isdir("/.singularity.d"), os.environ.get("CONDA_DEFAULT_ENV")], separators=(",", ":")))\n',
  );
  standin = createContainerStandin(join(dir, 'standin'));
});

after(() => {
  standin?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The stand-in's log since `from` lines: new containers and joins of a running instance. */
function events(from: number): { lines: string[]; starts: number; joins: number } {
  const lines = readFileSync(standin.logFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .slice(from);
  return {
    lines,
    starts: lines.filter((l) => l.startsWith('exec ') || l.startsWith('instance-start ')).length,
    joins: lines.filter((l) => l.startsWith('join ')).length,
  };
}

function logLength(): number {
  return readFileSync(standin.logFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '').length;
}

/** `module load pt/1.0` from HOME_ROOT, then `shell`, under real Lmod. */
function withModule(shell: string, env: Record<string, string> = {}, home = root) {
  return runModuleCommands(
    [
      ['use', join(home, 'modules')],
      ['load', 'pt/1.0'],
    ],
    { PATH: `${standin.binDir}:${hostPath}`, XDG_RUNTIME_DIR: runtimeDir, ...env },
    shell,
  );
}

const runScript = (arg: string) => `python ${shellQuote(script)} ${shellQuote(arg)}`;
const expected = (arg: string) => JSON.stringify([[arg], true, 'pytorch']);

describe('scaffold --persistent: many launches, one container', () => {
  it('writes container-start and container-stop (links to the one wrapper) and a tree that is check-clean and shellcheck-clean', () => {
    for (const name of ['container-start', 'container-stop'])
      assert.equal(
        readFileSync(join(root, 'bin', name), 'utf8'),
        readFileSync(join(root, 'bin', 'python'), 'utf8'),
      );
    assert.equal(existsSync(join(plainRoot, 'bin', 'container-start')), false, 'opt-in only');
    assert.equal(
      readFileSync(join(root, 'bin', 'python'), 'utf8'),
      readFileSync(join(plainRoot, 'bin', 'python'), 'utf8'),
      'one wrapper for both: homes and modules can share bin/',
    );
    const checked = runCli(['check', '--format', 'json', '--env', `PROJHOME=${root}`, root]);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.deepEqual(JSON.parse(checked.stdout), [], 'zero findings, ShellCheck included');
    const sc = spawnSync('shellcheck', [join(root, 'bin', 'python')], { encoding: 'utf8' });
    assert.equal(sc.status, 0, sc.stdout);
  });

  it('runs each launch in the running instance (no new container) and passes the exit status through', () => {
    const from = logLength();
    const r = withModule(
      [
        'container-start',
        runScript('one'),
        runScript('two'),
        runScript('three'),
        'set +e',
        "python -c 'import sys; sys.exit(3)'",
        'echo "exit=$?"',
        'container-stop',
      ].join('\n'),
      { SLURM_JOB_ID: '4001', SLURM_STEP_ID: '0', SLURM_PROCID: '0' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      expected('one'),
      expected('two'),
      expected('three'),
      'exit=3',
    ]);
    const e = events(from);
    assert.equal(e.starts, 1, `one container for four launches:\n${e.lines.join('\n')}`);
    assert.match(
      e.lines[0],
      /^instance-start \S+ lumi-pytorch-rocm-6\.2\.0-python-3\.10-pyto-\d+-j4001\.0\.t0$/,
    );
    assert.equal(e.joins, 4);
  });

  it('falls back to a fresh container when no instance runs: none started, one gone behind its marker, after container-stop', () => {
    const from = logLength();
    const r = withModule(
      [
        runScript('before'),
        'container-start',
        // Ended behind the wrappers' back (as when a node cleans up): the marker stays, the runtime lists
        // nothing.
        'singularity instance stop "$(cat "$XDG_RUNTIME_DIR"/lumi-container-instances-*/*)"',
        runScript('stale marker'),
        'container-start',
        'container-stop',
        runScript('after'),
      ].join('\n'),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      expected('before'),
      expected('stale marker'),
      expected('after'),
    ]);
    const e = events(from);
    assert.deepEqual(
      e.lines.map((l) => l.split(' ')[0]),
      ['exec', 'instance-start', 'exec', 'instance-start', 'exec'],
    );
  });

  it('container-stop removes the instance and its marker', () => {
    const r = withModule(
      [
        'container-start',
        'singularity instance list',
        'ls "$XDG_RUNTIME_DIR"/lumi-container-instances-*',
        'container-stop',
        'echo ---',
        'singularity instance list',
        'ls "$XDG_RUNTIME_DIR"/lumi-container-instances-*',
      ].join('\n'),
    );
    assert.equal(r.status, 0, r.stderr);
    const [running, stopped] = r.stdout.split('---\n');
    const user = userInfo().username;
    assert.match(
      running,
      new RegExp(`-${user}-p\\d+\\s+\\d+`),
      `outside a job: the user and the starter pid:\n${running}`,
    );
    assert.match(running, new RegExp(`-${user}\\n$`), 'the marker');
    assert.equal(
      stopped.trim(),
      'INSTANCE NAME    PID      IP     IMAGE',
      'no instance left, no marker left',
    );
    assert.match(r.stderr, new RegExp(`Stopping \\S+-${user}-p\\d+ instance of`));
  });

  it('never shares an instance between two job ids, steps or tasks', () => {
    const from = logLength();
    const job = (id: string, step = '0', task = '0') =>
      `SLURM_JOB_ID=${id} SLURM_STEP_ID=${step} SLURM_PROCID=${task}`;
    const r = withModule(
      [
        `${job('501')} container-start`,
        `${job('502')} ${runScript('other job')}`,
        `${job('501', '1')} ${runScript('other step')}`,
        `${job('501', '0', '1')} ${runScript('other task')}`,
        `${job('501')} ${runScript('same')}`,
        `${job('502')} container-stop`,
        `${job('501')} container-stop`,
      ].join('\n'),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.stdout.trim().split('\n'),
      ['other job', 'other step', 'other task', 'same'].map(expected),
    );
    assert.deepEqual(
      events(from).lines.map((l) => l.split(' ')[0]),
      ['instance-start', 'exec', 'exec', 'exec', 'join'],
    );
    assert.match(
      r.stderr,
      /no instance of \S+ is running for this job step/,
      "job 502's stop finds none and leaves 501's",
    );
  });

  it('a module without --persistent never looks for an instance', () => {
    const from = logLength();
    const r = runModuleCommands(
      [
        ['use', join(root, 'modules')],
        ['load', 'pt/1.0'],
      ],
      { PATH: `${standin.binDir}:${hostPath}`, XDG_RUNTIME_DIR: runtimeDir },
      [
        'container-start',
        `${join(plainRoot, 'bin', 'python')} ${shellQuote(script)} plain`,
        'container-stop',
      ].join('\n'),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      events(from).lines.map((l) => l.split(' ')[0]),
      ['instance-start', 'exec'],
    );
    assert.deepEqual(
      readdirSync(join(runtimeDir, readdirSync(runtimeDir)[0])),
      [],
      'the marker is gone after container-stop',
    );
  });
});
