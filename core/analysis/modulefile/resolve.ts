// The resolve step: runs after the evaluator and is the only part of the modulefile analysis that
// looks at the file system: what each resolved absolute path is (file, directory, missing), and
// the wrapper scripts in the directories the module puts on PATH, with their facts.
import { isAbsolute, join } from 'node:path';
import type { FileSystemView } from '../env';
import { wrapperFacts, type WrapperFacts } from '../wrapper/facts';
import { SiteOfPaths, type SiteDecision } from './site';
import type { PathExpression, PathPrepend } from './types';

export interface FoundWrapper {
  path: string;
  facts: WrapperFacts;
}

export interface Resolution {
  /** The evaluator's paths with `exists` filled for absolute values. */
  paths: PathExpression[];
  /** Resolved absolute directories put on PATH. */
  wrapperDirs: string[];
  /** Scripts found in the wrapper directories. */
  wrappers: FoundWrapper[];
  /**
   * Site prefixes absent on this machine (/appl/local, /opt/bwhpc on a laptop; see site.ts): paths under
   * them are not checked.
   */
  uncheckedRoots: string[];
}

/** Where the module is, for the site decision (site.ts). */
export interface ModuleLocation {
  /** The module's project home (site.ts projectHome), when it has one. */
  home?: string;
  /** The value the user gave a variable (`--env`, lumiModules.env); undefined when not given. */
  askedValue?(name: string): string | undefined;
}

const MAX_WRAPPERS_PER_DIR = 64;
/** Bigger files are no wrapper scripts: not read. */
const MAX_WRAPPER_BYTES = 1024 * 1024;

export function resolveModule(
  paths: readonly PathExpression[],
  pathPrepends: readonly PathPrepend[],
  fs: FileSystemView,
  location: ModuleLocation = {},
): Resolution {
  const wrapperDirs = [
    ...new Set(
      pathPrepends
        .filter((p) => p.variable === 'PATH' && p.value !== undefined && isAbsolute(p.value))
        .map((p) => p.value!),
    ),
  ];
  const uncheckedRoots = new Set<string>();
  const isDir = (dir: string | undefined): dir is string =>
    dir !== undefined && isAbsolute(dir) && fs.kind(dir) === 'dir';
  const home = isDir(location.home) ? [location.home] : [];
  const sites = new SiteOfPaths(fs, home);
  const existence = (p: PathExpression): PathExpression['exists'] => {
    if (p.value === undefined || !isAbsolute(p.value)) return undefined;
    // A directory the user named with --env is where that site is: paths under it are checked.
    const asked = (p.envVariables ?? []).map((v) => location.askedValue?.(v)).filter(isDir);
    const site: SiteDecision = asked.some((a) => p.value === a || p.value!.startsWith(a + '/'))
      ? { checked: true }
      : sites.decide(p.value);
    let exists = site.checked ? fs.kind(p.value) : undefined;
    if (exists === 'missing') {
      const real = sites.decideMissing(p.value);
      if (!real.checked) {
        exists = undefined;
        site.absentSite = real.absentSite;
      }
    }
    if (exists === undefined && site.absentSite) uncheckedRoots.add(site.absentSite);
    return exists;
  };
  const resolved: PathExpression[] = [];
  for (const p of paths) {
    const exists = existence(p);
    // One object shape for every path (a spread of varying shapes is slow over thousands of modules).
    resolved.push({
      range: p.range,
      value: p.value,
      role: p.role,
      envVariables: p.envVariables,
      exists,
      guarded: p.guarded,
    });
  }
  return {
    paths: resolved,
    wrapperDirs,
    wrappers: wrappersIn(wrapperDirs, fs),
    uncheckedRoots: [...uncheckedRoots].sort(),
  };
}

function wrappersIn(dirs: readonly string[], fs: FileSystemView): FoundWrapper[] {
  const out: FoundWrapper[] = [];
  for (const dir of dirs) {
    for (const name of (fs.listDir(dir) ?? []).slice(0, MAX_WRAPPERS_PER_DIR)) {
      const path = join(dir, name);
      if (fs.kind(path) !== 'file') continue;
      // Scripts are recognised from their first bytes: images and binaries there are never read.
      const start = fs.readStart?.(path, 256);
      if (
        start !== undefined &&
        (start.includes('\0') || (!start.startsWith('#!') && !fs.isExecutable(path)))
      )
        continue;
      const size = fs.size(path);
      if (size === undefined || size > MAX_WRAPPER_BYTES) continue;
      const text = fs.readText(path);
      if (text === undefined || text.includes('\0')) continue;
      try {
        out.push({ path, facts: wrapperFacts(text) });
      } catch {
        // the bash parser is not initialised in this process: no facts
      }
    }
  }
  return out;
}
