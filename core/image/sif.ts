// SIF, the Singularity Image Format (apptainer/sif pkg/sif/sif.go): a 128-byte global header, a
// table of 585-byte descriptors, and the data objects they point at. Little-endian throughout.
import { ImageError } from './errors';
import { readBytes, type Io } from './io';

export const SIF_MAGIC = 'SIF_MAGIC';
const HEADER_SIZE = 128;
const DESCRIPTOR_SIZE = 585;
/** More descriptors than any real image holds (siftool's default table has 48). */
const MAX_DESCRIPTORS = 4096;

export const SIF_DATA_TYPES: Record<number, string> = {
  0x4001: 'Def.FILE',
  0x4002: 'Env.Vars',
  0x4003: 'JSON.Labels',
  0x4004: 'FS',
  0x4005: 'Signature',
  0x4006: 'JSON.Generic',
  0x4007: 'Generic/Raw',
  0x4008: 'Cryptographic Message',
  0x4009: 'SBOM',
  0x400a: 'OCI.RootIndex',
  0x400b: 'OCI.Blob',
};

export const DATA_DEFFILE = 0x4001;
export const DATA_ENVVAR = 0x4002;
export const DATA_LABELS = 0x4003;
export const DATA_PARTITION = 0x4004;
export const DATA_GENERIC_JSON = 0x4006;
export const DATA_SBOM = 0x4009;
const FS_SQUASH = 1;
const PART_PRIMSYS = 2;

export interface SifDescriptor {
  dataType: number;
  id: number;
  groupId: number;
  offset: number;
  size: number;
  name: string;
  createdAt: number;
  /** Partitions only. */
  partition?: { fsType: number; partType: number; arch: string };
}

export interface SifHeader {
  uuid: string;
  arch: string;
  createdAt: number;
  modifiedAt: number;
  descriptors: SifDescriptor[];
}

function int64(buf: Buffer, at: number, what: string): number {
  const value = buf.readBigInt64LE(at);
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ImageError('corrupt', `SIF ${what} is ${value}: out of range`);
  return Number(value);
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end === -1 ? buf.length : end).toString('utf8');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True when the first bytes are a SIF's (the magic at offset 32). */
export function isSif(start: Buffer): boolean {
  return start.length >= 42 && start.subarray(32, 41).toString('latin1') === SIF_MAGIC;
}

/** The global header and every used descriptor of a SIF of FILESIZE bytes. */
export function* readSifHeader(fileSize: number, name: string): Io<SifHeader> {
  if (fileSize < HEADER_SIZE) throw new ImageError('truncated', `${name}: shorter than a SIF header`);
  const h = yield* readBytes(0, HEADER_SIZE);
  if (!isSif(h)) throw new ImageError('not-an-image', `${name}: no SIF magic`);
  const total = int64(h, 88, 'descriptor count');
  const tableOffset = int64(h, 96, 'descriptor table offset');
  if (total > MAX_DESCRIPTORS)
    throw new ImageError(
      'too-large',
      `${name}: declares ${total} SIF descriptors (at most ${MAX_DESCRIPTORS} read)`,
    );
  if (tableOffset + total * DESCRIPTOR_SIZE > fileSize)
    throw new ImageError('truncated', `${name}: the SIF descriptor table reaches past the end of the file`);
  const table = total > 0 ? yield* readBytes(tableOffset, total * DESCRIPTOR_SIZE) : Buffer.alloc(0);
  const descriptors: SifDescriptor[] = [];
  for (let i = 0; i < total; i++) {
    const d = table.subarray(i * DESCRIPTOR_SIZE, (i + 1) * DESCRIPTOR_SIZE);
    if (d[4] === 0) continue; // unused slot
    const dataType = d.readInt32LE(0);
    const offset = int64(d, 17, 'object offset');
    const size = int64(d, 25, 'object size');
    if (offset + size > fileSize)
      throw new ImageError(
        'truncated',
        `${name}: SIF object ${d.readUInt32LE(5)} reaches to byte ${offset + size}, ` +
          `past the file's ${fileSize}`,
      );
    const descriptor: SifDescriptor = {
      dataType,
      id: d.readUInt32LE(5),
      groupId: d.readUInt32LE(9) & 0x0fffffff,
      offset,
      size,
      name: cString(d.subarray(73, 201)),
      createdAt: Number(d.readBigInt64LE(41)),
    };
    if (dataType === DATA_PARTITION)
      descriptor.partition = {
        fsType: d.readInt32LE(201),
        partType: d.readInt32LE(205),
        arch: cString(d.subarray(209, 212)),
      };
    descriptors.push(descriptor);
  }
  return {
    uuid: uuidText(h.subarray(48, 64)),
    arch: cString(h.subarray(45, 48)),
    createdAt: int64(h, 64, 'creation time'),
    modifiedAt: int64(h, 72, 'modification time'),
    descriptors,
  };
}

/** The primary system partition: squashfs, part type 2 (what Singularity mounts as /). */
export function primaryPartition(header: SifHeader, name: string): SifDescriptor {
  const parts = header.descriptors.filter((d) => d.dataType === DATA_PARTITION);
  const primary = parts.find((d) => d.partition?.partType === PART_PRIMSYS);
  if (!primary)
    throw new ImageError(
      'not-an-image',
      parts.length === 0
        ? `${name}: a SIF without a file system partition`
        : `${name}: a SIF without a primary system partition`,
    );
  if (primary.partition?.fsType !== FS_SQUASH)
    throw new ImageError(
      'unsupported',
      `${name}: the primary partition is not a plain squashfs ` +
        `(file system type ${primary.partition?.fsType})`,
    );
  return primary;
}

/** The bytes of a small data object (JSON, definition file, SBOM), at most LIMIT. */
export function* readObject(d: SifDescriptor, limit: number): Io<Buffer | undefined> {
  if (d.size > limit) return undefined;
  return yield* readBytes(d.offset, d.size);
}
