// The SIF reader on SIFs the reference implementation made (apptainer/sif test/images, see
// apptainer-sif/README.md): every descriptor as `siftool list` shows it; the primary squashfs
// partition found and readable; an image without one refused with one line.
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalFileSource } from '../../core/image/byteSource';
import { ImageError } from '../../core/image/errors';
import { localImageFacts } from '../../core/image/facts';
import { openImage } from '../../core/image/image';
import { runSync } from '../../core/image/io';
import { readSifHeader } from '../../core/image/sif';

const dir = join(__dirname, 'apptainer-sif');
const FILES = ['empty.sif', 'one-group.sif', 'one-object-generic-json.sif', 'one-object-sbom.sif'];

describe('SIF reference images', () => {
  for (const name of FILES) {
    it(`${name}: descriptors as siftool lists them`, () => {
      const path = join(dir, name);
      const source = LocalFileSource.open(path);
      try {
        const header = runSync(readSifHeader(source.size, path), source);
        const listed = execFileSync('siftool', ['list', path], { encoding: 'utf8' })
          .split('\n')
          .map((l) => /^(\d+)\s+\|(\d+)\s+\|\S+\s+\|(\d+)-(\d+)/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => ({ id: Number(m[1]), group: Number(m[2]), start: Number(m[3]), end: Number(m[4]) }));
        assert.deepEqual(
          header.descriptors.map((d) => ({
            id: d.id,
            group: d.groupId,
            start: d.offset,
            end: d.offset + d.size,
          })),
          listed,
        );
      } finally {
        source.close();
      }
    });
  }

  it('one-group.sif: the primary partition is the squashfs, not the raw system partition', () => {
    const path = join(dir, 'one-group.sif');
    const source = LocalFileSource.open(path);
    try {
      const img = runSync(openImage(source), source);
      assert.equal(img.partition?.id, 2);
      assert.equal(img.fs.superblock.blockSize > 0, true);
    } finally {
      source.close();
    }
    const facts = localImageFacts(path);
    assert.ok(facts.ok, facts.ok ? '' : facts.error.message);
  });

  it('a SIF without a file system partition is refused with one line', () => {
    const outcome = localImageFacts(join(dir, 'one-object-sbom.sif'));
    assert.ok(!outcome.ok && outcome.error instanceof ImageError);
    assert.match(outcome.error.message, /a SIF without a file system partition$/);
  });
});
