// squashfs 4.0 (squashfs-tools squashfs_fs.h), read block by block from a window of a byte source
// (a SIF's partition, or a whole .sqsh / img.sqfs file): superblock, inode table, directory
// table, fragment table, id table and file data, sparse blocks included. Only the blocks a
// question needs are read, through a small LRU of decoded blocks. Every field is checked against
// the window before it is followed: nothing reaches past it, no count runs away, no directory or
// link loop is followed forever.
import { COMPRESSION_IDS, decompress, type Compression } from './decompress';
import { ImageError } from './errors';
import { readBytes, type Io } from './io';

const SUPERBLOCK_SIZE = 96;
const METADATA_SIZE = 8192;
const NO_FRAGMENT = 0xffffffff;
const UNCOMPRESSED_BLOCK = 1 << 24;
/** Directory listings longer than this are refused (a directory of 100,000 names is ~4 MB). */
const MAX_LISTING_BYTES = 16 * 1024 * 1024;
/** Symbolic links followed in one lookup (Linux's own limit is 40). */
export const MAX_SYMLINKS = 40;
const MAX_PATH_COMPONENTS = 256;
const METADATA_CACHE_BLOCKS = 512;
const DATA_CACHE_BLOCKS = 8;

export type InodeKind = 'dir' | 'file' | 'symlink' | 'block-device' | 'char-device' | 'fifo' | 'socket';
const KINDS: InodeKind[] = ['dir', 'file', 'symlink', 'block-device', 'char-device', 'fifo', 'socket'];

export interface Superblock {
  inodeCount: number;
  modTime: number;
  blockSize: number;
  fragmentCount: number;
  compression: Compression;
  flags: number;
  idCount: number;
  rootInode: number;
  bytesUsed: number;
  idTable: number;
  inodeTable: number;
  directoryTable: number;
  fragmentTable: number;
}

interface Position {
  block: number; // offset of the metadata block from the table's start
  offset: number; // offset inside the decoded block
}

export interface Inode {
  ref: number;
  kind: InodeKind;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  number: number;
  /** Files: the size in bytes; directories: the listing's size; symlinks: the target's length. */
  size: number;
  /** Directories. */
  listing?: Position;
  /** Files. */
  data?: { start: number; fragment: number; fragmentOffset: number; blockList: Position };
  /** Symbolic links. */
  target?: string;
}

export interface DirEntry {
  name: string;
  kind: InodeKind;
  ref: number;
}

class Lru<V> {
  private readonly map = new Map<number, V>();
  constructor(private readonly capacity: number) {}
  get(key: number): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: number, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as number);
  }
}

function u64(buf: Buffer, at: number, what: string): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ImageError('corrupt', `squashfs ${what} out of range`);
  return Number(value);
}

export function isSquashfs(start: Buffer): boolean {
  return start.length >= 4 && start.subarray(0, 4).toString('latin1') === 'hsqs';
}

export class Squashfs {
  private readonly metadata = new Lru<{ data: Buffer; next: number }>(METADATA_CACHE_BLOCKS);
  private readonly dataBlocks = new Lru<Buffer>(DATA_CACHE_BLOCKS);
  private fragmentIndex?: number[];
  private idList?: number[];

  private constructor(
    /** Where the file system starts in the source, and how long its window is. */
    readonly base: number,
    readonly length: number,
    readonly name: string,
    readonly superblock: Superblock,
  ) {}

  static *open(base: number, length: number, name: string): Io<Squashfs> {
    if (length < SUPERBLOCK_SIZE)
      throw new ImageError('truncated', `${name}: shorter than a squashfs superblock`);
    const b = yield* readBytes(base, SUPERBLOCK_SIZE);
    if (!isSquashfs(b)) throw new ImageError('not-an-image', `${name}: no squashfs magic`);
    const major = b.readUInt16LE(28);
    if (major !== 4)
      throw new ImageError('unsupported', `${name}: squashfs ${major}.${b.readUInt16LE(30)} (4.0 is read)`);
    const blockSize = b.readUInt32LE(12);
    const blockLog = b.readUInt16LE(22);
    if (blockSize < 4096 || blockSize > 1024 * 1024 || blockSize !== 2 ** blockLog)
      throw new ImageError(
        'corrupt',
        `${name}: squashfs block size ${blockSize} (log ${blockLog}) is not valid`,
      );
    const id = b.readUInt16LE(20);
    const compression = COMPRESSION_IDS[id];
    if (!compression) throw new ImageError('corrupt', `${name}: unknown squashfs compression ${id}`);
    const sb: Superblock = {
      inodeCount: b.readUInt32LE(4),
      modTime: b.readUInt32LE(8),
      blockSize,
      fragmentCount: b.readUInt32LE(16),
      compression,
      flags: b.readUInt16LE(24),
      idCount: b.readUInt16LE(26),
      rootInode: u64(b, 32, 'root inode'),
      bytesUsed: u64(b, 40, 'size'),
      idTable: u64(b, 48, 'id table'),
      inodeTable: u64(b, 64, 'inode table'),
      directoryTable: u64(b, 72, 'directory table'),
      fragmentTable: u64(b, 80, 'fragment table'),
    };
    if (sb.bytesUsed > length)
      throw new ImageError(
        'truncated',
        `${name}: the squashfs declares ${sb.bytesUsed} bytes, but only ${length} are there (truncated?)`,
      );
    const within = (at: number) => at >= SUPERBLOCK_SIZE && at < sb.bytesUsed;
    if (!within(sb.inodeTable) || !within(sb.directoryTable) || sb.directoryTable < sb.inodeTable)
      throw new ImageError('corrupt', `${name}: squashfs tables point outside the file system`);
    // Each fragment needs an entry of 16 bytes and each inode at least 16: more than fit is a lie.
    if (sb.fragmentCount * 16 > sb.bytesUsed || sb.inodeCount * 16 > sb.bytesUsed)
      throw new ImageError(
        'corrupt',
        `${name}: squashfs counts (${sb.inodeCount} inodes, ${sb.fragmentCount} fragments) ` +
          'do not fit its size',
      );
    return new Squashfs(base, length, name, sb);
  }

  /** LENGTH bytes at AT of the file system, checked against its size. */
  private *raw(at: number, length: number): Io<Buffer> {
    if (at < 0 || length < 0 || at + length > this.superblock.bytesUsed)
      throw new ImageError(
        'corrupt',
        `${this.name}: a squashfs pointer leads outside the file system (${at})`,
      );
    return yield* readBytes(this.base + at, length);
  }

  /** The decoded metadata block at AT (from the file system's start) and where the next starts. */
  private *metadataBlock(at: number): Io<{ data: Buffer; next: number }> {
    const known = this.metadata.get(at);
    if (known) return known;
    const header = (yield* this.raw(at, 2)).readUInt16LE(0);
    const size = header & 0x7fff;
    if (size === 0 || size > METADATA_SIZE)
      throw new ImageError('corrupt', `${this.name}: a squashfs metadata block of ${size} bytes`);
    const stored = yield* this.raw(at + 2, size);
    const data = header & 0x8000 ? stored : decompress(this.superblock.compression, stored, METADATA_SIZE);
    const block = { data, next: at + 2 + size };
    this.metadata.set(at, block);
    return block;
  }

  /** LENGTH bytes of the metadata stream of TABLE from POS on, and the position after them. */
  private *metadataRead(table: number, pos: Position, length: number): Io<{ bytes: Buffer; end: Position }> {
    const parts: Buffer[] = [];
    let got = 0;
    let block = pos.block;
    let offset = pos.offset;
    for (;;) {
      const { data, next } = yield* this.metadataBlock(table + block);
      if (offset > data.length)
        throw new ImageError('corrupt', `${this.name}: a squashfs reference points past its metadata block`);
      const take = Math.min(length - got, data.length - offset);
      parts.push(data.subarray(offset, offset + take));
      got += take;
      offset += take;
      if (got === length) return { bytes: Buffer.concat(parts, length), end: { block, offset } };
      block = next - table;
      offset = 0;
    }
  }

  get root(): number {
    return this.superblock.rootInode;
  }

  /** The inode that REF (block << 16 | offset) names. */
  *inode(ref: number): Io<Inode> {
    const pos = { block: Math.floor(ref / 65536), offset: ref % 65536 };
    if (
      pos.offset >= METADATA_SIZE ||
      this.superblock.inodeTable + pos.block >= this.superblock.directoryTable
    )
      throw new ImageError('corrupt', `${this.name}: inode reference ${ref} points outside the inode table`);
    const table = this.superblock.inodeTable;
    const head = yield* this.metadataRead(table, pos, 16);
    const h = head.bytes;
    const type = h.readUInt16LE(0);
    if (type < 1 || type > 14) throw new ImageError('corrupt', `${this.name}: inode of unknown type ${type}`);
    const ids = yield* this.ids();
    const idOf = (index: number) => {
      if (index >= ids.length)
        throw new ImageError('corrupt', `${this.name}: inode names id ${index} of ${ids.length}`);
      return ids[index];
    };
    const inode: Inode = {
      ref,
      kind: KINDS[(type - 1) % 7],
      mode: h.readUInt16LE(2),
      uid: idOf(h.readUInt16LE(4)),
      gid: idOf(h.readUInt16LE(6)),
      mtime: h.readUInt32LE(8),
      number: h.readUInt32LE(12),
      size: 0,
    };
    const read = (n: number) => this.metadataRead(table, head.end, n);
    switch (type) {
      case 1: {
        const { bytes: b } = yield* read(16);
        inode.size = Math.max(0, b.readUInt16LE(8) - 3);
        inode.listing = { block: b.readUInt32LE(0), offset: b.readUInt16LE(10) };
        break;
      }
      case 8: {
        const { bytes: b } = yield* read(24);
        inode.size = Math.max(0, b.readUInt32LE(4) - 3);
        inode.listing = { block: b.readUInt32LE(8), offset: b.readUInt16LE(18) };
        break;
      }
      case 2: {
        const { bytes: b, end } = yield* read(16);
        inode.size = b.readUInt32LE(12);
        inode.data = {
          start: b.readUInt32LE(0),
          fragment: b.readUInt32LE(4),
          fragmentOffset: b.readUInt32LE(8),
          blockList: end,
        };
        break;
      }
      case 9: {
        const { bytes: b, end } = yield* read(40);
        inode.size = u64(b, 8, 'file size');
        inode.data = {
          start: u64(b, 0, 'file start'),
          fragment: b.readUInt32LE(28),
          fragmentOffset: b.readUInt32LE(32),
          blockList: end,
        };
        break;
      }
      case 3:
      case 10: {
        const { bytes: b, end } = yield* read(8);
        const length = b.readUInt32LE(4);
        if (length > 4096)
          throw new ImageError('corrupt', `${this.name}: a symbolic link of ${length} bytes`);
        inode.size = length;
        inode.target = (yield* this.metadataRead(table, end, length)).bytes.toString('utf8');
        break;
      }
      default:
        break; // devices, FIFOs, sockets: nothing more is needed
    }
    return inode;
  }

  private *ids(): Io<number[]> {
    if (this.idList) return this.idList;
    const count = this.superblock.idCount;
    const blocks = Math.ceil(count / 2048);
    const index = yield* this.raw(this.superblock.idTable, blocks * 8);
    const ids: number[] = [];
    for (let i = 0; i < blocks; i++) {
      const at = u64(index, i * 8, 'id table');
      const want = Math.min(2048, count - i * 2048) * 4;
      const { bytes } = yield* this.metadataRead(at, { block: 0, offset: 0 }, want);
      for (let j = 0; j < want; j += 4) ids.push(bytes.readUInt32LE(j));
    }
    this.idList = ids;
    return ids;
  }

  /** The entries of directory INODE, in the image's (sorted) order. */
  *list(inode: Inode): Io<DirEntry[]> {
    if (inode.kind !== 'dir' || !inode.listing)
      throw new ImageError('corrupt', `${this.name}: not a directory`);
    if (inode.size > MAX_LISTING_BYTES)
      throw new ImageError('too-large', `${this.name}: a directory listing of ${inode.size} bytes`);
    if (inode.size === 0) return [];
    if (this.superblock.directoryTable + inode.listing.block >= this.superblock.bytesUsed)
      throw new ImageError('corrupt', `${this.name}: a directory points outside the directory table`);
    const { bytes } = yield* this.metadataRead(this.superblock.directoryTable, inode.listing, inode.size);
    const entries: DirEntry[] = [];
    let at = 0;
    while (at + 12 <= bytes.length) {
      const count = bytes.readUInt32LE(at) + 1;
      const start = bytes.readUInt32LE(at + 4);
      at += 12;
      if (count > 256)
        throw new ImageError('corrupt', `${this.name}: a directory header of ${count} entries`);
      for (let i = 0; i < count; i++) {
        if (at + 8 > bytes.length)
          throw new ImageError('corrupt', `${this.name}: a directory listing ends early`);
        const offset = bytes.readUInt16LE(at);
        const type = bytes.readUInt16LE(at + 4);
        const nameLength = bytes.readUInt16LE(at + 6) + 1;
        at += 8;
        if (at + nameLength > bytes.length)
          throw new ImageError('corrupt', `${this.name}: a directory listing ends early`);
        const name = bytes.subarray(at, at + nameLength).toString('utf8');
        at += nameLength;
        if (type < 1 || type > 14 || name.includes('/') || name === '.' || name === '..')
          throw new ImageError('corrupt', `${this.name}: a directory entry that cannot be right`);
        entries.push({ name, kind: KINDS[(type - 1) % 7], ref: start * 65536 + offset });
      }
    }
    return entries;
  }

  /**
   * The inode at PATH (absolute inside the image). Symbolic links on the way are followed (at
   * most MAX_SYMLINKS), the last one too when FOLLOW; `..` stays inside the image as the kernel
   * does at its root.
   */
  *lookup(path: string, follow = true): Io<{ inode: Inode; path: string }> {
    let links = 0;
    const stack: { parent: Inode; name: string }[] = [];
    let rest = path.split('/').filter((p) => p !== '' && p !== '.');
    let current = yield* this.inode(this.root);
    let steps = 0;
    while (rest.length > 0) {
      if (++steps > MAX_PATH_COMPONENTS * (MAX_SYMLINKS + 1))
        throw new ImageError('corrupt', `${this.name}: ${path}: a path too deep to follow`);
      const [part, ...after] = rest;
      rest = after;
      if (part === '..') {
        current = stack.pop()?.parent ?? current;
        continue;
      }
      if (current.kind !== 'dir')
        throw new ImageError('not-found', `${path}: not a directory inside the image`);
      const entry = (yield* this.list(current)).find((e) => e.name === part);
      if (!entry) throw new ImageError('not-found', `${path}: not in the image`);
      const next = yield* this.inode(entry.ref);
      if (next.kind === 'symlink' && (rest.length > 0 || follow)) {
        if (++links > MAX_SYMLINKS)
          throw new ImageError(
            'corrupt',
            `${path}: more than ${MAX_SYMLINKS} symbolic links (a loop inside the image?)`,
          );
        const target = next.target ?? '';
        if (target.startsWith('/')) {
          stack.length = 0;
          current = yield* this.inode(this.root);
        }
        rest = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...rest];
        continue;
      }
      stack.push({ parent: current, name: part });
      current = next;
    }
    return { inode: current, path: '/' + stack.map((s) => s.name).join('/') };
  }

  /** The fragment block FRAGMENT: where it starts and its stored size word. */
  private *fragment(index: number): Io<{ start: number; size: number }> {
    if (index >= this.superblock.fragmentCount)
      throw new ImageError('corrupt', `${this.name}: fragment ${index} of ${this.superblock.fragmentCount}`);
    if (!this.fragmentIndex) {
      const blocks = Math.ceil(this.superblock.fragmentCount / 512);
      const list = yield* this.raw(this.superblock.fragmentTable, blocks * 8);
      this.fragmentIndex = Array.from({ length: blocks }, (_, i) => u64(list, i * 8, 'fragment table'));
    }
    const at = this.fragmentIndex[Math.floor(index / 512)];
    const { bytes } = yield* this.metadataRead(at, { block: 0, offset: (index % 512) * 16 }, 16);
    return { start: u64(bytes, 0, 'fragment start'), size: bytes.readUInt32LE(8) };
  }

  /** A data or fragment block stored at AT with size word WORD, decoded (at most MAX bytes). */
  private *dataBlock(at: number, word: number, max: number): Io<Buffer> {
    const known = this.dataBlocks.get(at);
    if (known) return known;
    const size = word & (UNCOMPRESSED_BLOCK - 1);
    if (size > this.superblock.blockSize)
      throw new ImageError(
        'corrupt',
        `${this.name}: a data block of ${size} bytes (blocks are ${this.superblock.blockSize})`,
      );
    const stored = yield* this.raw(at, size);
    const data = word & UNCOMPRESSED_BLOCK ? stored : decompress(this.superblock.compression, stored, max);
    if (data.length > max)
      throw new ImageError('corrupt', `${this.name}: a data block larger than its declared size`);
    this.dataBlocks.set(at, data);
    return data;
  }

  /**
   * The content of file INODE, at most LIMIT bytes: a larger file is refused (too-large) unless
   * PREFIX, when its first LIMIT bytes are returned. Only the blocks those bytes lie in are read.
   */
  *readFile(inode: Inode, limit: number, prefix = false): Io<Buffer> {
    if (inode.kind !== 'file' || !inode.data)
      throw new ImageError('corrupt', `${this.name}: not a regular file`);
    if (inode.size > limit && !prefix)
      throw new ImageError(
        'too-large',
        `a file of ${inode.size} bytes inside ${this.name} (at most ${limit} read)`,
      );
    const want = Math.min(inode.size, limit);
    const bs = this.superblock.blockSize;
    const { start, fragment, fragmentOffset, blockList } = inode.data;
    const hasFragment = fragment !== NO_FRAGMENT;
    const fullBlocks = hasFragment ? Math.floor(inode.size / bs) : Math.ceil(inode.size / bs);
    const neededBlocks = Math.min(fullBlocks, Math.ceil(want / bs));
    const out = Buffer.alloc(want);
    if (neededBlocks > 0) {
      const { bytes: words } = yield* this.metadataRead(
        this.superblock.inodeTable,
        blockList,
        neededBlocks * 4,
      );
      let at = start;
      for (let i = 0; i < neededBlocks; i++) {
        const word = words.readUInt32LE(i * 4);
        const blockLength = Math.min(bs, inode.size - i * bs);
        const size = word & (UNCOMPRESSED_BLOCK - 1);
        if (size !== 0) {
          const data = yield* this.dataBlock(at, word, bs);
          if (data.length < Math.min(blockLength, want - i * bs))
            throw new ImageError('corrupt', `${this.name}: a data block shorter than the file says`);
          data.copy(out, i * bs, 0, Math.min(blockLength, want - i * bs));
          at += size;
        } // a sparse block: zeros, already there
      }
    }
    const tailStart = fullBlocks * bs;
    if (hasFragment && want > tailStart) {
      const frag = yield* this.fragment(fragment);
      const data = yield* this.dataBlock(frag.start, frag.size, bs);
      const tail = inode.size - tailStart;
      if (fragmentOffset + tail > data.length)
        throw new ImageError('corrupt', `${this.name}: a file's tail reaches past its fragment block`);
      data.copy(out, tailStart, fragmentOffset, fragmentOffset + (want - tailStart));
    }
    return out;
  }
}
