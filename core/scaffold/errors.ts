/** Bad scaffold input (name, version, image, root, template, --from module): exit 2 in the CLI. */
export class ScaffoldInputError extends Error {}

/**
 * The project home could not be written (a read-only file system, no space, no permission, another
 * scaffold holding it): not bad input. Nothing is left written; exit 1 ("nothing written") in the CLI.
 */
export class ScaffoldWriteError extends Error {}

const ERRNO_WORDS: Record<string, string> = {
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

const VERBS: Record<string, string> = {
  mkdir: 'create the directory',
  open: 'write',
  write: 'write',
  rename: 'write',
  symlink: 'create the link',
  link: 'back up',
  copyfile: 'back up',
  unlink: 'remove',
  rmdir: 'remove',
  lstat: 'look at',
  readlink: 'look at',
  scandir: 'list',
};

/** A file system error in the user's words ("cannot write FILE: the file system is read-only"). */
export function inUserWords(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (!(err instanceof Error) || typeof e.code !== 'string' || !(e.code in ERRNO_WORDS)) return err;
  const path = e.syscall === 'rename' && e.dest ? e.dest : e.path;
  const verb = VERBS[e.syscall ?? ''] ?? 'write';
  return new ScaffoldWriteError(`cannot ${verb} ${path ?? 'a file'}: ${ERRNO_WORDS[e.code]}`);
}
