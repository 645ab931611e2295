// The reader against the oracle: every entry unsquashfs lists and every file it extracts, for
// each compression, as a plain squashfs and as the primary partition of a SIF siftool made.
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LocalFileSource } from '../../core/image/byteSource';
import { openImage } from '../../core/image/image';
import { runSync } from '../../core/image/io';
import type { Squashfs } from '../../core/image/squashfs';
import { buildImage, COMPRESSIONS, type Built } from './images';

const TYPE_CHAR: Record<string, string> = {
  dir: 'd',
  file: '-',
  symlink: 'l',
  'block-device': 'b',
  'char-device': 'c',
  fifo: 'p',
  socket: 's',
};

/** Every entry as `type perm uid/gid size path[ -> target]`, depth first in the image's order. */
function listing(
  fs: Squashfs,
  source: LocalFileSource,
): { lines: string[]; files: { path: string; ref: number }[] } {
  const lines: string[] = [];
  const files: { path: string; ref: number }[] = [];
  const seen = new Set<number>();
  const walk = (ref: number, path: string) => {
    assert.ok(!seen.has(ref), `a loop at ${path}`);
    seen.add(ref);
    const inode = runSync(fs.inode(ref), source);
    const perm = (inode.mode & 0o7777).toString(8);
    const size = inode.kind === 'dir' ? '' : String(inode.size);
    lines.push(
      `${TYPE_CHAR[inode.kind]} ${perm} ${inode.uid}/${inode.gid} ${size} ${path}${inode.target !== undefined ? ` -> ${inode.target}` : ''}`,
    );
    if (inode.kind === 'file') files.push({ path, ref });
    if (inode.kind === 'dir')
      for (const e of runSync(fs.list(inode), source)) walk(e.ref, `${path}/${e.name}`);
  };
  walk(fs.root, '');
  return { lines, files };
}

const PERM: Record<string, number> = { r: 4, w: 2, x: 1, s: 1, t: 1 };

/** unsquashfs -lln, in the same shape. */
function oracleListing(image: string, offset: number): string[] {
  const out = execFileSync('unsquashfs', ['-o', String(offset), '-lln', '-d', '', image], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => /^[-dlbcps][rwxsStT-]{9} /.test(l))
    .map((l) => {
      const m = /^(.)(.{9}) (\d+)\/(\d+)\s+(\S+) \S+ \S+ (.*)$/.exec(l);
      assert.ok(m, l);
      const bits = m[2];
      let perm = 0;
      for (let i = 0; i < 9; i++)
        if (bits[i] !== '-' && bits[i] !== 'S' && bits[i] !== 'T')
          perm |= PERM[bits[i]] << (3 * (2 - Math.floor(i / 3)));
      const size = m[1] === 'd' ? '' : m[5];
      return `${m[1]} ${perm.toString(8)} ${m[3]}/${m[4]} ${size} ${m[6]}`;
    });
}

const built: Built[] = [];
after(() => built.forEach((b) => b.cleanup()));

for (const compression of COMPRESSIONS) {
  for (const kind of ['conda', 'laif', 'plain'] as const) {
    describe(`${kind} image, ${compression}`, () => {
      const b = buildImage(kind, compression);
      built.push(b);
      for (const container of ['sqsh', 'sif'] as const) {
        it(`every entry and file equal to unsquashfs's (${container})`, () => {
          const file = container === 'sif' ? b.sif : b.sqsh;
          const source = LocalFileSource.open(file);
          try {
            const img = runSync(openImage(source), source);
            assert.equal(img.fs.superblock.compression, compression);
            const offset = img.partition?.offset ?? 0;
            assert.equal(img.format, container === 'sif' ? 'sif' : 'squashfs');
            const mine = listing(img.fs, source);
            assert.deepEqual(mine.lines, oracleListing(file, offset));
            assert.ok(mine.files.some((f) => f.path === '/data/sparse.bin'));
            for (const f of mine.files) {
              const inode = runSync(img.fs.inode(f.ref), source);
              const bytes = runSync(img.fs.readFile(inode, 64 * 1024 * 1024), source);
              const oracle = execFileSync('unsquashfs', ['-o', String(offset), '-cat', file, f.path], {
                maxBuffer: 64 * 1024 * 1024,
              });
              assert.ok(bytes.equals(oracle), `${f.path} differs from unsquashfs -cat`);
            }
          } finally {
            source.close();
          }
        });
      }
    });
  }
}
