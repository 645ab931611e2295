// `lumi-modules scaffold --from FILE`: an existing (CSC-like) module rewritten through its Lua
// syntax tree: only the image, version, root, load-message file, PATH and WITH_CONDA change,
// every other line (comments included) stays byte for byte, and the result loads under real Lmod.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeModule } from '../../core/scaffold/describe';
import { rewriteModule, type RewriteOptions } from '../../core/scaffold/fromModule';
import { ScaffoldInputError } from '../../core/scaffold/plan';
import { assertCheckClean, runCli } from '../helpers/cli';
import { runModuleCommands } from '../helpers/lmod';

const repo = join(__dirname, '..', '..');
const fixture = join(repo, 'test', 'fixtures', 'csc', 'pytorch', '2.7.lua');
const bindingsModules = join(repo, 'test', 'fixtures', 'modulefiles');
const source = readFileSync(fixture, 'utf8');

/** One container module at a time (Lmod's family): added after SING_IMAGE when the module has no family. */
const FAMILY = 'family("container")';
const CONDA = (env: string) => `source /opt/conda/etc/profile.d/conda.sh && conda activate ${env}`;
const base: RewriteOptions = {
  name: 'my-torch',
  version: '2.7',
  imageName: 'my-image.sif',
  root: '/project/project_465000000/me',
  condaEnv: undefined,
};

const run = (args: string[]) => runCli(args);

/** Lines only in `a` and lines only in `b`, in order, from a longest common subsequence. */
function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const x = a.split('\n');
  const y = b.split('\n');
  const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (j < y.length && (i === x.length || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(y[j++]);
    else removed.push(x[i++]);
  }
  return { removed, added };
}

function sourceLine(prefix: string): string {
  const line = source.split('\n').find((l) => l.startsWith(prefix));
  assert.ok(line, `fixture has a line starting with ${prefix}`);
  return line;
}

let dir: string;
let image: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-from-module-'));
  mkdirSync(join(dir, 'images'));
  image = join(dir, 'images', 'my-image.sif');
  writeFileSync(image, '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function luacAccepts(text: string): void {
  const file = join(dir, `luac-${process.hrtime.bigint()}.lua`);
  writeFileSync(file, text);
  const r = spawnSync('luac5.3', ['-p', file], { encoding: 'utf8' });
  rmSync(file, { force: true });
  assert.equal(r.status, 0, `luac5.3 -p rejects the output: ${r.stderr}\n${text}`);
}

describe('rewriteModule', () => {
  // pytorchVersion = "2.7.1" is PyTorch's release, not the module's version 2.7: it stays.
  const rewritten = [sourceLine('local singName'), sourceLine('local signRoot'), sourceLine('local loadTxt')];
  const replacements = [
    'local singName = "my-image.sif"',
    "local signRoot = os.getenv('PROJHOME') or '/project/project_465000000/me'",
    `local loadTxt = capture("cat -- '" .. string.gsub(pathJoin(signRoot, 'txt', 'load-my-torch-2.7.txt'), "'", "'\\\\''") .. "'")`,
  ];

  it('changes only the rewritten lines and keeps every other line, comments included, in order', () => {
    const out = rewriteModule(source, fixture, base);
    assert.deepEqual(lineDiff(source, out), { removed: rewritten, added: [...replacements, FAMILY] });
    for (const comment of [
      '--[[',
      '-- was: local singName',
      '--[==[',
      '-- not a comment: this line is part of the help text',
      '-- the wrappers come first',
    ])
      assert.ok(out.includes(comment), comment);
    assert.match(out, new RegExp(`^setenv\\("WITH_CONDA", "${CONDA('pytorch')}"\\)$`, 'm'));
    luacAccepts(out);
  });

  it('sets the conda environment in place, keeping the quote style', () => {
    const out = rewriteModule(source, fixture, { ...base, condaEnv: 'torch-env' });
    const { removed, added } = lineDiff(source, out);
    assert.deepEqual(removed, [...rewritten, sourceLine('setenv("WITH_CONDA"')]);
    assert.deepEqual(added, [...replacements, FAMILY, `setenv("WITH_CONDA", "${CONDA('torch-env')}")`]);
    luacAccepts(out);
  });

  it('removes the WITH_CONDA statement and its line without touching comments or the help text', () => {
    const out = rewriteModule(source, fixture, { ...base, condaEnv: false });
    const { removed, added } = lineDiff(source, out);
    assert.deepEqual(removed, [...rewritten, sourceLine('setenv("WITH_CONDA"')]);
    assert.deepEqual(added, [...replacements, FAMILY]);
    assert.ok(out.includes('-- The wrappers `eval "$WITH_CONDA"` inside the container'));
    assert.ok(out.includes('activated with setenv("WITH_CONDA", ...).'), 'help text kept');
    luacAccepts(out);
  });

  it('keeps an existing bindings dependency and adds a missing one before SING_IMAGE', () => {
    const same = rewriteModule(source, fixture, { ...base, bindingsModule: 'singularity-AI-bindings' });
    assert.equal(same, rewriteModule(source, fixture, base));
    const other = rewriteModule(source, fixture, { ...base, bindingsModule: 'other-bindings/1.0' });
    assert.deepEqual(lineDiff(source, other).added, [
      ...replacements,
      "depends_on('other-bindings/1.0')",
      FAMILY,
    ]);
    assert.match(other, /depends_on\('other-bindings\/1\.0'\)\nsetenv\("SING_IMAGE"/);
    luacAccepts(other);
  });

  it('makes SING_IMAGE and PATH use the root, and adds WITH_CONDA after SING_IMAGE when needed', () => {
    const module = [
      '-- a module with literal paths',
      'local root = os.getenv("PROJHOME") or "/old/home"',
      '  setenv("SING_IMAGE", root .. "/images/old.sif") -- the image',
      'prepend_path("PATH", "/old/home/bin")',
      'local toolVersion = [[1.0]]',
      '',
    ].join('\n');
    const out = rewriteModule(module, '/x/tool/1.0.lua', { ...base, condaEnv: 'env1' });
    assert.equal(
      out,
      [
        '-- a module with literal paths',
        'local root = os.getenv("PROJHOME") or "/project/project_465000000/me"',
        `  setenv("SING_IMAGE", pathJoin(root, 'sif', 'my-image.sif')) -- the image`,
        `  ${FAMILY}`,
        `  setenv("WITH_CONDA", "${CONDA('env1')}")`,
        'prepend_path("PATH", pathJoin(root, "bin"))',
        "local toolVersion = '2.7'",
        '',
      ].join('\n'),
    );
    luacAccepts(out);
    const noPath = rewriteModule(
      'local r = os.getenv("HOME") or "/h"\nsetenv("SING_IMAGE", pathJoin(r, "sif", "a.sif"))\n',
      '/x/a/1.lua',
      { ...base, defaultCondaEnv: 'pytorch' },
    );
    assert.equal(
      noPath,
      `local r = os.getenv("HOME") or "/project/project_465000000/me"\nsetenv("SING_IMAGE", pathJoin(r, "sif", "my-image.sif"))\nprepend_path('PATH', pathJoin(r, 'bin'))\n${FAMILY}\nsetenv("WITH_CONDA", "${CONDA('pytorch')}")\n`,
    );
  });

  it("rewrites only a version local equal to the source's version, and never uses a local before it is declared", () => {
    // A real user's 4.0.lua (a copy of CSC's): the message is read on line 2, the root declared later.
    const module = [
      "local pytorchVersion = '2.3.0'",
      "local loadTxt = capture('cat /appl/local/csc/soft/ai/pytorch/4.0/txt/load-pytorch.txt')",
      "local moduleVersion = '4.0'",
      "local singRoot = os.getenv('SING_ROOT') or '/appl/local/csc/soft/ai/pytorch/4.0'",
      "if mode() == 'load' then LmodMessage(loadTxt) end",
      "setenv('SING_IMAGE', pathJoin(singRoot, 'sif', 'x.sif'))",
      "prepend_path('PATH', pathJoin(singRoot, 'bin'))",
      '',
    ].join('\n');
    const out = rewriteModule(module, '/x/pytorch/4.0.lua', { ...base, version: '7.0', condaEnv: false });
    const lines = out.split('\n');
    assert.equal(lines[0], "local pytorchVersion = '2.3.0'");
    assert.equal(lines[2], "local moduleVersion = '7.0'");
    assert.equal(
      lines[1],
      `local loadTxt = capture("cat -- '" .. string.gsub(pathJoin((os.getenv('SING_ROOT') or '/project/project_465000000/me'), 'txt', 'load-my-torch-7.0.txt'), "'", "'\\\\''") .. "'")`,
    );
    luacAccepts(out);
  });

  it('escapes new values as Lua strings', () => {
    const out = rewriteModule(source, fixture, { ...base, root: '/home/o\'brien/"x"' });
    assert.ok(out.includes(`or '/home/o\\'brien/"x"'`));
    luacAccepts(out);
  });

  it('names what is missing instead of guessing', () => {
    const noRoot =
      "local singName = 'a.sif'\nlocal signRoot = '/appl/local/csc/soft/ai'\nsetenv('SING_IMAGE', pathJoin(signRoot, 'sif', singName))\n";
    assert.throws(
      () => rewriteModule(noRoot, '/m/a/1.lua', base),
      (e: Error) =>
        e instanceof ScaffoldInputError &&
        /no root local found/.test(e.message) &&
        /'signRoot' at line 2 is a fixed path/.test(e.message),
    );
    const noImage =
      "local signRoot = os.getenv('PROJHOME') or '/x'\nprepend_path('PATH', pathJoin(signRoot, 'bin'))\n";
    assert.throws(
      () => rewriteModule(noImage, '/m/a/1.lua', base),
      (e: Error) =>
        e instanceof ScaffoldInputError && /no setenv\("SING_IMAGE", \.\.\.\) found/.test(e.message),
    );
    assert.throws(
      () => rewriteModule('local x = 1\nsetenv("A", \n', '/m/a/1.lua', base),
      (e: Error) =>
        e instanceof ScaffoldInputError && /^\/m\/a\/1\.lua:3: cannot parse as Lua: /.test(e.message),
    );
  });

  it('reads deep nesting as Lua does: no stack overflow', () => {
    const deep = 'x = ' + '('.repeat(20_000) + '1' + ')'.repeat(20_000) + '\n';
    assert.throws(
      () => rewriteModule(deep, '/m/a/1.lua', base),
      (e: Error) =>
        e instanceof ScaffoldInputError &&
        /^\/m\/a\/1\.lua:1: cannot parse as Lua: too many C levels \(limit is 200\)/.test(e.message),
    );
    const chain = 'x = a' + '.b'.repeat(100_000) + '\n';
    assert.throws(
      () => rewriteModule(chain, '/m/a/1.lua', base),
      (e: Error) =>
        e instanceof ScaffoldInputError && /no setenv\("SING_IMAGE", \.\.\.\) found/.test(e.message),
    );
  });
});

describe('describeModule (prefills the editor steps from a module)', () => {
  it("reads CSC's module: name and version from its path, its own image, conda environment and bindings", async () => {
    assert.deepEqual(await describeModule(source, fixture), {
      name: 'pytorch',
      version: '2.7',
      image: '/appl/local/csc/soft/ai/pytorch/2.7/sif/lumi-pytorch-rocm-6.2.4-python-3.12-pytorch-v2.7.1.sif',
      root: '/appl/local/csc/soft/ai/pytorch/2.7',
      condaEnv: 'pytorch',
      bindingsModule: 'singularity-AI-bindings',
    });
    const plain =
      "local r = os.getenv('PROJHOME') or '/p'\nsetenv('SING_IMAGE', pathJoin(r, 'sif', 'a.sif'))\n";
    assert.deepEqual(await describeModule(plain, '/m/tool/1.0.lua'), {
      name: 'tool',
      version: '1.0',
      image: '/p/sif/a.sif',
      root: '/p',
      condaEnv: '',
      bindingsModule: '',
    });
  });
  it("prefills the project home from the module's own root fallback: the local SING_IMAGE and PATH start from, not another getenv fallback", async () => {
    const own = [
      "local scratch = os.getenv('SCRATCH') or '/scratch/project_465000001'",
      'local signRoot = os.getenv(\'PROJHOME\') or "/project/project_465000001/me"',
      "setenv('SING_IMAGE', pathJoin(signRoot, 'sif', 'a.sif'))",
      "prepend_path('PATH', pathJoin(signRoot, 'bin'))",
      "setenv('DATA', scratch)",
      '',
    ].join('\n');
    assert.equal((await describeModule(own, '/m/tool/1.0.lua')).root, '/project/project_465000001/me');
    // No root local (a fixed path): nothing to prefill from, the editor's default root stays.
    assert.equal(
      (await describeModule("setenv('SING_IMAGE', '/p/sif/a.sif')\n", '/m/tool/1.0.lua')).root,
      undefined,
    );
  });
});

describe('lumi-modules scaffold --from', () => {
  it('rewrites the CSC module into one that real Lmod loads', () => {
    const root = join(dir, 'home');
    const r = run([
      'scaffold',
      '--from',
      fixture,
      '--name',
      'my-torch',
      '--version',
      '2.7',
      '--image',
      image,
      '--root',
      root,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const module = readFileSync(join(root, 'modules', 'my-torch', '2.7.lua'), 'utf8');
    assert.deepEqual(lineDiff(source, module).removed.length, 3);
    assert.ok(module.includes(sourceLine('local pytorchVersion')), 'the PyTorch version local is kept');
    luacAccepts(module);
    const loaded = runModuleCommands(
      [
        ['use', bindingsModules],
        ['use', join(root, 'modules')],
        ['load', 'my-torch/2.7'],
      ],
      {},
      'echo "SING_IMAGE=$SING_IMAGE"; echo "PATH=$PATH"; echo "WITH_CONDA=$WITH_CONDA"; echo "BIND=$SINGULARITY_BIND"',
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.match(loaded.stdout, new RegExp(`^SING_IMAGE=${join(root, 'sif', 'my-image.sif')}$`, 'm'));
    assert.match(loaded.stdout, new RegExp(`^PATH=${join(root, 'bin')}:`, 'm'));
    assert.match(
      loaded.stdout,
      /^WITH_CONDA=source \/opt\/conda\/etc\/profile.d\/conda.sh && conda activate pytorch$/m,
    );
    assert.match(loaded.stdout, /^BIND=.+$/m, 'the singularity-AI-bindings dependency is loaded');
    assert.match(loaded.stderr, /Module my-torch\/2.7 loaded/);
  });

  it('passes lumi-modules check with no error or warning', () => {
    assertCheckClean(join(dir, 'home'));
  });

  it('--no-conda removes WITH_CONDA', () => {
    const root = join(dir, 'no-conda');
    const r = run([
      'scaffold',
      '--from',
      fixture,
      '--name',
      'my-torch',
      '--version',
      '2.7',
      '--image',
      image,
      '--root',
      root,
      '--no-conda',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const module = readFileSync(join(root, 'modules', 'my-torch', '2.7.lua'), 'utf8');
    assert.doesNotMatch(module, /^setenv\("WITH_CONDA"/m);
    luacAccepts(module);
    const loaded = runModuleCommands(
      [
        ['use', bindingsModules],
        ['use', join(root, 'modules')],
        ['load', 'my-torch/2.7'],
      ],
      {},
      'echo "WITH_CONDA=${WITH_CONDA-unset}"',
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.match(loaded.stdout, /^WITH_CONDA=unset$/m);
  });

  it("applies the checker's one-edit quick fixes (a typo'd Lmod function), lists them, and the module loads", () => {
    const typo = join(dir, 'typo', 'pytorch', '2.7.lua');
    mkdirSync(join(dir, 'typo', 'pytorch'), { recursive: true });
    writeFileSync(typo, source.replace('setenv("NCCL_SOCKET_IFNAME"', 'setnev("NCCL_SOCKET_IFNAME"'));
    const root = join(dir, 'typo-home');
    const r = run([
      'scaffold',
      '--from',
      typo,
      '--name',
      'fixed',
      '--version',
      '2.7',
      '--image',
      image,
      '--root',
      root,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^fixed .*fixed\/2\.7\.lua line 49: Rename to setenv \(unknown-function\)$/m);
    const module = readFileSync(join(root, 'modules', 'fixed', '2.7.lua'), 'utf8');
    assert.match(module, /^setenv\("NCCL_SOCKET_IFNAME", "hsn0,hsn1,hsn2,hsn3"\)$/m);
    const loaded = runModuleCommands(
      [
        ['use', bindingsModules],
        ['use', join(root, 'modules')],
        ['load', 'fixed/2.7'],
      ],
      {},
      'echo "NCCL=$NCCL_SOCKET_IFNAME"',
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.match(loaded.stdout, /^NCCL=hsn0,hsn1,hsn2,hsn3$/m);
  });

  it("keeps the source's own wrapper directory on PATH and puts the wrappers there", () => {
    const own = join(dir, 'own-wrappers.lua');
    writeFileSync(
      own,
      source.replace(
        "prepend_path('PATH', pathJoin(signRoot, 'bin'))",
        "prepend_path('PATH', pathJoin(signRoot, 'bin', 'wrappers'))",
      ),
    );
    const root = join(dir, 'own-wrappers-home');
    const r = run([
      'scaffold',
      '--from',
      own,
      '--name',
      'ow',
      '--version',
      '2.7',
      '--image',
      image,
      '--root',
      root,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const module = readFileSync(join(root, 'modules', 'ow', '2.7.lua'), 'utf8');
    assert.match(module, /^prepend_path\('PATH', pathJoin\(signRoot, 'bin', 'wrappers'\)\)/m);
    assert.equal(existsSync(join(root, 'bin', 'wrappers', 'python')), true);
    assert.equal(existsSync(join(root, 'bin', 'python')), false);
    const loaded = runModuleCommands(
      [
        ['use', bindingsModules],
        ['use', join(root, 'modules')],
        ['load', 'ow/2.7'],
      ],
      {},
      'command -v python',
    );
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.equal(loaded.stdout, `${join(root, 'bin', 'wrappers', 'python')}\n`);
    assertCheckClean(root);
  });

  it('refuses a module with an error the checker cannot fix (exit 1, nothing written) unless --force', () => {
    const broken = join(dir, 'wrong-args.lua');
    writeFileSync(
      broken,
      source.replace('setenv("NCCL_SOCKET_IFNAME", "hsn0,hsn1,hsn2,hsn3")', 'setenv("NCCL_SOCKET_IFNAME")'),
    );
    const root = join(dir, 'wrong-args-home');
    const r = run([
      'scaffold',
      '--from',
      broken,
      '--name',
      'w',
      '--version',
      '2.7',
      '--image',
      image,
      '--root',
      root,
    ]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(
      r.stderr,
      /w\/2\.7\.lua:49:1: error: setenv needs at least 2 arguments, got 1.*\[wrong-arguments\]/,
    );
    assert.match(r.stderr, /Nothing written/);
    assert.equal(existsSync(root), false);
    const forced = run([
      'scaffold',
      '--from',
      broken,
      '--name',
      'w',
      '--version',
      '2.7',
      '--image',
      image,
      '--root',
      root,
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(existsSync(join(root, 'modules', 'w', '2.7.lua')));
  });

  it('rejects a module without a root local, an unparseable or missing one with exit 2 and writes nothing', () => {
    const noRoot = join(dir, 'no-root.lua');
    writeFileSync(
      noRoot,
      source.replace(
        "os.getenv('PROJHOME') or '/appl/local/csc/soft/ai/pytorch/2.7'",
        "'/appl/local/csc/soft/ai/pytorch/2.7'",
      ),
    );
    const broken = join(dir, 'broken.lua');
    writeFileSync(broken, source.replace('LmodMessage(loadTxt)', 'LmodMessage(loadTxt'));
    const root = join(dir, 'bad-home');
    for (const [from, message] of [
      [noRoot, /no-root\.lua: no root local found: .*'signRoot' at line 14 is a fixed path/],
      [broken, /broken\.lua:\d+: cannot parse as Lua: /],
      [join(dir, 'missing.lua'), /cannot read module .*missing\.lua/],
    ] as const) {
      const r = run([
        'scaffold',
        '--from',
        from,
        '--name',
        'my-torch',
        '--version',
        '2.7',
        '--image',
        image,
        '--root',
        root,
      ]);
      assert.equal(r.code, 2, `${from}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(existsSync(root), false);
  });
});
