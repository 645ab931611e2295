// Scaffold's writes under concurrency and faults (issue 24), through the real bin and file system:
// one scaffold at a time writes a project home (the lock ROOT/.lumi-scaffold.lock), so parallel
// runs end as if they ran one after the other; modes follow the umask but are never group/world
// writable; a read-only file system is reported in words, not errno names, with exit 1.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCK_NAME, withScaffoldLock } from '../../core/scaffold/write';
import { CLI } from '../helpers/cli';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-scaffold-writes-'));
  writeFileSync(join(dir, 'a.sif'), 'image a');
  writeFileSync(join(dir, 'b.sif'), 'image b');
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `lumi-modules scaffold` as a process of its own, with a bounded run time. */
function scaffold(args: string[], umask?: string): Promise<Run> {
  const argv = [CLI, 'scaffold', ...args];
  const child =
    umask === undefined
      ? spawn(process.execPath, argv, { env: { ...process.env, PROJHOME: '' } })
      : spawn('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, ...argv], {
          env: { ...process.env, PROJHOME: '' },
        });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const args = (home: string, version: string, image = 'a.sif') => [
  '--name',
  'tool',
  '--version',
  version,
  '--image',
  join(dir, image),
  '--root',
  home,
];

/** Every entry under ROOT: dangling links, temporary files and a left lock are listed as problems. */
function problems(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink() && statSync(p, { throwIfNoEntry: false }) === undefined)
        out.push(`dangling link ${p}`);
      if (/\.lumi-[0-9a-f]+\.tmp$|\.lumi-scaffold\.lock/.test(name)) out.push(`left ${p}`);
    }
  };
  walk(root);
  return out;
}

describe('scaffold writes', () => {
  it('4 parallel scaffolds into one home, 20 rounds: all succeed, nothing lost, no dangling link', async () => {
    for (let round = 0; round < 20; round++) {
      const home = join(dir, `home-${round}`);
      const runs = await Promise.all(['1', '2', '3', '4'].map((v) => scaffold(args(home, v))));
      runs.forEach((r, i) => assert.equal(r.code, 0, `round ${round}, version ${i + 1}: ${r.stderr}`));
      assert.deepEqual(problems(home), [], `round ${round}`);
      for (const v of ['1', '2', '3', '4']) statSync(join(home, 'modules', 'tool', `${v}.lua`));
      for (const w of ['python', 'python3', 'pip', 'pip3']) statSync(join(home, 'bin', w));
    }
  });

  it('two images for one NAME/VERSION at once: the second is refused with a diff, never overwritten', async () => {
    const home = join(dir, 'home-two-images');
    const runs = await Promise.all([scaffold(args(home, '1', 'a.sif')), scaffold(args(home, '1', 'b.sif'))]);
    const codes = runs.map((r) => r.code).sort();
    assert.deepEqual(codes, [0, 1], runs.map((r) => r.stderr).join('\n'));
    const refused = runs.find((r) => r.code === 1)!;
    assert.match(refused.stderr, /refusing to overwrite existing file/);
    assert.match(refused.stderr, /^[-+].*\.sif/m);
    // The module on disk is the winner's, whole.
    const winner = runs.findIndex((r) => r.code === 0);
    const module = readFileSync(join(home, 'modules', 'tool', '1.lua'), 'utf8');
    assert.ok(module.includes(winner === 0 ? 'a.sif' : 'b.sif'), module);
    assert.deepEqual(problems(home), []);
  });

  it('with --force both win in turn: the first module is kept as a numbered backup', async () => {
    const home = join(dir, 'home-two-images-force');
    const runs = await Promise.all([
      scaffold([...args(home, '1', 'a.sif'), '--force']),
      scaffold([...args(home, '1', 'b.sif'), '--force']),
    ]);
    runs.forEach((r) => assert.equal(r.code, 0, r.stderr));
    const now = readFileSync(join(home, 'modules', 'tool', '1.lua'), 'utf8');
    const backup = readFileSync(join(home, 'modules', 'tool', '1.lua.~1~'), 'utf8');
    assert.notEqual(now, backup);
    assert.ok(
      [now, backup].some((t) => t.includes('a.sif')) && [now, backup].some((t) => t.includes('b.sif')),
    );
  });

  it('a lock whose owner is gone is taken over', async () => {
    const home = join(dir, 'home-stale');
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(dead.stdout.trim());
    (await import('node:fs')).mkdirSync(home, { recursive: true });
    writeFileSync(join(home, LOCK_NAME), JSON.stringify({ pid, hostname: hostname(), started: '1' }));
    const r = await scaffold(args(home, '1'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(problems(home), []);
  });

  it('a lock held by a live process is waited for, then "another scaffold is writing HOME"', async () => {
    const home = join(dir, 'home-busy');
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    (await import('node:fs')).mkdirSync(home, { recursive: true });
    const owner = JSON.stringify({ pid: process.pid, hostname: hostname(), started });
    writeFileSync(join(home, LOCK_NAME), owner);
    const t0 = Date.now();
    await assert.rejects(
      withScaffoldLock(home, async () => 'ran', { waitMs: 400 }),
      new RegExp(`^Error: another scaffold is writing ${home} \\(process ${process.pid} on `),
    );
    assert.ok(Date.now() - t0 >= 400);
    assert.equal(readFileSync(join(home, LOCK_NAME), 'utf8'), owner, "the owner's lock stays");
    rmSync(join(home, LOCK_NAME));
    assert.equal(await withScaffoldLock(home, async () => 'ran'), 'ran');
  });

  it('modes: never group/world writable under umask 000; umask 077 gives 0600/0700', async () => {
    for (const [umask, file, exe, dirMode] of [
      ['000', 0o644, 0o755, 0o755],
      ['077', 0o600, 0o700, 0o700],
      ['022', 0o644, 0o755, 0o755],
    ] as const) {
      const home = join(dir, `home-umask-${umask}`);
      const r = await scaffold(args(home, '1'), umask);
      assert.equal(r.code, 0, r.stderr);
      const mode = (p: string) => lstatSync(join(home, p)).mode & 0o777;
      for (const d of ['modules', 'modules/tool', 'bin', 'txt', 'sif'])
        assert.equal(mode(d).toString(8), dirMode.toString(8), `umask ${umask}: ${d}/`);
      assert.equal(mode('bin/python').toString(8), exe.toString(8), `umask ${umask}: bin/python`);
      for (const f of ['modules/tool/1.lua', 'txt/load-tool-1.txt'])
        assert.equal(mode(f).toString(8), file.toString(8), `umask ${umask}: ${f}`);
    }
  });

  it('a read-only project home: a line in words, exit 1, no errno name', () => {
    const home = join(dir, 'home-ro');
    (require('node:fs') as typeof import('node:fs')).mkdirSync(home);
    const r = spawnSync(
      'bwrap',
      [
        '--dev-bind',
        '/',
        '/',
        '--ro-bind',
        home,
        home,
        process.execPath,
        CLI,
        'scaffold',
        ...args(home, '1'),
      ],
      { encoding: 'utf8', env: { ...process.env, PROJHOME: '' } },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.equal(
      r.stderr,
      `lumi-modules scaffold: cannot write ${join(home, LOCK_NAME)}: the file system is read-only\n`,
    );
    assert.doesNotMatch(r.stderr, /EROFS|EEXIST|\n\s+at /);
  });
});
