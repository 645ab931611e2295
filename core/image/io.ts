// One reader for two kinds of source: every function that needs bytes is a generator that yields
// a read request and gets the bytes back. runSync drives it over a local file (the analysis and
// the editor's hover are synchronous); runAsync over any source (SFTP range reads). The decoders
// are synchronous, so nothing else differs between the two.
import type { ByteSource } from './byteSource';
import { asImageError } from './errors';

export interface ReadRequest {
  offset: number;
  length: number;
}

export type Io<T> = Generator<ReadRequest, T, Buffer>;

/** Asks for LENGTH bytes at OFFSET of the source (bounds are the caller's to check). */
export function* readBytes(offset: number, length: number): Io<Buffer> {
  return yield { offset, length };
}

/** Runs IO with the source's synchronous reads; every failure is an ImageError. */
export function runSync<T>(io: Io<T>, source: ByteSource): T {
  if (!source.readSync) throw new Error('this source has no synchronous reads');
  try {
    let step = io.next();
    while (!step.done) step = io.next(source.readSync(step.value.offset, step.value.length));
    return step.value;
  } catch (err) {
    throw asImageError(err);
  }
}

/** Runs IO with the source's asynchronous reads; every failure is an ImageError. */
export async function runAsync<T>(io: Io<T>, source: ByteSource): Promise<T> {
  try {
    let step = io.next();
    while (!step.done) step = io.next(await source.read(step.value.offset, step.value.length));
    return step.value;
  } catch (err) {
    throw asImageError(err);
  }
}
