// What a path inside the container is, as far as the image decides it: the image's own file,
// missing from the image, or not the image's at all (under a bind target or a host-provided root
// such as /tmp or $HOME, reached directly or through a symbolic link inside the image). The
// image-path-missing check asks this of the programs and scripts a wrapper runs in the container.
import { LocalFileSource } from './byteSource';
import { openImage, tykkyImage } from './image';
import { runSync, type Io } from './io';
import { MAX_SYMLINKS, type InodeKind, type Squashfs } from './squashfs';

export interface InImagePath {
  /** host: a bind target or host root covers it (the image does not decide); unknown: not read. */
  status: 'present' | 'missing' | 'host' | 'unknown';
  kind?: InodeKind;
  /** Some execute bit is set (after following links). */
  executable?: boolean;
  /** The first path on the way that the image lacks (or that is no directory). */
  missingAt?: string;
}

const MAX_STEPS = 256 * (MAX_SYMLINKS + 1);

/** Under PREFIX (a path or the path itself)? */
export function isUnder(path: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(p + '/');
}

/**
 * Walks PATH through the image component by component, following links inside it (at most
 * MAX_SYMLINKS) the way the kernel would after the bind mounts: a component that lands under
 * one of HOST_PREFIXES is the host's from there on.
 */
export function* locateInImage(fs: Squashfs, path: string, hostPrefixes: readonly string[]): Io<InImagePath> {
  const host = (p: string) => hostPrefixes.some((prefix) => isUnder(p, prefix));
  let rest = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  let steps = 0;
  let last: { kind: InodeKind; mode: number } = { kind: 'dir', mode: 0o755 };
  while (rest.length > 0) {
    if (++steps > MAX_STEPS) return { status: 'unknown' };
    const [part, ...after] = rest;
    rest = after;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = '/' + [...done, part].join('/');
    if (host(here)) return { status: 'host' };
    // `done` has no links in it, so this lookup follows none.
    const found = yield* fs.find(here, false);
    if (!found) return { status: 'missing', missingAt: here };
    if (found.inode.kind === 'symlink') {
      if (++links > MAX_SYMLINKS) return { status: 'unknown' };
      const target = found.inode.target ?? '';
      if (target.startsWith('/')) done.length = 0;
      rest = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...rest];
      continue;
    }
    if (rest.length > 0 && found.inode.kind !== 'dir') return { status: 'missing', missingAt: here };
    done.push(part);
    last = found.inode;
  }
  if (host('/' + done.join('/'))) return { status: 'host' };
  return { status: 'present', kind: last.kind, executable: (last.mode & 0o111) !== 0 };
}

/**
 * locateInImage for each of PATHS in the local image IMAGE (a .sif, .sqsh or Tykky directory);
 * every answer 'unknown' when the image cannot be read.
 */
export function localImageLookup(
  image: string,
  paths: readonly string[],
  hostPrefixes: readonly string[],
): InImagePath[] {
  let source: LocalFileSource | undefined;
  try {
    source = LocalFileSource.open(tykkyImage(image) ?? image);
    const opened = runSync(openImage(source), source);
    const src = source;
    return paths.map((p) => {
      try {
        return runSync(locateInImage(opened.fs, p, hostPrefixes), src);
      } catch {
        return { status: 'unknown' as const };
      }
    });
  } catch {
    return paths.map(() => ({ status: 'unknown' as const }));
  } finally {
    source?.close();
  }
}
