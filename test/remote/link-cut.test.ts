// The link to the login node cut in the middle (test/helpers/cutProxy.ts in front of the real
// sshd, real Slurm behind it): after 1 KB (the login), 1 MB and 6 MB of an 8 MB script's upload,
// and of a run's or a job's 8 MB of output. `run` and `submit` must end with exit 255 and one line
// that names what failed: never 0, never a hang, never a stack trace.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cli';
import { startCutProxy, type CutLimits } from '../helpers/cutProxy';
import { startSlurmBehindSshd, type SlurmBehindSshd } from '../helpers/slurm';

let pair: SlurmBehindSshd;
let dir: string;
let venv: string;
let bigScript: string;
let loudScript: string;

const MB = 1 << 20;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-link-cut-'));
  venv = join(dir, 'venv');
  const made = spawnSync('python3', ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  // 8 MB of comment lines (random-looking, so SSH's compression, if any, cannot shrink it).
  const lines: string[] = [];
  let x = 12345;
  for (let size = 0; size < 8 * MB;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const line = `# ${x.toString(36).repeat(8)}`;
    lines.push(line);
    size += line.length + 1;
  }
  bigScript = join(dir, 'big.py');
  writeFileSync(bigScript, `${lines.join('\n')}\nprint("ran")\n`);
  loudScript = join(dir, 'loud.py');
  writeFileSync(
    loudScript,
    'import os, sys\nfor i in range(8 * 1024):\n    sys.stdout.write(os.urandom(512).hex() + "\\n")\n',
  );
  pair = await startSlurmBehindSshd('lumi-cut');
});

after(async () => {
  await pair?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI through a proxy that cuts after LIMITS; resolves with its exit code and output. */
async function throughCut(command: 'run' | 'submit', limits: CutLimits, script: string) {
  const proxy = await startCutProxy(pair.sshd.port, limits);
  const knownHosts = join(dir, `known_hosts.${proxy.port}`);
  writeFileSync(knownHosts, `[127.0.0.1]:${proxy.port} ${pair.sshd.hostPublicKey}\n`);
  const config = pair.sshd.writeSshConfig('lumi-cut', {
    knownHostsFile: knownHosts,
    extra: { Port: String(proxy.port), ServerAliveInterval: '1', ServerAliveCountMax: '3' },
  });
  try {
    const child = spawn(
      process.execPath,
      [CLI, command, '--host', 'lumi-cut', '--ssh-config', config, '--venv', venv, script],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    const seconds = (Date.now() - started) / 1000;
    assert.ok(code !== null, `killed after ${seconds} s (a hang); stderr:\n${stderr}`);
    assert.ok(proxy.cut, `the link was never cut (up ${proxy.up}, down ${proxy.down}); stderr: ${stderr}`);
    return { code, stdout, stderr };
  } finally {
    await proxy.close();
  }
}

function assertOneLine(command: string, r: { code: number | null; stdout: string; stderr: string }) {
  assert.equal(r.code, 255, `exit ${r.code}; stderr:\n${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith(`lumi-modules ${command}:`));
  assert.equal(lines.length, 1, `expected one failure line, got:\n${r.stderr}`);
  assert.match(lines[0], /connection to lumi-cut .*(closed|lost|failed)|cannot connect|during login/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
}

describe('the link cut in the middle', () => {
  for (const command of ['run', 'submit'] as const) {
    for (const up of [1024, MB, 6 * MB]) {
      it(`${command}: cut after ${up} bytes of an 8 MB upload: exit 255, one line`, async () => {
        assertOneLine(command, await throughCut(command, { up }, bigScript));
      });
    }
    for (const down of [1024, MB, 6 * MB]) {
      it(`${command}: cut after ${down} bytes of 8 MB of output: exit 255, one line`, async () => {
        const r = await throughCut(command, { down }, loudScript);
        assertOneLine(command, r);
      });
    }
  }

  it('a partial upload left by a cut link is removed by the next connection', async () => {
    const runs = join(pair.sshd.remoteHome, '.cache', 'lumi-modules', 'runs');
    const leftovers = () =>
      existsSync(runs) ? readdirSync(runs).filter((n) => n.startsWith('.upload-')) : [];
    assertOneLine('run', await throughCut('run', { up: 2 * MB }, bigScript));
    assert.equal(leftovers().length, 1, 'the cut upload left no temporary file to clean up');
    const small = join(dir, 'small.py');
    writeFileSync(small, 'print("small ran")\n');
    const config = pair.sshd.writeSshConfig('lumi-cut');
    const r = runCli(['run', '--host', 'lumi-cut', '--ssh-config', config, '--venv', venv, small]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'small ran\n');
    assert.deepEqual(leftovers(), []);
  });
});
