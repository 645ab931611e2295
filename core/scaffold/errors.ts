import { errnoInWords } from '../common/errnoWords';

/** Bad scaffold input (name, version, image, root, template, --from module): exit 2 in the CLI. */
export class ScaffoldInputError extends Error {}

/**
 * The project home could not be written (a read-only file system, no space, no permission, another
 * scaffold holding it): not bad input. Nothing is left written; exit 1 ("nothing written") in the CLI.
 */
export class ScaffoldWriteError extends Error {}

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
  const words = errnoInWords(e.code);
  if (!(err instanceof Error) || words === undefined) return err;
  const path = e.syscall === 'rename' && e.dest ? e.dest : e.path;
  const verb = VERBS[e.syscall ?? ''] ?? 'write';
  return new ScaffoldWriteError(`cannot ${verb} ${path ?? 'a file'}: ${words}`);
}
