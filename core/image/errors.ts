// The one error an image reader throws: a kind a caller can branch on and a one-line message.
// Anything that is not a SIF or squashfs, or is broken, truncated or hostile, ends here; no reader
// function lets another error out (decoders' and the file system's are wrapped).

export type ImageErrorKind =
  | 'unreadable' // the file cannot be opened or read (missing, permission, not a regular file)
  | 'not-an-image' // neither SIF nor squashfs
  | 'truncated' // a structure reaches past the end of the file or partition
  | 'corrupt' // a structure that cannot be right (bad magic, out-of-range field, loop)
  | 'unsupported' // a valid image this reader does not read (lzo, an encrypted partition)
  | 'too-large' // a declared size or count past this reader's bounds
  | 'not-found' // a path that is not in the image
  | 'closed'; // the connection of a remote source went away

export class ImageError extends Error {
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}

/** Any failure as an ImageError (a decoder's or the file system's error keeps its words). */
export function asImageError(err: unknown, kind: ImageErrorKind = 'corrupt'): ImageError {
  if (err instanceof ImageError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ImageError(kind, message.split('\n')[0]);
}
