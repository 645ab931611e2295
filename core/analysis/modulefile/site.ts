// Whether a path belongs to this machine's site, decided by the module tree, not by which top-level
// directories the checking machine happens to have. A site installs under a directory of its own
// one level below the root (`/opt/bwhpc`, `/appl/local`, `/cvmfs/soft.computecanada.ca`,
// `/home/<user>`), two below /usr (`/usr/local/<site>`): its *site prefix*. /opt, /usr/local or /home
// exist on every machine and say nothing; `/opt/bwhpc` exists only where bwHPC's stack is.
// A path is checked when its site prefix exists here, when it lies in the module's own project
// home (the directory above `modules/` or `modulefiles/`: the module file is here, so is its home),
// or under a directory the user named with `--env` that exists here. Links are followed first: a
// home's `images -> /appl/local/containers/...` belongs to /appl/local, not to the home.
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import type { FileSystemView } from '../env';

/** The directory a site installs under: two components, three under /usr. */
export function sitePrefix(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  const depth = parts[0] === 'usr' ? 3 : 2;
  return '/' + parts.slice(0, depth).join('/');
}

/** The project home of a modulefile: the directory above its `modules`/`modulefiles` directory. */
export function projectHome(filePath: string): string | undefined {
  const parts = filePath.split(/[\\/]/);
  for (let i = parts.length - 2; i > 0; i--)
    if (parts[i] === 'modules' || parts[i] === 'modulefiles') {
      const home = parts.slice(0, i).join('/');
      return home === '' ? undefined : home;
    }
  return undefined;
}

const MAX_LINK_HOPS = 40; // as Linux's MAXSYMLINKS

/** `path` with every symbolic link among its components replaced by its target (as far as known). */
export function followLinks(path: string, fs: FileSystemView): string {
  if (!fs.linkTarget) return path;
  const rest = path.split('/').filter((p) => p !== '');
  let current = '';
  let hops = 0;
  while (rest.length > 0) {
    const next = `${current}/${rest.shift()}`;
    const target = hops < MAX_LINK_HOPS ? fs.linkTarget(next) : undefined;
    if (target === undefined) {
      current = next;
      continue;
    }
    hops++;
    const to = isAbsolute(target) ? resolve(target) : resolve(dirname(next), target);
    // The target's components are looked at again (a link may point at another link).
    rest.unshift(...to.split('/').filter((p) => p !== ''));
    current = '';
  }
  return current === '' ? '/' : current;
}

const under = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

export interface SiteDecision {
  /** Checked here: the site the path belongs to is this machine. */
  checked: boolean;
  /** The site prefix that is absent here (when not checked). */
  absentSite?: string;
}

/** Decides for absolute paths; `anchors`: the project home and `--env` directories that exist here. */
export class SiteOfPaths {
  private readonly prefixes = new Map<string, boolean>();
  constructor(
    private readonly fs: FileSystemView,
    private readonly anchors: readonly string[],
  ) {}

  decide(path: string): SiteDecision {
    if (this.anchors.some((a) => under(path, a))) return { checked: true };
    const site = sitePrefix(path);
    let present = this.prefixes.get(site);
    if (present === undefined) this.prefixes.set(site, (present = this.fs.kind(site) !== 'missing'));
    return present ? { checked: true } : { checked: false, absentSite: site };
  }

  /** For a path found missing: through its links, does it lead into a site absent here? */
  decideMissing(path: string): SiteDecision {
    const real = followLinks(path, this.fs);
    if (real === path) return { checked: true };
    const site = sitePrefix(real);
    return this.fs.kind(site) === 'missing' ? { checked: false, absentSite: site } : { checked: true };
  }
}
