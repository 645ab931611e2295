// What an existing module already says, to prefill "Create container module" when it starts from
// that module: its name and version (from its path), image, project home (its root fallback),
// conda environment and bindings module.
import { basename, dirname } from 'node:path';
import { makeEnv } from '../analysis/env';
import { analyzeModulefile } from '../analysis/modulefile/analyze';
import { luaStringValue } from '../analysis/modulefile/strings';
import { initBashParser } from '../analysis/wrapper/parser';
import { moduleRootFallback } from './fromModule';

export interface ModuleDescription {
  name: string;
  version: string;
  /** SING_IMAGE as the module sets it without PROJHOME (its own root fallback). */
  image?: string;
  /** The fallback of its root local (`os.getenv('PROJHOME') or '/project/...'`), the one --from rewrites. */
  root?: string;
  /** The environment its WITH_CONDA activates; '' when it sets no WITH_CONDA. */
  condaEnv: string;
  /** Its bindings dependency (a module whose name mentions bindings); '' when none. */
  bindingsModule: string;
}

const DEPENDENCIES = new Set(['depends_on', 'load', 'always_load', 'prereq', 'try_load']);

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
  const analysis = analyzeModulefile(text, filePath, makeEnv({ vars, processEnv: {} }));
  const withConda = analysis.setenv.get('WITH_CONDA')?.value;
  const bindings = analysis.calls
    .filter((c) => DEPENDENCIES.has(c.name))
    .flatMap((c) => c.args.map((a) => a.value))
    .find((v): v is string => typeof v === 'string' && /bindings/i.test(v));
  return {
    name: basename(dirname(filePath)),
    version: basename(filePath).replace(/\.lua$/, ''),
    image: analysis.setenv.get('SING_IMAGE')?.value,
    root: moduleRootFallback(text, filePath),
    condaEnv: /conda activate\s+(\S+)/.exec(withConda ?? '')?.[1] ?? '',
    bindingsModule: bindings ?? '',
  };
}
