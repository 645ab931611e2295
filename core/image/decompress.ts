// squashfs's block decoders, synchronous and bounded: none returns more than `max` bytes or lets a
// block inflate past it (an ImageError instead). gzip is node:zlib; zstd is fzstd (pure JS), lz4
// is lz4js's block decoder (pure JS), xz is xz-decompress's WebAssembly build of xz-embedded.
// Why these: docs/ARCHITECTURE.md.
import { inflateSync } from 'node:zlib';
import { ImageError } from './errors';

export type Compression = 'gzip' | 'lzo' | 'lzma' | 'xz' | 'lz4' | 'zstd';

/** squashfs's compression ids (superblock offset 20). */
export const COMPRESSION_IDS: Record<number, Compression> = {
  1: 'gzip',
  2: 'lzma',
  3: 'lzo',
  4: 'xz',
  5: 'lz4',
  6: 'zstd',
};

function overflow(what: Compression, max: number): ImageError {
  return new ImageError('corrupt', `a ${what} block inflates past its declared ${max} bytes`);
}

function gunzip(input: Buffer, max: number): Buffer {
  try {
    return inflateSync(input, { maxOutputLength: max });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw overflow('gzip', max);
    throw new ImageError('corrupt', `a gzip block does not inflate: ${(err as Error).message}`);
  }
}

function unzstd(input: Buffer, max: number): Buffer {
  // Streaming, so a frame that declares (or produces) more than `max` stops at the first block
  // past it instead of allocating what it claims.
  const fzstd = require('fzstd') as typeof import('fzstd');
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new fzstd.Decompress((chunk) => {
      total += chunk.length;
      if (total > max) throw overflow('zstd', max);
      parts.push(chunk);
    });
    stream.push(input, true);
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw new ImageError('corrupt', `a zstd block does not inflate: ${(err as Error).message}`);
  }
  return Buffer.concat(parts, total);
}

function unlz4(input: Buffer, max: number): Buffer {
  const lz4 = require('lz4js') as {
    decompressBlock(s: Uint8Array, d: Uint8Array, si: number, sl: number, di: number): number;
  };
  const out = Buffer.alloc(max);
  let end: number;
  try {
    end = lz4.decompressBlock(input, out, 0, input.length, 0);
  } catch (err) {
    throw new ImageError('corrupt', `an lz4 block does not inflate: ${(err as Error).message}`);
  }
  if (!Number.isInteger(end) || end < 0) throw new ImageError('corrupt', 'an lz4 block does not inflate');
  if (end > max) throw overflow('lz4', max);
  return out.subarray(0, end);
}

/** The WebAssembly API as far as used here (the project's TypeScript libs omit its types). */
interface Wasm {
  instantiate: unknown;
  Module: new (bytes: unknown) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

interface XzExports {
  memory: { buffer: ArrayBuffer };
  create_context(): number;
  destroy_context(ptr: number): void;
  supply_input(ptr: number, length: number): void;
  get_next_output(ptr: number): number;
}

let xzExports: XzExports | undefined;

/**
 * xz-decompress instantiates its module asynchronously inside a web stream; the reader needs it
 * synchronously. Its loader is called with WebAssembly.instantiate standing in for a moment to
 * take the module's bytes (handed over before its first await), which are then compiled here
 * synchronously. The version is pinned in package.json; test/image/decoders checks this path.
 */
function xzModule(): XzExports {
  if (xzExports) return xzExports;
  const { XzReadableStream } = require('xz-decompress') as {
    XzReadableStream: { _getModuleInstance(): Promise<void> };
  };
  const original = wasm.instantiate;
  let bytes: unknown;
  wasm.instantiate = (b: unknown) => {
    bytes = b;
    return new Promise(() => undefined);
  };
  try {
    void XzReadableStream._getModuleInstance();
  } finally {
    wasm.instantiate = original;
  }
  if (!bytes) throw new ImageError('unsupported', 'the xz decoder could not be loaded');
  const instance = new wasm.Instance(new wasm.Module(bytes), {});
  xzExports = instance.exports as unknown as XzExports;
  return xzExports;
}

function unxz(input: Buffer, max: number): Buffer {
  const xz = xzModule();
  const ptr = xz.create_context();
  const words = () => new Uint32Array(xz.memory.buffer, ptr, 6);
  // The context's header: buffer size, input pointer, input position, input size, output
  // pointer, output position (xz-decompress's XzContext).
  const bufSize = words()[0];
  const parts: Buffer[] = [];
  let total = 0;
  let given = 0;
  let starved = 0;
  try {
    for (;;) {
      let w = words();
      if (w[2] === w[3]) {
        const chunk = input.subarray(given, given + bufSize);
        if (chunk.length === 0 && ++starved > 2) throw new ImageError('corrupt', 'an xz block ends early');
        new Uint8Array(xz.memory.buffer).set(chunk, w[1]);
        xz.supply_input(ptr, chunk.length);
        given += chunk.length;
      }
      const result = xz.get_next_output(ptr);
      w = words();
      if (result !== 0 && result !== 1)
        throw new ImageError('corrupt', `an xz block does not inflate (${result})`);
      const outLength = w[5];
      total += outLength;
      if (total > max) throw overflow('xz', max);
      parts.push(Buffer.from(new Uint8Array(xz.memory.buffer, w[4], outLength)));
      w[5] = 0;
      if (result === 1) break;
    }
  } finally {
    xz.destroy_context(ptr);
  }
  return Buffer.concat(parts, total);
}

/** Decodes one squashfs block of COMPRESSION into at most MAX bytes. */
export function decompress(compression: Compression, input: Buffer, max: number): Buffer {
  switch (compression) {
    case 'gzip':
      return gunzip(input, max);
    case 'zstd':
      return unzstd(input, max);
    case 'lz4':
      return unlz4(input, max);
    case 'xz':
      return unxz(input, max);
    default:
      throw new ImageError('unsupported', `${compression} compression is not read (gzip, xz, zstd, lz4 are)`);
  }
}
