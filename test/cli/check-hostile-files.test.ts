// Issue 11, item 5: `check` (and `scaffold --from`) read only regular files, each read bounded.
// FIFOs and devices are named and never opened, symlinked directories leaving the given roots are
// not walked, each real directory is walked once. A hang or an exponential walk shows as a killed
// process (the spawn's timeout is only a guard against hanging the test run, not a speed target).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_READ_BYTES, readBounded } from '../../core/common/boundedRead';
import { CLI } from '../helpers/cli';

interface JsonFinding {
  file: string;
  code: string;
  severity: string;
  message: string;
}

/** `lumi-modules ARGS` with a guard: a run that hangs is killed and fails the test. */
function cli(args: string[], guardMs = 60_000) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: guardMs,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 26,
    env: { ...process.env, PROJHOME: '' },
  });
  assert.equal(
    r.signal,
    null,
    `lumi-modules ${args.join(' ')} did not finish (killed after ${guardMs} ms):\n${r.stdout}\n${r.stderr}`,
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function checkJson(paths: string[], guardMs?: number): JsonFinding[] {
  const r = cli(['check', '--format', 'json', '--no-shellcheck', ...paths], guardMs);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonFinding[];
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  assert.equal(r.status, 0, 'mkfifo works');
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-hostile-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('check reads only regular files', () => {
  it('reports a FIFO anywhere in the tree as unreadable and never opens it', () => {
    const root = join(dir, 'fifo-tree');
    mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
    mkfifo(join(root, 'modules', 'tool', '1.0.lua'));
    mkfifo(join(root, 'notes'));
    writeFileSync(join(root, 'modules', 'tool', 'plain.lua'), "setenv('CC', 'gcc')\n");
    const findings = checkJson([root]);
    for (const name of [join(root, 'modules', 'tool', '1.0.lua'), join(root, 'notes')]) {
      const f = findings.find((x) => x.file === name);
      assert.ok(
        f && f.code === 'unreadable' && /FIFO/.test(f.message),
        `${name}: ${JSON.stringify(findings)}`,
      );
    }
  });

  it("never opens a FIFO in a module's PATH directory or one read by capture('cat F')", () => {
    const root = join(dir, 'fifo-module');
    mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'txt'));
    mkfifo(join(root, 'bin', 'python'));
    mkfifo(join(root, 'txt', 'load.txt'));
    writeFileSync(
      join(root, 'modules', 'tool', '1.0.lua'),
      `local root = '${root}'\nsetenv('SING_IMAGE', pathJoin(root, 'tool.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\nLmodMessage(capture('cat ' .. pathJoin(root, 'txt', 'load.txt')))\n`,
    );
    const findings = checkJson([join(root, 'modules')]);
    assert.ok(
      findings.some((f) => f.code === 'capture-file-unreadable' && /not a regular file/.test(f.message)),
      JSON.stringify(findings, null, 1),
    );
  });

  it('says what a symlink to /dev/zero is, as a checked file and as a capture file', () => {
    const root = join(dir, 'devzero');
    mkdirSync(join(root, 'modules', 'z'), { recursive: true });
    symlinkSync('/dev/zero', join(root, 'modules', 'z', 'zero.lua'));
    writeFileSync(
      join(root, 'modules', 'z', '1.0.lua'),
      "LmodMessage(capture('cat /dev/zero'))\nsetenv('SING_IMAGE', '/nonexistent/x.sif')\n",
    );
    const findings = checkJson([root]);
    const zero = findings.find((f) => f.file === join(root, 'modules', 'z', 'zero.lua'));
    assert.ok(
      zero &&
        zero.code === 'unreadable' &&
        /character device/.test(zero.message) &&
        !/limit|bytes/.test(zero.message),
      JSON.stringify(zero),
    );
    assert.ok(
      findings.some((f) => f.file.endsWith('1.0.lua') && f.code === 'capture-file-unreadable'),
      JSON.stringify(findings, null, 1),
    );
  });

  it('says "symbolic link loop" for a loop given as the PATH argument', () => {
    const loop = join(dir, 'loop-arg');
    symlinkSync('loop-arg', loop);
    const r = cli(['check', loop]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /symbolic link loop: .*loop-arg/);
    assert.doesNotMatch(r.stderr, /no such file/);
  });

  it('reports a symlinked directory that leaves the given roots and does not walk it', () => {
    const outside = join(dir, 'outside', 'modules', 'evil');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, '1.0.lua'), "prepen_path('PATH', '/x')\n");
    const root = join(dir, 'rooted');
    mkdirSync(join(root, 'modules', 'own'), { recursive: true });
    writeFileSync(join(root, 'modules', 'own', '1.0.lua'), "setenv('CC', 'gcc')\n"); // something to check
    symlinkSync(outside, join(root, 'modules', 'evil'));
    const findings = checkJson([root]);
    assert.ok(
      !findings.some((f) => f.file.includes('1.0.lua')),
      `the outside module was checked: ${JSON.stringify(findings)}`,
    );
    const link = findings.find((f) => f.file === join(root, 'modules', 'evil'));
    assert.equal(link?.code, 'symlink-outside-root', JSON.stringify(findings));
    // Given as a root itself, the same directory is checked.
    assert.ok(checkJson([root, join(dir, 'outside')]).some((f) => f.code === 'unknown-function'));
  });

  it('walks each real directory once: 20 levels of two links each to the same directory', () => {
    const root = join(dir, 'diamonds');
    for (let i = 0; i <= 20; i++) mkdirSync(join(root, `l${i}`), { recursive: true });
    for (let i = 0; i < 20; i++) {
      symlinkSync(`../l${i + 1}`, join(root, `l${i}`, 'a'));
      symlinkSync(`../l${i + 1}`, join(root, `l${i}`, 'b'));
    }
    writeFileSync(join(root, 'l20', 'm.lua'), "setenv('A', 'b')\nprepen_path('PATH', '/x')\n");
    const findings = checkJson([root], 120_000);
    assert.equal(
      findings.filter((f) => f.code === 'unknown-function').length,
      1,
      JSON.stringify(findings.slice(0, 5)),
    );
  });
});

describe('scaffold --from reads only a regular file, bounded', () => {
  for (const [label, make, message] of [
    ['a FIFO', (p: string) => mkfifo(p), /FIFO/],
    ['/dev/zero', (p: string) => symlinkSync('/dev/zero', p), /character device/],
    [
      'a file over the limit',
      (p: string) => void spawnSync('truncate', ['-s', '64M', p]),
      /over the 1 MiB limit/,
    ],
  ] as const) {
    it(`refuses ${label} with exit 2 and writes nothing`, () => {
      const from = join(dir, `from-${label.replace(/\W+/g, '-')}.lua`);
      make(from);
      const root = join(dir, `home-${label.replace(/\W+/g, '-')}`);
      const image = join(dir, 'img.sif');
      writeFileSync(image, '');
      const r = cli([
        'scaffold',
        '--from',
        from,
        '--name',
        't',
        '--version',
        '1',
        '--image',
        image,
        '--root',
        root,
      ]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(existsSync(root), false);
    });
  }
});

describe('the bounded reader', () => {
  it('reads at most the limit of a huge sparse file and says it was cut', () => {
    const big = join(dir, 'huge.bin');
    spawnSync('truncate', ['-s', '3G', big]);
    const read = readBounded(big);
    assert.ok(
      read.ok && read.truncated && read.bytes.length === MAX_READ_BYTES && read.size === 3 * 1024 ** 3,
      JSON.stringify(read.ok && { truncated: read.truncated, length: read.bytes.length, size: read.size }),
    );
  });
});
