// What an existing module already says, to prefill "Create container module" when it starts from
// that module: its name and version (from its path), image (absolute), project home (from where the
// module lies, else its root fallback), conda environment and bindings module.
import { lstatSync, readlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { makeEnv } from '../analysis/env';
import { analyzeModulefile } from '../analysis/modulefile/analyze';
import { luaStringValue } from '../analysis/modulefile/strings';
import { initBashParser } from '../analysis/wrapper/parser';
import { moduleRootLocal } from './fromModule';

export interface ModuleDescription {
  name: string;
  version: string;
  /** SING_IMAGE as the module sets it for its home, absolute; through the home's own image link. */
  image?: string;
  /** The project home: from the module's location (HOME/.../modules/NAME/VERSION.lua), else its fallback. */
  root?: string;
  /** The environment its WITH_CONDA activates; '' when it sets no WITH_CONDA. */
  condaEnv: string;
  /** Its bindings dependency (a module whose name mentions bindings); '' when none. */
  bindingsModule: string;
}

const DEPENDENCIES = new Set(['depends_on', 'load', 'always_load', 'prereq', 'try_load']);
/** Stands for the home while the module's own paths are read relative to it. */
const HOME_MARK = '/@lumi-home@';

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The project home of a module at FILE (TREE/NAME/VERSION.lua): of the directory above its modules
 * tree TREE and that directory's parents, the nearest under which most of the module's own
 * directories (`uses`, relative: its wrapper directory, images/, txt/) exist; none exist: the
 * directory above the tree. `<home>/bin/modules/NAME/VERSION.lua` with `<home>/bin/wrappers` is `<home>`.
 */
export function homeFromLocation(file: string, uses: readonly string[]): string {
  const aboveTree = dirname(dirname(dirname(file)));
  let best = aboveTree;
  let bestCount = 0;
  let candidate = aboveTree;
  for (let up = 0; up < 3; up++) {
    const count = uses.filter((u) => exists(join(candidate, u))).length;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
    const parent = dirname(candidate);
    if (parent === candidate) break;
    candidate = parent;
  }
  return best;
}

/** The image path with a home's link (images -> /appl/local/containers/...) followed: where it really is. */
function throughHomeLink(image: string, home: string): string {
  const rel = relative(home, image);
  if (rel.startsWith('..') || isAbsolute(rel)) return image;
  const [first, ...rest] = rel.split(sep);
  const link = join(home, first);
  try {
    if (!lstatSync(link).isSymbolicLink()) return image;
    return join(resolve(home, readlinkSync(link)), ...rest);
  } catch {
    return image;
  }
}

export async function describeModule(text: string, filePath: string): Promise<ModuleDescription> {
  await initBashParser(); // the analysis reads the wrappers on the module's PATH
  // Each `os.getenv('X') or 'fallback'` takes its fallback (the module's own paths, as without X set);
  // a prefill is a suggestion the user sees and edits, so the simple pattern is enough.
  const vars: Record<string, string> = {};
  for (const m of text.matchAll(
    /os\.getenv\(\s*(['"])(\w+)\1\s*\)\s+or\s+('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/g,
  )) {
    const value = luaStringValue(m[3]);
    if (value !== undefined && !(m[2] in vars)) vars[m[2]] = value;
  }
  const analyse = (root: Record<string, string>) =>
    analyzeModulefile(text, filePath, makeEnv({ vars: { ...vars, ...root }, processEnv: {} }));
  const rootLocal = moduleRootLocal(text, filePath);
  let root = rootLocal?.fallback;
  if (rootLocal?.variable !== undefined) {
    // The module's own directories, read with the home as a mark, then the home found from them.
    const marked = analyse({ [rootLocal.variable]: HOME_MARK });
    const uses = [
      marked.setenv.get('SING_IMAGE')?.value,
      ...marked.pathPrepends.filter((p) => p.variable === 'PATH').map((p) => p.value),
    ]
      .filter((v): v is string => v !== undefined && v.startsWith(`${HOME_MARK}/`))
      .map((v) => v.slice(HOME_MARK.length + 1).split('/')[0]);
    // The location decides in a modules tree named so (HOME/modules, HOME/bin/modules) holding what the
    // module uses, or when there is no fallback to fall back on.
    const located = homeFromLocation(filePath, [...new Set(uses)]);
    const inModulesTree = basename(dirname(dirname(filePath))) === 'modules';
    if ((inModulesTree && uses.some((u) => exists(join(located, u)))) || root === undefined) root = located;
  }
  const analysis = analyse(rootLocal?.variable !== undefined && root ? { [rootLocal.variable]: root } : {});
  const withConda = analysis.setenv.get('WITH_CONDA')?.value;
  const bindings = analysis.calls
    .filter((c) => DEPENDENCIES.has(c.name))
    .flatMap((c) => c.args.map((a) => a.value))
    .find((v): v is string => typeof v === 'string' && /bindings/i.test(v));
  const image = analysis.setenv.get('SING_IMAGE')?.value ?? analysis.setenv.get('SIF')?.value;
  return {
    name: basename(dirname(filePath)),
    version: basename(filePath).replace(/\.lua$/, ''),
    image: image === undefined || !isAbsolute(image) ? image : root ? throughHomeLink(image, root) : image,
    root,
    condaEnv: /conda activate\s+(\S+)/.exec(withConda ?? '')?.[1] ?? '',
    bindingsModule: bindings ?? '',
  };
}
