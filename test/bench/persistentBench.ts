// `scaffold --persistent` figures for `npm run bench`: 50 launches of the scaffolded `python`
// (a one-line script), under real Lmod in one shell, through the bwrap container stand-in
// (test/helpers/containerStandin.ts) with its default start-up delay standing for Singularity's
// image mount and namespace setup: each in a fresh container, then all in one instance started by
// bin/container-start (its own start counted in). The stand-in's log confirms the count of new
// containers in each run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCli } from '../helpers/cli';
import { countStarts, createContainerStandin, DEFAULT_STARTUP_DELAY_MS } from '../helpers/containerStandin';
import { runModuleCommands } from '../helpers/lmod';

const LAUNCHES = 50;

export async function benchPersistent(lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-persistent-'));
  const standin = createContainerStandin(join(dir, 'standin'));
  try {
    mkdirSync(join(dir, 'images'));
    const image = join(dir, 'images', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif');
    writeFileSync(image, '');
    const root = join(dir, 'home');
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
    if (made.code !== 0) throw new Error(`scaffold failed: ${made.stderr}`);
    const loop = `for i in $(seq ${LAUNCHES}); do python -c 'pass' || exit 1; done`;
    const run = (shell: string) => {
      const startsBefore = countStarts(standin);
      const t0 = performance.now();
      const r = runModuleCommands(
        [
          ['use', join(root, 'modules')],
          ['load', 'pt/1.0'],
        ],
        { PATH: `${standin.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, XDG_RUNTIME_DIR: dir },
        shell,
      );
      const elapsed = performance.now() - t0;
      if (r.status !== 0) throw new Error(`launches failed: ${r.stderr}`);
      return { elapsed, starts: countStarts(standin) - startsBefore };
    };
    const fresh = run(loop);
    const persistent = run(`container-start 2>/dev/null\n${loop}\ncontainer-stop 2>/dev/null`);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    lines.push(
      `${LAUNCHES} python launches (stand-in start-up ${DEFAULT_STARTUP_DELAY_MS} ms per new container): fresh containers ${s(fresh.elapsed)} (${fresh.starts} starts), ` +
        `one instance (--persistent) ${s(persistent.elapsed)} (${persistent.starts} start), ${(fresh.elapsed / persistent.elapsed).toFixed(1)}x`,
    );
  } finally {
    standin.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
