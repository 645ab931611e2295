// The tree check next to the tools a user would otherwise run on the same files: Lmod's own
// `check_module_tree_syntax` (loads every module, as Lmod would) and `luac5.3 -p` (parses only).
// Lmod takes tens of milliseconds a module, so by default it runs on a 1,000-module tree of the same
// shape and its figure for 10,000 is that times ten; `--lmod-full` runs it on all 10,000.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { typicalModulefile } from './bench';

const repo = join(__dirname, '..', '..');
const LMOD_LIBEXEC = '/usr/share/lmod/lmod/libexec';

function timed(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

function writeTree(dir: string, root: string, count: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = join(dir, `tool${Math.floor(i / 10)}`);
    if (i % 10 === 0) mkdirSync(d, { recursive: true });
    const f = join(d, `${i % 10}.lua`);
    writeFileSync(f, typicalModulefile(i, root));
    files.push(f);
  }
  return files;
}

export function benchLmodTree(lines: string[], full: boolean): void {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-lmod-'));
  try {
    const files = writeTree(join(dir, 'modules'), dir, 10_000);
    const lmodTree = full ? join(dir, 'modules') : join(dir, 'part');
    if (!full) writeTree(lmodTree, dir, 1_000);
    const env = { PATH: '/usr/bin:/bin', HOME: dir, PROJHOME: dir };
    const check = () => {
      const args = [join(repo, 'dist', 'cli.js'), 'check', '--no-shellcheck', join(dir, 'modules')];
      const r = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0 && r.status !== 1) throw new Error(`check failed: ${r.stderr.slice(0, 200)}`);
    };
    const luac = () => {
      const r = spawnSync('luac5.3', ['-p', ...files], { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`luac5.3 -p failed: ${r.stderr.slice(0, 200)}`);
    };
    const lmod = () => {
      const r = spawnSync(`${LMOD_LIBEXEC}/check_module_tree_syntax`, [lmodTree], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        env: { ...env, LMOD_CMD: `${LMOD_LIBEXEC}/lmod`, LMOD_DIR: LMOD_LIBEXEC, MODULEPATH: '' },
      });
      if (r.status === null) throw new Error('check_module_tree_syntax did not finish');
    };
    const checkMs = [timed(check), timed(check), timed(check)].sort((a, b) => a - b)[1];
    const luacMs = [timed(luac), timed(luac), timed(luac)].sort((a, b) => a - b)[1];
    const lmodMs = timed(lmod);
    const lmod10k = full ? lmodMs : lmodMs * 10;
    const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
    lines.push(
      `10,000-modulefile tree of typical modules, images missing: lumi-modules check ${s(checkMs)}, ` +
        `luac5.3 -p ${s(luacMs)}, Lmod check_module_tree_syntax ${s(lmod10k)}` +
        `${full ? '' : ` (10 x ${s(lmodMs)} for 1,000)`}: check ${(lmod10k / checkMs).toFixed(0)}x ` +
        'faster than Lmod (check and luac medians of 3, Lmod once; target: check < 2.5 s)',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
