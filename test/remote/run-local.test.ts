// The remote-run command (command.ts) executed for real by `bash -l` with real Lmod, the way it
// runs in a Remote-SSH window (runOnHost with localExecutor): quoting, module errors, srun options, exit codes and
// cancel of the whole process tree. The SSH path is covered by run-ssh.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { localExecutor } from '../../core/remote/localExecutor';
import { runOnHost, type RunRequest } from '../../core/remote/run';
import { parseRunSettings, runRequestFromSettings, srunWords } from '../../core/remote/settings';
import { splitShellWords } from '../../core/shell/words';
import { waitForNoProcess } from '../helpers/cli';
import { WEIRD_ARGS } from '../helpers/weirdArgs';

let dir: string;
let env: NodeJS.ProcessEnv;
const modules = () => join(dir, 'modules');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-run-local-'));
  // A module that puts a `python` first on PATH (a stand-in for the wrapper: it only needs to be
  // found through the module) and an `srun` that records its options and runs the rest.
  mkdirSync(join(dir, 'modules', 'fakepy'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'home'));
  writeFileSync(
    join(dir, 'modules', 'fakepy', '1.0.lua'),
    `prepend_path('PATH', '${join(dir, 'bin')}')\nsetenv('FAKEPY_LOADED', 'yes')\n`,
  );
  writeFileSync(join(dir, 'bin', 'python'), '#!/bin/sh\nexec python3 "$@"\n');
  writeFileSync(
    join(dir, 'bin', 'srun'),
    '#!/bin/bash\nopts=()\nwhile [ "${1#-}" != "$1" ]; do opts+=("$1"); shift; done\nprintf "SRUN:%s\\n" "${opts[@]}" >&2\nexec "$@"\n',
  );
  chmodSync(join(dir, 'bin', 'python'), 0o755);
  chmodSync(join(dir, 'bin', 'srun'), 0o755);
  writeFileSync(
    join(dir, 'args.py'),
    'import json, os, sys\nprint(json.dumps(sys.argv[1:]))\nprint(os.environ.get("FAKEPY_LOADED"), os.getcwd())\nsys.exit(int(os.environ.get("EXIT_WITH", "0")))\n',
  );
  env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: join(dir, 'home'), LMOD_IGNORE_CACHE: '1' };
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(request: Partial<RunRequest>, signal?: AbortSignal, extraEnv: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runOnHost(
    localExecutor({ env: { ...env, ...extraEnv } }),
    {
      modulePaths: [modules()],
      modules: ['fakepy/1.0'],
      script: join(dir, 'args.py'),
      remoteScript: true,
      args: [],
      ...request,
    },
    { stdout: (c) => (stdout += c.toString()), stderr: (c) => (stderr += c.toString()) },
    signal,
  );
  return { code, stdout, stderr };
}

describe('remote run command, run locally by bash -l with real Lmod', () => {
  it('passes every argument byte for byte and runs nothing else', async () => {
    const marker = join(dir, 'pwned');
    const args = [...WEIRD_ARGS, `$(touch ${marker})`, `\`touch ${marker}\``, `; touch ${marker}`];
    const r = await run({ args, cwd: join(dir, 'home') });
    assert.equal(r.code, 0, r.stderr);
    const [json, info] = r.stdout.split('\n');
    assert.deepEqual(JSON.parse(json), args);
    assert.equal(info, `yes ${join(dir, 'home')}`);
    assert.equal(existsSync(marker), false);
  });

  it('arguments that are not UTF-8, and 300 KB of them, arrive byte for byte (the args file, as over SSH)', async () => {
    const script = join(dir, 'bytes.py');
    writeFileSync(
      script,
      'import os, sys, hashlib\nfor a in sys.argv[1:]:\n    b = os.fsencode(a)\n    print(len(b), hashlib.sha256(b).hexdigest())\n',
    );
    const args: (string | Buffer)[] = [
      ...Array.from({ length: 30 }, (_, i) => `${i}:` + "x$(id) '; \n".repeat(1000).slice(0, 10_000)),
      Buffer.from([0xff, 0xfe, 0x41, 0x80]),
      Buffer.from('caf\xe9', 'latin1'),
    ];
    const r = await run({ script, args });
    assert.equal(r.code, 0, r.stderr);
    const expected = args.map((a) => {
      const b = typeof a === 'string' ? Buffer.from(a) : a;
      return `${b.length} ${createHash('sha256').update(b).digest('hex')}`;
    });
    assert.deepEqual(r.stdout.trim().split('\n'), expected);
  });

  it('returns the exit code of the script', async () => {
    assert.equal((await run({}, undefined, { EXIT_WITH: '3' })).code, 3);
  });

  it('says what to do when a module is missing or a module directory does not exist', async () => {
    const missing = await run({ modules: ['no-such-module/1.0'] });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /module no-such-module\/1\.0 not found.*lumiModules\.run\.modulePaths/);
    const noDir = await run({ modulePaths: [join(dir, 'nowhere')] });
    assert.notEqual(noDir.code, 0);
    assert.match(noDir.stderr, /module directory .*nowhere does not exist/);
  });

  it('runs through srun with each option as one word, from settings', async () => {
    const settings = parseRunSettings({
      srun: {
        enable: true,
        account: 'project_465000000',
        partition: 'small-g',
        time: '00:05:00',
        gpusPerNode: 2,
        extraOptions: ['--job-name=a b'],
      },
    });
    assert.deepEqual(
      srunWords(settings.srun),
      [
        '--account=project_465000000',
        '--partition=small-g',
        '--time=00:05:00',
        '--nodes=1',
        '--ntasks-per-node=1',
        '--gpus-per-node=2',
        '--job-name=a b',
      ],
      'unset counts take the defaults of the settings schema',
    );
    const request = runRequestFromSettings(
      { ...settings, modulePaths: [modules()], modules: ['fakepy/1.0'], args: ['x'] },
      join(dir, 'args.py'),
      true,
    );
    const r = await run(request);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /SRUN:--account=project_465000000\nSRUN:--partition=small-g\nSRUN:--time=00:05:00\nSRUN:--nodes=1\nSRUN:--ntasks-per-node=1\nSRUN:--gpus-per-node=2\nSRUN:--job-name=a b\n/,
    );
    assert.deepEqual(JSON.parse(r.stdout.split('\n')[0]), ['x']);
  });

  it('activates a venv and runs the user preamble first', async () => {
    const venv = join(dir, 'venv');
    spawnSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const r = await run({ venv, preamble: 'export EXIT_WITH=4; echo "preamble $((1+1))" >&2' });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /preamble 2/);
    const bad = await run({ venv: join(dir, 'no-venv') });
    assert.match(bad.stderr, /no venv at .*no-venv/);
  });

  it('cancel ends the whole process tree', async () => {
    const sleeper = join(dir, 'sleeper.py');
    writeFileSync(
      sleeper,
      'import subprocess, time\nsubprocess.Popen(["bash", "-c", "sleep 3600; : lumi-cancel-marker"])\nprint("started", flush=True)\ntime.sleep(3600)\n',
    );
    const abort = new AbortController();
    const started = Date.now();
    let out = '';
    const code = runOnHost(
      localExecutor({ env }),
      {
        modulePaths: [modules()],
        modules: ['fakepy/1.0'],
        script: sleeper,
        remoteScript: true,
        args: ['lumi-cancel-marker'],
      },
      {
        stdout: (c) => {
          out += c.toString();
          if (out.includes('started')) abort.abort();
        },
        stderr: () => undefined,
      },
      abort.signal,
    );
    assert.equal(await code, 130);
    assert.equal(
      await waitForNoProcess('lumi-cancel-marker', 5000 - (Date.now() - started)),
      '',
      'processes of the cancelled run are still alive 5 s after cancel',
    );
  });

  it('splits srun option strings like a shell without expanding anything', () => {
    assert.deepEqual(splitShellWords(`--account=p1  -J "my run" --x='a b' \\$HOME $(id)`), [
      '--account=p1',
      '-J',
      'my run',
      '--x=a b',
      '$HOME',
      '$(id)',
    ]);
    assert.throws(() => splitShellWords('--x="open'), /unterminated/);
  });
});
