// Walks the PATH arguments of `lumi-modules check`: files as given, directories recursively.
// Only regular files are checked: FIFOs, devices and sockets are reported (never opened: a FIFO
// would block the check forever). Each real directory is walked once (by device and inode, so
// links that share a target cost nothing), symbolic links to directories outside the given roots
// are reported and not followed, loops are reported. Nothing here is fatal.
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { describeKind } from '../../common/boundedRead';
import { compareStrings, type FileFinding } from '../types';
import { fileNote } from './readSource';

export interface WalkResult {
  files: string[];
  notes: FileFinding[];
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

const idOf = (st: Stats) => `${st.dev}:${st.ino}`;

export function walkPaths(paths: readonly string[], cwd: string): WalkResult {
  const files: string[] = [];
  const notes: FileFinding[] = [];
  const seenFiles = new Set<string>();
  const walkedDirs = new Set<string>();
  const roots: string[] = [];
  const note = (file: string, code: string, message: string, severity: FileFinding['severity'] = 'warning') =>
    notes.push({ file, ...fileNote(code, severity, message) });

  const insideRoots = (real: string) => roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));

  const visitDir = (dir: string, st: Stats, ancestors: ReadonlySet<string>) => {
    const id = idOf(st);
    if (ancestors.has(id)) {
      note(dir, 'symlink-loop', `symbolic link loop: ${dir} leads back to ${realOf(dir) ?? 'an enclosing directory'}; not followed`);
      return;
    }
    if (walkedDirs.has(id)) return; // the same directory through another link: walked once
    walkedDirs.add(id);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareStrings(a.name, b.name));
    } catch (err) {
      note(dir, 'unreadable', `cannot list directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    const inner = new Set(ancestors).add(id);
    for (const entry of entries) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      // dir is absolute and normalised, a name has no slash: no join() needed (thousands of files).
      const path = dir.endsWith(sep) ? dir + entry.name : dir + sep + entry.name;
      // A plain file needs no further stat (the common case: thousands of modulefiles).
      if (entry.isFile()) addFile(path);
      else visit(path, inner, false);
    }
  };

  const visit = (path: string, ancestors: ReadonlySet<string>, explicit: boolean) => {
    let st: Stats;
    let isLink = false;
    try {
      const lst = lstatSync(path);
      isLink = lst.isSymbolicLink();
      st = isLink ? statSync(path) : lst;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') note(path, 'symlink-loop', 'symbolic link loop: not followed');
      else if (code === 'ENOENT' && isLink) note(path, 'unreadable', 'dangling symbolic link');
      else note(path, 'unreadable', code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? (err as Error).message}`);
      return;
    }
    if (st.isDirectory()) {
      if (isLink && !explicit) {
        const real = realOf(path);
        if (real === undefined || !insideRoots(real)) {
          note(path, 'symlink-outside-root', `symbolic link to a directory outside the checked paths (${real ?? 'unresolvable'}): not followed`, 'information');
          return;
        }
      }
      visitDir(path, st, ancestors);
    } else if (st.isFile()) addFile(path);
    else note(path, 'unreadable', `${describeKind(st)}, not a regular file: not read`);
  };

  const addFile = (path: string) => {
    if (seenFiles.has(path)) return;
    seenFiles.add(path);
    files.push(path);
  };

  const absolute = paths.map((p) => resolve(cwd, p));
  for (const p of absolute) {
    const real = realOf(p);
    if (real !== undefined) roots.push(real);
  }
  for (const p of absolute) visit(p, new Set(), true);
  return { files, notes };
}

function realOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
