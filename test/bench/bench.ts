// `npm run bench`: speed figures for the README (never timed assertions in tests).
// Analysis per typical modulefile, a 5,000-line one, a 10,000-file tree through the CLI next to
// `luac5.3 -p` (and again with --cache), ShellCheck's cost on 300 wrappers, LSP diagnostics
// latency after an edit, and remote runs over a real sshd.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { analyzeWrapper } from '../../core/analysis/wrapper/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { startServer } from '../helpers/lspClient';
import { benchRemote } from './remoteBench';
import { benchSlurm } from './slurmBench';

const repo = join(__dirname, '..', '..');

export function typicalModulefile(i: number, root: string): string {
  return `-- PyTorch container module ${i}, CSC pattern
local singName = 'lumi-pytorch-rocm-6.2.${i % 10}-python-3.12-pytorch-v2.${i % 7}.0.sif'
local pytorchVersion = '2.${i % 7}.0'
local signRoot = os.getenv('PROJHOME') or '${root}'
local loadTxt = capture('cat ' .. pathJoin(signRoot, 'txt', 'load-pytorch.txt'))

whatis("Name: pytorch")
whatis("Version: " .. pytorchVersion)
help([[ROCm-enabled PyTorch version ]] .. pytorchVersion .. [[ for Python]])

if mode() == "load" then
  LmodMessage(loadTxt)
end

depends_on("singularity-AI-bindings")
setenv("SING_IMAGE", pathJoin(signRoot, 'sif', singName))
prepend_path('PATH', pathJoin(signRoot, 'bin'))
setenv("WITH_CONDA", "source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch")
`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function ms(n: number): string {
  return `${n.toFixed(n < 10 ? 3 : 1)} ms`;
}

function benchAnalysis(lines: string[]): void {
  const env = makeEnv({ vars: { PROJHOME: '/project/project_465000000/me' }, processEnv: {} });
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const text = typicalModulefile(i, '/project/project_465000000/me');
    const t0 = performance.now();
    analyzeModulefile(text, `/project/project_465000000/me/modules/pytorch/${i}.lua`, env);
    if (i >= 200) times.push(performance.now() - t0); // after JIT warm-up
  }
  times.sort((a, b) => a - b);
  lines.push(
    `typical modulefile analysis: p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))} (n=${times.length}; target p50 < 2 ms)`,
  );

  const big: string[] = [];
  while (big.length < 5000) big.push(...typicalModulefile(big.length, '/project/x').split('\n'));
  const bigText = big.slice(0, 5000).join('\n');
  const runs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    analyzeModulefile(bigText, '/project/x/modules/big/1.0.lua', env);
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  lines.push(`5,000-line modulefile analysis: median ${ms(percentile(runs, 50))}`);
}

/**
 * The 10,000-module tree as a project has it: the load message, the images and a wrapper in bin/
 * exist (no findings), then again with those three paths missing (30,000 path-not-found).
 * Each figure is the median of 5 runs; `check` and `luac5.3 -p` alternate, so the ratio is
 * taken under the same load.
 */
export function benchTree(lines: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-tree-'));
  try {
    const files: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const d = join(dir, 'modules', `tool${Math.floor(i / 10)}`);
      if (i % 10 === 0) mkdirSync(d, { recursive: true });
      const f = join(d, `${i % 10}.lua`);
      writeFileSync(f, typicalModulefile(i, dir));
      files.push(f);
    }
    const present = ['txt', 'sif', 'bin'].map((d) => join(dir, d));
    const makePresent = () => {
      present.forEach((d) => mkdirSync(d, { recursive: true }));
      writeFileSync(join(dir, 'txt', 'load-pytorch.txt'), 'PyTorch container module\n');
      for (let i = 0; i < 70; i++)
        writeFileSync(
          join(dir, 'sif', `lumi-pytorch-rocm-6.2.${i % 10}-python-3.12-pytorch-v2.${i % 7}.0.sif`),
          '',
        );
      writeFileSync(join(dir, 'bin', 'python'), cscWrapper(0), { mode: 0o755 });
    };
    const cli = (extra: string[]) =>
      spawnSync(
        process.execPath,
        [
          join(repo, 'dist', 'cli.js'),
          'check',
          '--format',
          'json',
          '--no-shellcheck',
          ...extra,
          '--env',
          `PROJHOME=${dir}`,
          dir,
        ],
        { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 },
      );
    const findings = (extra: string[]) => {
      const r = cli(extra);
      return `${(JSON.parse(r.stdout) as unknown[]).length} findings, exit ${r.status}`;
    };
    const luac = () => {
      const r = spawnSync('luac5.3', ['-p', ...files], { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`luac5.3 -p failed: ${r.stderr.slice(0, 200)}`);
    };
    for (const [label, setUp] of [
      ['images, load message and wrapper present', makePresent],
      [
        'those 3 paths missing in every module',
        () => present.forEach((d) => rmSync(d, { recursive: true, force: true })),
      ],
    ] as const) {
      setUp();
      const checkMs: number[] = [];
      const luacMs: number[] = [];
      for (let i = 0; i < 5; i++) {
        checkMs.push(timed(() => cli([])));
        luacMs.push(timed(luac));
      }
      const [c, l] = [median(checkMs), median(luacMs)];
      lines.push(
        `10,000-modulefile tree (${label}; ${findings([])}): lumi-modules check ${ms(c)}, luac5.3 -p ${ms(l)}, ratio ${(c / l).toFixed(1)}x (medians of 5 interleaved; target < 2.5 s on 2 cores)`,
      );
      // --cache: the first run fills the cache; the next runs over the unchanged tree reuse it.
      const fill = timed(() => cli(['--cache']));
      const second = median(Array.from({ length: 5 }, () => timed(() => cli(['--cache']))));
      lines.push(
        `  the same with --cache: first run ${ms(fill)}, later runs median ${ms(second)} (n=5, output through a pipe)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function timed(run: () => unknown): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** A CSC-shaped delayed-container wrapper (the real ones are this short). */
function cscWrapper(i: number): string {
  return `#!/bin/bash
# wrapper ${i}
if [ -z "\${SING_IMAGE:-}" ]; then
  echo "$(basename "$0"): load the module first" >&2
  exit 1
fi
if [ -d /.singularity.d ]; then
  eval "\${WITH_CONDA:-}"
  exec -a "$0" "$(basename "$0")" "$@"
fi
export SINGULARITYENV_VIRTUAL_ENV="\${VIRTUAL_ENV:-}"
args=$(printf ' %q' "$@")
exec singularity exec $SING_FLAGS "$SING_IMAGE" bash -c 'eval "\${WITH_CONDA:-}"; exec -a "$0" "$1"'"$args" "$0" "$(basename "$0")"
`;
}

/** ShellCheck in batches: check with ShellCheck over check without, on 100 modules with 3 wrappers each. */
export function benchShellcheckBatches(lines: string[]): void {
  const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (shellcheck.status !== 0) {
    lines.push('ShellCheck batch ratio: skipped (shellcheck not installed)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-wrappers-'));
  try {
    for (let m = 0; m < 100; m++) {
      const bin = join(dir, 'apps', `app${m}`, 'bin');
      mkdirSync(bin, { recursive: true });
      mkdirSync(join(dir, 'modules', `app${m}`), { recursive: true });
      writeFileSync(
        join(dir, 'modules', `app${m}`, '1.0.lua'),
        `local root = '${join(dir, 'apps', `app${m}`)}'\nsetenv('SING_IMAGE', pathJoin(root, 'app.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
      );
      for (const name of ['python', 'pip', 'torchrun'])
        writeFileSync(join(bin, name), cscWrapper(m), { mode: 0o755 });
    }
    const run = (flags: string[]) =>
      timed(() =>
        spawnSync(
          process.execPath,
          [join(repo, 'dist', 'cli.js'), 'check', '--format', 'json', ...flags, dir],
          { encoding: 'utf8', maxBuffer: 1 << 30 },
        ),
      );
    const without: number[] = [];
    const withShellcheck: number[] = [];
    for (let i = 0; i < 5; i++) {
      without.push(run(['--no-shellcheck']));
      withShellcheck.push(run([]));
    }
    const a = median(without);
    const b = median(withShellcheck);
    lines.push(
      `300 wrappers (100 modules): check ${ms(a)} without ShellCheck, ${ms(b)} with, ratio ${(b / a).toFixed(2)}x (medians of 5 interleaved; target <= 1.5x)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The shapes that used to cost quadratic time or overflow the stack (issue 13; target < 2 s each). */
async function benchShapes(lines: string[]): Promise<void> {
  await initBashParser();
  const env = makeEnv({ processEnv: {} });
  const modulefiles: Record<string, string> = {
    '5 MB modulefile': ('local v = "' + 'x'.repeat(100) + '"\nsetenv("A", v)\n').repeat(40_000),
    '100k-statement modulefile': 'setenv("A", "b")\n'.repeat(100_000),
    '100,000 nested parentheses': 'x = ' + '('.repeat(100_000) + '1' + ')'.repeat(100_000) + '\n',
    'a.b.b... chain of 100k': 'x = a' + '.b'.repeat(100_000) + '\n',
  };
  const figures: string[] = [];
  for (const [name, text] of Object.entries(modulefiles)) {
    const t0 = performance.now();
    analyzeModulefile(text, '/project/x/modules/big/1.0.lua', env);
    figures.push(`${name} ${ms(performance.now() - t0)}`);
  }
  const wrapper =
    '#!/bin/bash\n' +
    '# a comment line\n'.repeat(160_000) +
    'exec singularity exec "$SING_IMAGE" python "$@"\n';
  const t0 = performance.now();
  analyzeWrapper(wrapper, '/project/x/bin/python', { modulesSettingWithConda: [] });
  figures.push(`wrapper with 160k comment lines ${ms(performance.now() - t0)}`);
  lines.push(`large shapes (target < 2 s each): ${figures.join(', ')}`);
}

async function lspEditLatency(dir: string, name: string, base: string): Promise<string> {
  const client = await startServer({ rootPath: dir, settings: { shellcheck: { enable: false } } });
  try {
    const uri = await client.open(join(dir, 'modules', 'pytorch', `${name}.lua`), base);
    await client.diagnostics(uri);
    const latencies = await editLatencies(client, uri, base);
    return `p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}`;
  } finally {
    await client.stop();
  }
}

/** Edit latency on a 5,000-line module with a syntax error in the middle (tolerant parsing at work). */
async function benchLspLargeBroken(lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-lsp-'));
  try {
    const big: string[] = [];
    while (big.length < 5000) big.push(...typicalModulefile(big.length, dir).split('\n'));
    big[2500] = 'local broken = pathJoin("/a", "b"';
    const figure = await lspEditLatency(dir, 'big', big.slice(0, 5000).join('\n') + '\n');
    lines.push(
      `LSP diagnostics after an edit, 5,000-line module with a syntax error: ${figure} (target p50 < 100 ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchLsp(lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lumi-bench-lsp-'));
  const client = await startServer({ rootPath: dir, settings: { shellcheck: { enable: false } } });
  try {
    const path = join(dir, 'modules', 'pytorch', '1.0.lua');
    const base = typicalModulefile(0, dir);
    const uri = await client.open(path, base);
    await client.diagnostics(uri);
    const latencies = await editLatencies(client, uri, base);
    lines.push(
      `LSP diagnostics after an edit (incl. 25 ms debounce): p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))} (target < 50 ms)`,
    );
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--only=NAME[,NAME]` runs only those parts; `--no-NAME` leaves one out. */
function wanted(name: string): boolean {
  const only = process.argv.find((a) => a.startsWith('--only='));
  if (only) return only.slice('--only='.length).split(',').includes(name);
  return !process.argv.includes(`--no-${name}`);
}

const PARTS: [string, (lines: string[]) => unknown][] = [
  ['analysis', benchAnalysis],
  ['tree', benchTree],
  [
    'lmod',
    async (lines) =>
      (await import('./lmodTreeBench')).benchLmodTree(lines, process.argv.includes('--lmod-full')),
  ],
  ['shellcheck', benchShellcheckBatches],
  ['lsp', benchLsp],
  ['lsp-broken', benchLspLargeBroken],
  ['lsp-many', async (lines) => (await import('./lspManyBench')).benchLspMany(lines)],
  ['shapes', benchShapes],
  ['remote', benchRemote],
  ['slurm', benchSlurm],
  ['image', async (lines) => (await import('./imageBench')).benchImage(lines)],
  ['persistent', async (lines) => (await import('./persistentBench')).benchPersistent(lines)],
];

async function main(): Promise<void> {
  const lines: string[] = [];
  const unknown = process.argv
    .filter((a) => a.startsWith('--only='))
    .flatMap((a) => a.slice('--only='.length).split(','))
    .filter((name) => !PARTS.some(([part]) => part === name));
  if (unknown.length > 0) {
    console.error(`bench: no part ${unknown.join(', ')} (parts: ${PARTS.map(([p]) => p).join(', ')})`);
    process.exit(2);
  }
  for (const [name, run] of PARTS) if (wanted(name)) await run(lines);
  lines.push(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (${cpus().length} cores)`,
  );
  console.log(lines.join('\n'));
}

if (require.main === module) void main();

/** 50 edits of BASE (a line appended each time), each timed until its diagnostics arrive; sorted. */
async function editLatencies(
  client: Awaited<ReturnType<typeof startServer>>,
  uri: string,
  base: string,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 1; i <= 50; i++) {
    const t0 = performance.now();
    client.change(uri, base + `setenv("X${i}", "${i}")\n`);
    await client.diagnostics(uri);
    latencies.push(performance.now() - t0);
  }
  return latencies.sort((a, b) => a - b);
}
