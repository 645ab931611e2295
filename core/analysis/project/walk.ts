// Walks the PATH arguments of `lumi-modules check`: files as given, directories recursively.
// Only regular files are checked: FIFOs, devices and sockets are reported (never opened: a FIFO
// would block the check forever). Each real directory is walked once (by device and inode, so
// links that share a target cost nothing), symbolic links to directories outside the given roots
// are reported and not followed, loops are reported. Nothing here is fatal.
// A directory's listing tells the kind of each entry (d_type; the file system is asked only where
// it does not say). Files are stat'ed only when their size and mtime are wanted (`check --cache`,
// once per file, not a second time there); everything else is lstat'ed once (and stat'ed behind a
// link). A tree of 10,000 modules without --cache costs 1,000 readdir calls, not 11,000 calls: on
// a parallel file system (Lustre), each stat is a round trip to a metadata server.
import {
  lstatSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import type { FileSystemView } from '../env';
import { describeKind } from '../../common/boundedRead';
import { compareStrings, type FileFinding } from '../types';
import { realFileSystem } from '../env';
import { followLinks, sitePrefix } from '../modulefile/site';
import { fileNote } from './readSource';
import type { FileState } from './checkCache';
import { withValue } from '../messages';

export interface WalkOptions {
  /**
   * Stat every file for its size and mtime (`states`); else a plain file is known from its listing. Default
   * true.
   */
  fileStates?: boolean;
}

export interface WalkResult {
  files: string[];
  /**
   * Size and mtime of each file in `files` (of the target, behind a link), as stat'ed by the walk; empty
   * without `fileStates`.
   */
  states: Map<string, FileState>;
  /** The names in each directory walked (sorted), as listed by the walk. */
  listings: Map<string, readonly string[]>;
  notes: FileFinding[];
}

/**
 * `fs` where a path in a directory the walk listed, and not among its names, is missing without a
 * stat (the directories of thousands of modules have no .lumi-modules.json). Like the run's file
 * system snapshot, it is the tree as the walk saw it.
 */
export function withWalkListings(fs: FileSystemView, listings: WalkResult['listings']): FileSystemView {
  return {
    ...fs,
    kind: (path) => {
      const names = listings.get(dirname(path));
      return names !== undefined && !names.includes(basename(path)) ? 'missing' : fs.kind(path);
    },
  };
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

const idOf = (st: Stats) => `${st.dev}:${st.ino}`;

export function walkPaths(paths: readonly string[], cwd: string, options: WalkOptions = {}): WalkResult {
  const fileStates = options.fileStates ?? true;
  const files: string[] = [];
  const seenFiles = new Set<string>();
  const states = new Map<string, FileState>();
  const listings = new Map<string, readonly string[]>();
  const notes: FileFinding[] = [];
  const walkedDirs = new Set<string>();
  const roots: string[] = [];
  const note = (file: string, code: string, message: string, severity: FileFinding['severity'] = 'warning') =>
    notes.push({ file, ...fileNote(code, severity, message) });

  const insideRoots = (real: string) =>
    roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));

  const visitDir = (dir: string, st: Stats, ancestors: ReadonlySet<string>) => {
    const id = idOf(st);
    if (ancestors.has(id)) {
      note(
        dir,
        'symlink-loop',
        withValue('symbolic link loop, not followed: leads back to', realOf(dir) ?? 'an enclosing directory'),
      );
      return;
    }
    if (walkedDirs.has(id)) return; // the same directory through another link: walked once
    walkedDirs.add(id);
    let entries: Listed[];
    try {
      entries = listDirectory(dir);
    } catch (err) {
      note(
        dir,
        'unreadable',
        `cannot list directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
      return;
    }
    listings.set(
      dir,
      entries.map((e) => e.name),
    );
    const inner = new Set(ancestors).add(id);
    for (const entry of entries) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      // dir is absolute and normalised, a name has no slash: no join() needed (thousands of files).
      const path = dir.endsWith(sep) ? dir + entry.name : dir + sep + entry.name;
      // A plain file as listed needs no stat unless its state is wanted.
      if (!fileStates && entry.plainFile) addFile(path);
      else visit(path, inner, false);
    }
  };

  const visit = (path: string, ancestors: ReadonlySet<string>, explicit: boolean) => {
    let st: Stats;
    let isLink = false;
    try {
      const lst = lstatSync(path);
      // A plain file (the common case: thousands of modulefiles) needs nothing more.
      if (lst.isFile()) return addFile(path, lst);
      isLink = lst.isSymbolicLink();
      st = isLink ? statSync(path) : lst;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') note(path, 'symlink-loop', 'symbolic link loop: not followed');
      else if (code === 'ENOENT' && isLink) danglingLink(path);
      else
        note(
          path,
          'unreadable',
          code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? (err as Error).message}`,
        );
      return;
    }
    if (st.isDirectory()) {
      if (isLink && !explicit) {
        const real = realOf(path);
        if (real === undefined || !insideRoots(real)) {
          note(
            path,
            'symlink-outside-root',
            withValue('link to a directory outside the checked paths, not followed', real ?? 'unresolvable'),
            'information',
          );
          return;
        }
      }
      visitDir(path, st, ancestors);
    } else if (st.isFile()) addFile(path, st);
    else note(path, 'unreadable', `${describeKind(st)}, not a regular file: not read`);
  };

  // A link into a site absent here (`bin/git -> /cvmfs/soft.computecanada.ca/...` on a laptop) is
  // not broken, only not checkable here: noted once per site, as paths-not-checked, like paths.
  const absentSites = new Set<string>();
  const danglingLink = (path: string) => {
    let target: string | undefined;
    try {
      target = followLinks(resolve(dirname(path), readlinkSync(path)), realFileSystem);
    } catch {
      target = undefined;
    }
    const site = target === undefined ? undefined : sitePrefix(target);
    if (site === undefined || realFileSystem.kind(site) !== 'missing')
      return note(path, 'unreadable', 'dangling symbolic link');
    if (absentSites.has(site)) return;
    absentSites.add(site);
    note(path, 'paths-not-checked', `links into ${site} not checked: not on this machine`, 'information');
  };

  const addFile = (path: string, st?: Stats) => {
    if (seenFiles.has(path)) return;
    seenFiles.add(path);
    if (fileStates && st) states.set(path, { size: st.size, mtimeMs: st.mtimeMs });
    files.push(path);
  };

  const absolute = paths.map((p) => resolve(cwd, p));
  for (const p of absolute) {
    const real = realOf(p);
    if (real !== undefined) roots.push(real);
  }
  for (const p of absolute) visit(p, new Set(), true);
  return { files, states, listings, notes };
}

interface Listed {
  name: string;
  /** The listing says: a regular file (not a link, not unknown). */
  plainFile: boolean;
}

/**
 * A directory's entries, sorted, with what the listing says of each. Node lstats an entry whose
 * type the file system left unknown (d_type), so `plainFile` is never a guess; if one of those
 * vanishes meanwhile that lstat throws, and the names alone are listed again (each entry is then
 * looked at on its own, a vanished one noted as such, not the whole directory).
 */
function listDirectory(dir: string): Listed[] {
  let entries: Listed[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).map((e: Dirent) => ({
      name: e.name,
      plainFile: e.isFile(),
    }));
  } catch {
    entries = readdirSync(dir).map((name) => ({ name, plainFile: false }));
  }
  return entries.sort((a, b) => compareStrings(a.name, b.name));
}

function realOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
