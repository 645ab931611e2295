// An image opened for reading: a SIF (its primary system partition) or a plain squashfs (a .sqsh
// venv image, Tykky's img.sqfs), over any byte source. Tykky installation directories are
// recognised here too (bin/, _bin/, common.sh; the file system is img.sqfs).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ByteSource } from './byteSource';
import { ImageError } from './errors';
import { readBytes, type Io } from './io';
import { isSif, primaryPartition, readSifHeader, type SifDescriptor, type SifHeader } from './sif';
import { isSquashfs, Squashfs } from './squashfs';

export interface OpenedImage {
  format: 'sif' | 'squashfs';
  source: ByteSource;
  sif?: SifHeader;
  partition?: SifDescriptor;
  fs: Squashfs;
}

/** Opens SOURCE as a SIF or a squashfs; anything else is an ImageError 'not-an-image'. */
export function* openImage(source: ByteSource): Io<OpenedImage> {
  const start = yield* readBytes(0, Math.min(source.size, 64));
  if (isSif(start)) {
    const sif = yield* readSifHeader(source.size, source.name);
    const partition = primaryPartition(sif, source.name);
    const fs = yield* Squashfs.open(partition.offset, partition.size, source.name);
    return { format: 'sif', source, sif, partition, fs };
  }
  if (isSquashfs(start)) {
    const fs = yield* Squashfs.open(0, source.size, source.name);
    return { format: 'squashfs', source, fs };
  }
  throw new ImageError('not-an-image', `${source.name}: neither a SIF nor a squashfs image`);
}

/**
 * The image file a local path stands for: the path itself, or a Tykky installation's img.sqfs
 * (Tykky recognises an installation by bin/, _bin/ and common.sh), else undefined.
 */
export function tykkyImage(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return undefined;
    const marks = ['bin', '_bin', 'common.sh'].filter((m) => existsSync(join(dir, m))).length;
    const image = join(dir, 'img.sqfs');
    return marks >= 2 && existsSync(image) ? image : undefined;
  } catch {
    return undefined;
  }
}
