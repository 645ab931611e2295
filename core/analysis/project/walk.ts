// Walks the PATH arguments of `lumi-modules check`: files as given, directories recursively.
// Symlink loops and unreadable entries become findings; nothing here is fatal.
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareStrings, type FileFinding } from '../types';
import { fileNote } from './readSource';

export interface WalkResult {
  files: string[];
  notes: FileFinding[];
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export function walkPaths(paths: readonly string[], cwd: string): WalkResult {
  const files: string[] = [];
  const notes: FileFinding[] = [];
  const seenFiles = new Set<string>();
  const note = (file: string, code: string, message: string) =>
    notes.push({ file, ...fileNote(code, 'warning', message) });

  const visitDir = (dir: string, ancestors: Set<string>) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (err) {
      note(dir, 'unreadable', `cannot resolve directory: ${(err as Error).message}`);
      return;
    }
    if (ancestors.has(real)) {
      note(dir, 'symlink-loop', `symbolic link loop: ${dir} leads back to ${real}; not followed`);
      return;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareStrings(a.name, b.name));
    } catch (err) {
      note(dir, 'unreadable', `cannot list directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    const inner = new Set(ancestors).add(real);
    for (const entry of entries) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      // A plain file needs no further stat (the common case: thousands of modulefiles).
      if (entry.isFile()) addFile(path);
      else visit(path, inner, false);
    }
  };

  const visit = (path: string, ancestors: Set<string>, explicit: boolean) => {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') note(path, 'symlink-loop', 'symbolic link loop: not followed');
      else if (code === 'ENOENT' && !explicit && isSymlink(path)) note(path, 'unreadable', 'dangling symbolic link');
      else note(path, 'unreadable', code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? (err as Error).message}`);
      return;
    }
    if (isDir) visitDir(path, ancestors);
    else addFile(path);
  };

  const addFile = (path: string) => {
    if (seenFiles.has(path)) return;
    seenFiles.add(path);
    files.push(path);
  };

  for (const p of paths) visit(resolve(cwd, p), new Set(), true);
  return { files, notes };
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
