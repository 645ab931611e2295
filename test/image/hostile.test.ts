// Hostile and broken images: each ends in one ImageError of the right kind with a one-line
// message, quickly, never a crash, a hang or a huge allocation.
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LocalFileSource } from '../../core/image/byteSource';
import { ImageError, type ImageErrorKind } from '../../core/image/errors';
import { clearImageFactsCache, localImageFacts } from '../../core/image/facts';
import { openImage } from '../../core/image/image';
import { runSync } from '../../core/image/io';
import { buildImage } from './images';

const b = buildImage('conda', 'gzip', { 'data/big.txt': 'lorem ipsum dolor sit amet\n'.repeat(8000) });
after(() => b.cleanup());

function variant(name: string, from: string, edit: (buf: Buffer) => unknown): string {
  const buf = readFileSync(from);
  const edited = edit(buf);
  const out = Buffer.isBuffer(edited) ? edited : buf;
  const path = join(b.dir, name);
  writeFileSync(path, out);
  return path;
}

/** Opens PATH and reads FILE in it (and the facts), expecting KIND. */
function expectError(path: string, kind: ImageErrorKind, file?: string): ImageError {
  const started = Date.now();
  const source = LocalFileSource.open(path);
  let error: unknown;
  try {
    const img = runSync(openImage(source), source);
    if (file) {
      const found = runSync(img.fs.lookup(file), source);
      runSync(img.fs.readFile(found.inode, 16 * 1024 * 1024), source);
    }
  } catch (err) {
    error = err;
  } finally {
    source.close();
  }
  assert.ok(error instanceof ImageError, `expected an ImageError, got ${String(error)}`);
  assert.equal(error.kind, kind, error.message);
  assert.ok(!error.message.includes('\n') && error.message.length < 200, error.message);
  assert.ok(Date.now() - started < 2000, 'took too long');
  clearImageFactsCache();
  const facts = localImageFacts(path);
  if (!file) assert.ok(!facts.ok && facts.error.kind === kind);
  return error;
}

describe('hostile images', () => {
  it('a truncated squashfs and a truncated SIF', () => {
    const sqsh = variant('cut.sqsh', b.sqsh, (buf) => buf.subarray(0, Math.floor(buf.length / 2)));
    assert.match(expectError(sqsh, 'truncated').message, /declares \d+ bytes/);
    const sif = variant('cut.sif', b.sif, (buf) => buf.subarray(0, 5000));
    expectError(sif, 'truncated');
    expectError(
      variant('tiny.sif', b.sif, (buf) => buf.subarray(0, 60)),
      'truncated',
    );
  });

  it('a SIF descriptor pointing outside the file, and a 10 TB object', () => {
    const header = readFileSync(b.sif);
    const table = Number(header.readBigInt64LE(96));
    const outside = variant('outside.sif', b.sif, (buf) => {
      buf.writeBigInt64LE(10n ** 13n, table + 17); // first descriptor's offset: 10 TB
    });
    expectError(outside, 'truncated');
    const huge = variant('huge.sif', b.sif, (buf) => {
      buf.writeBigInt64LE(10n ** 13n, table + 25); // its size: 10 TB
    });
    expectError(huge, 'truncated');
  });

  it('absurd counts: a billion SIF descriptors, squashfs counts past its size', () => {
    expectError(
      variant('count.sif', b.sif, (buf) => buf.writeBigInt64LE(10n ** 9n, 88)),
      'too-large',
    );
    expectError(
      variant('frags.sqsh', b.sqsh, (buf) => buf.writeUInt32LE(0xffffffff, 16)),
      'corrupt',
    );
  });

  it('a 10 TB declared file system size', () => {
    expectError(
      variant('size.sqsh', b.sqsh, (buf) => buf.writeBigUInt64LE(10n ** 13n, 40)),
      'truncated',
    );
  });

  it('a data block that inflates past its declared block size', () => {
    // The superblock now says 4 KiB blocks; the stored blocks inflate to 128 KiB.
    const small = variant('block.sqsh', b.sqsh, (buf) => {
      buf.writeUInt32LE(4096, 12);
      buf.writeUInt16LE(12, 22);
    });
    assert.match(expectError(small, 'corrupt', '/data/big.txt').message, /inflates past|larger than/);
  });

  it('a file declaring 4 GiB is refused by size, not read', () => {
    const image = join(b.dir, 'noI.sqsh');
    execFileSync('mksquashfs', [b.root, image, '-noI', '-noappend', '-quiet', '-no-progress'], {
      stdio: 'ignore',
    });
    const size = 27 * 8000; // data/big.txt
    const patched = variant('4g.sqsh', image, (buf) => {
      const word = Buffer.alloc(4);
      word.writeUInt32LE(size);
      const at = buf.indexOf(word, 96);
      assert.ok(at > 0);
      buf.writeUInt32LE(0xffffffff, at);
    });
    assert.match(expectError(patched, 'too-large', '/data/big.txt').message, /4294967295 bytes/);
  });

  it('a symbolic link loop inside the image', () => {
    assert.match(expectError(b.sif, 'corrupt', '/loop/a').message, /symbolic links/);
  });

  it('a file that is neither SIF nor squashfs, and an empty file', () => {
    expectError(
      variant('text.sif', b.sif, () => Buffer.from('#!/bin/sh\necho not an image\n'.repeat(10))),
      'not-an-image',
    );
    expectError(
      variant('empty.sif', b.sif, () => Buffer.alloc(0)),
      'not-an-image',
    );
  });

  it('a directory entry pointing back at the root: lookups stay bounded', () => {
    const image = join(b.dir, 'noD.sqsh');
    execFileSync('mksquashfs', [b.root, image, '-noI', '-noD', '-noappend', '-quiet', '-no-progress'], {
      stdio: 'ignore',
    });
    const source = LocalFileSource.open(image);
    const img = runSync(openImage(source), source);
    const root = img.fs.root;
    source.close();
    // `loop` (a directory at the top) is made to name the root itself: /loop/loop/... never ends.
    const patched = variant('dirloop.sqsh', image, (buf) => {
      const at = buf.indexOf(Buffer.from('loop'), img.fs.superblock.directoryTable);
      assert.ok(at > 0);
      // entry: offset u16, inode delta i16, type u16, size u16, name; its header names the block.
      buf.writeUInt16LE(root % 65536, at - 8);
      buf.writeUInt16LE(1, at - 4);
    });
    const started = Date.now();
    const s = LocalFileSource.open(patched);
    try {
      const opened = runSync(openImage(s), s);
      let error: unknown;
      try {
        runSync(opened.fs.lookup('/loop/'.repeat(2000) + 'x'), s);
      } catch (err) {
        error = err;
      }
      assert.ok(error instanceof ImageError, String(error));
    } finally {
      s.close();
    }
    assert.ok(Date.now() - started < 3000);
    const facts = localImageFacts(patched);
    assert.ok(facts.ok || facts.error instanceof ImageError);
  });
});
