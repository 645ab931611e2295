// One project home, many modules: `lumi-modules scaffold` reuses byte-identical files, refuses a
// differing one with a short diff (or keeps a FILE.~N~ backup with --force), checks everything
// before the first write, and what it generates loads under real Lmod, also from a project path
// holding spaces, quotes, `;`, `$()` and a trailing `\` (and nothing in that path ever runs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { luaString } from '../../core/scaffold/luaString';
import { planScaffold } from '../../core/scaffold/plan';
import { nodeTarget, TEMP_NAME, writeScaffold, type ScaffoldTarget } from '../../core/scaffold/write';
import { assertCheckClean, runCli } from '../helpers/cli';
import { runModuleCommands } from '../helpers/lmod';

const repo = join(__dirname, '..', '..');
const cscModule = join(repo, 'test', 'fixtures', 'csc', 'pytorch', '2.7.lua');
const bindingsModules = join(repo, 'test', 'fixtures', 'modulefiles');

let dir: string;
let image: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-home-'));
  mkdirSync(join(dir, 'images'));
  image = join(dir, 'images', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif');
  writeFileSync(image, '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const scaffold = (root: string, name: string, version: string, extra: string[] = [], cwd?: string) =>
  runCli(['scaffold', '--name', name, '--version', version, '--image', image, '--root', root, ...extra], {
    cwd,
  });

/** Every path under ROOT (relative), with `/` after directories, sorted. */
function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      out.push(relative(root, p) + (s.isDirectory() ? '/' : ''));
      if (s.isDirectory()) visit(p);
    }
  };
  visit(root);
  return out.sort();
}

/** Path -> content (files) or -> target (links), for "left exactly as it was". */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of tree(root)) {
    const full = join(root, p);
    const s = lstatSync(full);
    out[p] = s.isSymbolicLink()
      ? `-> ${readlinkSync(full)}`
      : s.isFile()
        ? `${(s.mode & 0o777).toString(8)} ${readFileSync(full, 'utf8')}`
        : 'dir';
  }
  return out;
}

describe('luaString (the one Lua string escaper)', () => {
  it('round-trips backslashes, quotes, newlines and control bytes through real Lua', () => {
    const values = [
      "it's",
      'say "hi"',
      'ends in \\',
      'a\nb\r\tc',
      '\u0001\u001f\u007f9',
      'Ääkköset 日本語',
      '',
      ']]',
    ];
    for (const quote of ["'", '"'] as const) {
      const script = values.map((v) => `io.write(${luaString(v, quote)}, '\\0')`).join('\n');
      const r = spawnSync('lua5.3', ['-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\0').slice(0, -1), values);
    }
  });
});

describe('many modules in one project home', () => {
  let home: string;
  before(() => {
    home = join(dir, 'home');
  });

  it('adds NAME/2.8 beside NAME/2.7 and OTHER/1.0 beside both, reusing the shared files, and all three load', () => {
    const first = scaffold(home, 'torch', '2.7');
    assert.equal(first.code, 0, first.stderr);
    const second = scaffold(home, 'torch', '2.8');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`kept ${join(home, 'bin', 'python')} \\(already the same\\)`));
    assert.match(second.stdout, new RegExp(`wrote ${join(home, 'txt', 'load-torch-2.8.txt')}`));
    assert.match(second.stdout, new RegExp(`wrote ${join(home, 'modules', 'torch', '2.8.lua')}`));
    assert.doesNotMatch(second.stdout, /wrote .*bin\/python/);
    // Another image, without conda (not a lumi-*-rocm-* one): OTHER gets no WITH_CONDA.
    const plain = join(dir, 'images', 'plain-python.sif');
    writeFileSync(plain, '');
    const third = runCli([
      'scaffold',
      '--name',
      'other',
      '--version',
      '1.0',
      '--image',
      plain,
      '--root',
      home,
    ]);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /kept .*bin\/python \(already the same\)/);
    assert.deepEqual(tree(join(home, 'modules')), [
      'other/',
      'other/1.0.lua',
      'torch/',
      'torch/2.7.lua',
      'torch/2.8.lua',
    ]);
    assert.deepEqual(readdirSync(join(home, 'bin')).sort(), ['pip', 'pip3', 'python', 'python3']);
    for (const m of ['torch/2.7', 'torch/2.8', 'other/1.0']) {
      const loaded = runModuleCommands(
        [
          ['use', join(home, 'modules')],
          ['load', m],
        ],
        {},
        'echo "PATH=$PATH"; echo "SING_IMAGE=$SING_IMAGE"',
      );
      assert.equal(loaded.status, 0, `${m}: ${loaded.stderr}`);
      assert.match(loaded.stdout, new RegExp(`^PATH=${join(home, 'bin')}:`, 'm'));
      assert.match(
        loaded.stdout,
        new RegExp(
          `^SING_IMAGE=${join(home, 'sif', m.startsWith('other') ? 'plain-python.sif' : 'lumi-pytorch-rocm')}`,
          'm',
        ),
      );
      assert.match(loaded.stderr, new RegExp(`Module ${m} loaded`));
    }
    assertCheckClean(home);
  });

  it('a second run with the same options writes nothing and says every file is already there', () => {
    const before = snapshot(home);
    const again = scaffold(home, 'torch', '2.7');
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /^wrote /m);
    assert.deepEqual(snapshot(home), before);
  });

  it('refuses a differing file with a short diff and writes nothing; --force keeps FILE.~1~, then FILE.~2~', () => {
    const wrapper = join(home, 'bin', 'python');
    const edited = readFileSync(wrapper, 'utf8').replace('set -u', 'set -u # my own line');
    writeFileSync(wrapper, edited);
    const before = snapshot(home);
    const refused = scaffold(home, 'torch', '2.9');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to overwrite existing file \(use --force\): .*bin\/python\n/);
    assert.match(refused.stderr, /^-set -u # my own line$/m);
    assert.match(refused.stderr, /^\+set -u$/m);
    assert.deepEqual(snapshot(home), before, 'nothing written, not even the new module');

    const forced = scaffold(home, 'torch', '2.9', ['--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, new RegExp(`backed up ${wrapper} as ${wrapper}\\.~1~`));
    assert.equal(readFileSync(`${wrapper}.~1~`, 'utf8'), edited);
    assert.doesNotMatch(readFileSync(wrapper, 'utf8'), /my own line/);
    assert.equal(statSync(wrapper).mode & 0o777, 0o755);
    writeFileSync(wrapper, 'second edit\n');
    assert.equal(scaffold(home, 'torch', '2.9', ['--force']).code, 0);
    assert.equal(readFileSync(`${wrapper}.~1~`, 'utf8'), edited);
    assert.equal(readFileSync(`${wrapper}.~2~`, 'utf8'), 'second edit\n');
  });
});

describe('all or nothing', () => {
  it('rejects names and versions Lmod cannot use, too long ones, and a missing image, with exit 2 and nothing written', () => {
    const root = join(dir, 'bad');
    const long = 'n'.repeat(250);
    for (const [name, version, otherImage, message] of [
      ['.', '1.0', undefined, /name '\.' must start with a letter or digit/],
      ['ok', '.', undefined, /version '\.' must start with a letter or digit/],
      ['.hidden', '1.0', undefined, /must start with a letter or digit/],
      ['-x', '1.0', undefined, /must start with a letter or digit/],
      [long, '1.0', undefined, /name is 250 characters long; at most 100/],
      ['ok', long, undefined, /version is 250 characters long/],
      [
        'ok',
        '1.0',
        join(dir, 'images', 'not-there.sif'),
        /image '.*not-there\.sif' does not exist \(use --allow-missing-image/,
      ],
      ['ok', '1.0', join(dir, 'images'), /does not end in \.sif/],
    ] as const) {
      const r = runCli([
        'scaffold',
        '--name',
        name,
        '--version',
        version,
        '--image',
        otherImage ?? image,
        '--root',
        root,
      ]);
      assert.equal(r.code, 2, `${name} ${version}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /ENAMETOOLONG|\n\s+at /);
    }
    assert.equal(existsSync(root), false);
  });

  it('refuses --style values and combinations that make no sense, with exit 2', () => {
    const laifImage = () => {
      const p = join(dir, 'images', 'lumi-multitorch-full-u24r70f21m50t210-20250827_120000.sif');
      writeFileSync(p, '');
      return p;
    };
    const root = join(dir, 'bad-style');
    for (const [extra, message] of [
      [['--style', 'tcl'], /--style must be one of csc, laif, easybuild/],
      [
        ['--style', 'easybuild', '--bindings', 'singularity-AI-bindings'],
        /--style easybuild binds through SINGULARITY_BIND itself/,
      ],
      [['--style', 'laif', '--conda-env', 'pytorch'], /--style laif has no conda/],
      [['--style', 'csc', '--from', cscModule], /--style chooses a template; --from starts from a module/],
    ] as const) {
      const r = scaffold(root, 'st', '1.0', [...extra]);
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, message);
    }
    // laif chosen from the image's name: the same refusal.
    const r = runCli([
      'scaffold',
      '--name',
      'st',
      '--version',
      '1.0',
      '--image',
      laifImage(),
      '--root',
      root,
      '--conda-env',
      'pytorch',
    ]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /--style laif has no conda/);
    assert.equal(existsSync(root), false);
  });

  it('links a missing image with --allow-missing-image and says so', () => {
    const root = join(dir, 'later');
    const later = join(dir, 'images', 'copied-later.sif');
    const r = runCli([
      'scaffold',
      '--name',
      'l',
      '--version',
      '1',
      '--image',
      later,
      '--root',
      root,
      '--no-conda',
      '--allow-missing-image',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /the image .*copied-later\.sif does not exist yet/);
    assert.equal(readlinkSync(join(root, 'sif', 'copied-later.sif')), later);
  });

  it('resolves every relative path flag against the working directory', () => {
    writeFileSync(join(dir, 'module-copy.lua'), readFileSync(cscModule));
    const r = runCli(
      [
        'scaffold',
        '--name',
        'rel',
        '--version',
        '1.0',
        '--image',
        'images/' + image.split('/').pop()!,
        '--root',
        'rel-home',
        '--from',
        'module-copy.lua',
        '--template-dir',
        join(repo, 'templates'),
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const module = readFileSync(join(dir, 'rel-home', 'modules', 'rel', '1.0.lua'), 'utf8');
    assert.ok(module.includes(luaString(join(dir, 'rel-home'))), 'the root fallback is the absolute path');
    assert.equal(statSync(join(dir, 'rel-home', 'sif', image.split('/').pop()!)).isFile(), true);
  });

  it('refuses a directory where a file goes even with --force, before writing anything, and leaves no directory behind', () => {
    const root = join(dir, 'blocked');
    mkdirSync(join(root, 'txt', 'load-b-1.0.txt'), { recursive: true });
    const before = snapshot(root);
    const r = scaffold(root, 'b', '1.0', ['--force']);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /load-b-1\.0\.txt is a directory: a file goes there/);
    assert.deepEqual(snapshot(root), before);
  });

  it('takes back what it did when a write fails midway: no new files, no empty directories, backups put back', async () => {
    const root = join(dir, 'midway');
    assert.equal(scaffold(root, 'm', '1.0').code, 0);
    writeFileSync(join(root, 'txt', 'load-m-1.0.txt'), 'edited\n');
    const before = snapshot(root);
    const plan = planScaffold({ name: 'm', version: '2.0', image, root, condaEnv: false });
    // The real file system, with the modulefile's write failing (a full disk, say) after the others.
    const failing: ScaffoldTarget = {
      ...nodeTarget,
      writeFile: (path, content, mode) =>
        path.endsWith('.lua')
          ? Promise.reject(new Error('ENOSPC: no space left on device'))
          : nodeTarget.writeFile(path, content, mode),
    };
    await assert.rejects(writeScaffold(plan, { force: true, target: failing, root }), /ENOSPC/);
    assert.deepEqual(snapshot(root), before);
    const fresh = join(dir, 'midway-fresh');
    await assert.rejects(
      writeScaffold(planScaffold({ name: 'm', version: '2.0', image, root: fresh, condaEnv: false }), {
        force: false,
        target: failing,
        root: fresh,
      }),
      /ENOSPC/,
    );
    assert.equal(existsSync(fresh), false, 'every directory it made is gone');
  });

  it('a run after a killed one removes its temporary files and finishes the module', () => {
    const root = join(dir, 'killed');
    assert.equal(scaffold(root, 'k', '1.0').code, 0);
    // What `kill -9` mid-write leaves: a temporary file beside a target, and no modulefile yet.
    const stale = join(root, 'bin', '.python.lumi-0123456789abcdef.tmp');
    assert.match('.python.lumi-0123456789abcdef.tmp', TEMP_NAME);
    writeFileSync(stale, 'half a wrapper');
    const oldStyle = join(root, 'txt', '.load-k-1.0.txt.lumi-4242.tmp'); // earlier versions: the pid
    writeFileSync(oldStyle, 'half a message');
    rmSync(join(root, 'modules', 'k', '1.0.lua'));
    const r = scaffold(root, 'k', '1.0');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`removed ${stale} \\(left by an interrupted run\\)`));
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(oldStyle), false);
    assert.equal(existsSync(join(root, 'modules', 'k', '1.0.lua')), true);
    assert.deepEqual(
      tree(root).filter((p) => TEMP_NAME.test(p.split('/').pop()!)),
      [],
    );
  });
});

describe('planted symlinks in a shared project directory', () => {
  it('never writes or chmods through a link at a target; --force replaces the link itself', () => {
    const root = join(dir, 'shared');
    const outside = join(dir, 'victim.txt');
    writeFileSync(outside, 'not yours\n', { mode: 0o600 });
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'txt'));
    mkdirSync(join(root, 'modules', 's'), { recursive: true });
    for (const target of [
      join(root, 'bin', 'python'),
      join(root, 'txt', 'load-s-1.0.txt'),
      join(root, 'modules', 's', '1.0.lua'),
    ])
      symlinkSync(outside, target);
    const refused = scaffold(root, 's', '1.0');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /bin\/python: is a symlink \(to .*victim\.txt\); never written through/);
    assert.equal(readFileSync(outside, 'utf8'), 'not yours\n');
    assert.equal(statSync(outside).mode & 0o777, 0o600);

    const forced = scaffold(root, 's', '1.0', ['--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(outside, 'utf8'), 'not yours\n');
    assert.equal(statSync(outside).mode & 0o777, 0o600, 'never chmod-ed');
    assert.equal(lstatSync(join(root, 'bin', 'python')).isFile(), true);
    assert.equal(statSync(join(root, 'bin', 'python')).mode & 0o777, 0o755);
    assert.equal(
      readlinkSync(join(root, 'bin', 'python.~1~')),
      outside,
      'the link itself is kept as the backup',
    );
  });

  it('refuses a linked directory where it writes (bin/, txt/, modules/NAME/)', () => {
    const root = join(dir, 'shared-dirs');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(root);
    symlinkSync(elsewhere, join(root, 'bin'));
    const r = scaffold(root, 'd', '1.0', ['--force']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bin is a symlink: a directory goes there/);
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  it('a file or link planted at the temporary name makes the write fail instead of going through it', async () => {
    const { writeThroughTemp } = await import('../../core/scaffold/write');
    const d = join(dir, 'tmpname');
    mkdirSync(d);
    const outside = join(dir, 'victim2.txt');
    writeFileSync(outside, 'not yours\n', { mode: 0o600 });
    const tmp = join(d, '.python.lumi-00000000000000aa.tmp');
    symlinkSync(outside, tmp);
    await assert.rejects(writeThroughTemp(join(d, 'python'), tmp, 'wrapper', 0o755), /EEXIST/);
    assert.equal(readFileSync(outside, 'utf8'), 'not yours\n');
    assert.equal(statSync(outside).mode & 0o777, 0o600);
    assert.equal(existsSync(join(d, 'python')), false);
  });
});

describe('a project path holding spaces, quotes, ;, $() and a trailing backslash', () => {
  it('loads under real Lmod, shows the load message, and runs nothing from the path (template and --from)', () => {
    const marker = join(dir, 'MARKER');
    // Separate paths: an unbalanced quote would make the shell refuse the whole line and hide the rest.
    const hostiles = [
      join(dir, `a b ;touch ${marker}; x`),
      join(dir, `c $(touch ${marker}) \`touch ${marker}\``),
      join(dir, `it's a "home" \\`),
    ];
    for (const hostile of hostiles) {
      for (const [name, extra] of [
        ['tpl', ['--no-conda']],
        ['frm', ['--from', cscModule, '--no-conda']],
      ] as const) {
        const r = scaffold(hostile, name, '1.0', [...extra]);
        assert.equal(r.code, 0, r.stderr);
        const module = readFileSync(join(hostile, 'modules', name, '1.0.lua'), 'utf8');
        const luac = spawnSync('luac5.3', ['-p', '-'], { input: module, encoding: 'utf8' });
        assert.equal(luac.status, 0, luac.stderr);
        for (const env of [{}, { PROJHOME: hostile }] as Record<string, string>[]) {
          const loaded = runModuleCommands(
            [
              ['use', bindingsModules],
              ['use', join(hostile, 'modules')],
              ['load', `${name}/1.0`],
            ],
            env,
            'echo "SING_IMAGE=$SING_IMAGE"',
          );
          assert.equal(loaded.status, 0, loaded.stderr);
          assert.equal(loaded.stdout, `SING_IMAGE=${join(hostile, 'sif', image.split('/').pop()!)}\n`);
          assert.match(
            loaded.stderr,
            new RegExp(`Module ${name}/1.0 loaded`),
            `${name} in ${hostile}: the load message shows`,
          );
          assert.equal(existsSync(marker), false, `${name} in ${hostile}: something in the path ran`);
        }
      }
    }
  });
});
