// The resolve step: runs after the evaluator and is the only part of the modulefile analysis that
// looks at the file system: what each resolved absolute path is (file, directory, missing), and
// the wrapper scripts in the directories the module puts on PATH, with their facts.
import { isAbsolute, join } from 'node:path';
import type { FileSystemView } from '../env';
import { wrapperFacts, type WrapperFacts } from '../wrapper/facts';
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
   * Top-level directories absent on this machine (/project, /appl on a laptop): paths under them are not
   * checked.
   */
  uncheckedRoots: string[];
}

const MAX_WRAPPERS_PER_DIR = 64;
/** Bigger files are no wrapper scripts: not read. */
const MAX_WRAPPER_BYTES = 1024 * 1024;

export function resolveModule(
  paths: readonly PathExpression[],
  pathPrepends: readonly PathPrepend[],
  fs: FileSystemView,
): Resolution {
  const wrapperDirs = [
    ...new Set(
      pathPrepends
        .filter((p) => p.variable === 'PATH' && p.value !== undefined && isAbsolute(p.value))
        .map((p) => p.value!),
    ),
  ];
  const uncheckedRoots = new Set<string>();
  const existsOnThisMachine = (path: string): boolean => {
    // The first segment of an absolute path (leading slashes collapsed), as '/name'.
    let from = 0;
    while (path.charCodeAt(from) === 47 /* / */) from++;
    if (from === path.length) return true;
    const slash = path.indexOf('/', from);
    const root = '/' + path.slice(from, slash === -1 ? path.length : slash);
    if (fs.kind(root) !== 'missing') return true;
    uncheckedRoots.add(root);
    return false;
  };
  const resolved: PathExpression[] = [];
  for (const p of paths) {
    const exists =
      p.value !== undefined && isAbsolute(p.value) && existsOnThisMachine(p.value)
        ? fs.kind(p.value)
        : undefined;
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
