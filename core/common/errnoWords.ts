// A file system error code as the user reads it ("no space left on the device"), for the messages of
// every command that writes the user's files (scaffold, the check cache).
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'something else was created there meanwhile',
  ENOENT: 'it was removed meanwhile',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ELOOP: 'it is a symbolic link',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/** The words for an errno code (ENOSPC, EDQUOT...), or undefined for a code without any. */
export function errnoInWords(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(ERRNO_WORDS, code) ? ERRNO_WORDS[code] : undefined;
}
