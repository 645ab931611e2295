// The bundled CLI (dist/cli.js) as users run it, with PROJHOME cleared so the machine's own
// environment never leaks into a test; and process checks shared by the run tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, PROJHOME: '', ...options.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `lumi-modules check ROOT` (with and without PROJHOME=ROOT) reports no error and no warning. */
export function assertCheckClean(root: string): void {
  for (const env of [[], ['--env', `PROJHOME=${root}`]]) {
    const r = runCli(['check', '--format', 'json', ...env, root]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const bad = (JSON.parse(r.stdout) as { severity: string }[]).filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(bad, []);
  }
}

/** Waits until no process matches PATTERN (pgrep -f); returns what still matches after TIMEOUT. */
export async function waitForNoProcess(pattern: string, timeoutMs: number): Promise<string> {
  const started = Date.now();
  let left = '';
  do {
    left = spawnSync('pgrep', ['-af', pattern], { encoding: 'utf8' }).stdout.trim();
    if (left === '') return '';
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() - started < timeoutMs);
  return left;
}
