// The bundled CLI (dist/cli.js) as users run it, with PROJHOME cleared so the machine's own
// environment never leaks into a test; and process checks shared by the run tests.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, PROJHOME: '', ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `lumi-modules check ROOT` (with and without PROJHOME=ROOT) reports no error and no warning. */
export function assertCheckClean(root: string): void {
  for (const env of [[], ['--env', `PROJHOME=${root}`]]) {
    const r = runCli(['check', '--format', 'json', ...env, root]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const bad = (JSON.parse(r.stdout) as { severity: string }[]).filter(
      (f) => f.severity === 'error' || f.severity === 'warning',
    );
    assert.deepEqual(bad, []);
  }
}

/** This process and its ancestors (whose command lines may hold the pattern too). */
function selfAndAncestors(): Set<string> {
  const pids = new Set<string>();
  let pid = String(process.pid);
  while (pid !== '0' && !pids.has(pid)) {
    pids.add(pid);
    try {
      pid = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ')[1];
    } catch {
      break;
    }
  }
  return pids;
}

/**
 * Processes whose command line contains PATTERN, leaving out node processes (the test runner and
 * the CLI under test, whose own arguments hold the pattern) and this process's ancestors: what is
 * left are the run's processes (bash, python, their children), local or remote.
 */
export function runProcessesWith(pattern: string): string {
  const skip = selfAndAncestors();
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || skip.has(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ');
      if (!cmd.includes(pattern)) continue;
      if (readlinkSync(`/proc/${pid}/exe`) === process.execPath) continue;
      found.push(`${pid} ${cmd.slice(0, 200)}`);
    } catch {
      /* exited, or not ours to read */
    }
  }
  return found.join('\n');
}

/**
 * Waits until a run process matches PATTERN (a child just started may still be exec'ing); returns it, or ''
 * after TIMEOUT.
 */
export async function waitForProcess(pattern: string, timeoutMs: number): Promise<string> {
  const started = Date.now();
  for (;;) {
    const found = runProcessesWith(pattern);
    if (found !== '' || Date.now() - started >= timeoutMs) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until no run process matches PATTERN (runProcessesWith); returns what still matches after TIMEOUT.
 */
export async function waitForNoProcess(pattern: string, timeoutMs: number): Promise<string> {
  const started = Date.now();
  let left: string;
  do {
    left = runProcessesWith(pattern);
    if (left === '') return '';
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() - started < timeoutMs);
  return left;
}

/**
 * A running CLI whose output is collected; waitFor resolves once stderr (or stdout) matches and,
 * on timeout, throws with both outputs and whatever context() adds (a server's log, say).
 */
export function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; context?: () => string } = {},
) {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    async waitFor(pattern: RegExp, what: 'stdout' | 'stderr' = 'stderr', timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(what === 'stdout' ? stdout : stderr)) {
        if (Date.now() > until)
          throw new Error(
            `timed out waiting for ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}\n${options.context?.() ?? ''}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
