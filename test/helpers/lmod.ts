// Runs real Lmod (Debian's lmod package) in bash, with HOME and Lmod's caches in a temp dir.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellJoin } from '../../core/shell/quote';

export const LMOD_INIT = '/usr/share/lmod/lmod/init/bash';

/** Runs `module ARGS` commands in one login-free bash; each command is an argv list. */
export function runModuleCommands(commands: string[][], env: Record<string, string> = {}, after = '') {
  const home = mkdtempSync(join(tmpdir(), 'lumi-lmod-home-'));
  try {
    const script = [
      `source ${LMOD_INIT}`,
      'set -e',
      ...commands.map((c) => `module ${shellJoin(c)}`),
      after,
    ].join('\n');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-c', script], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        LMOD_CACHED_LOADS: 'no',
        LMOD_IGNORE_CACHE: '1',
        ...env,
      },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
