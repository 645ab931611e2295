// What an existing module already says, to prefill "Create container module" when it starts from
// that module: its name and version (from its path), image, conda environment and bindings module.
import { basename, dirname } from 'node:path';
import { makeEnv } from '../analysis/env';
import { analyzeModulefile } from '../analysis/modulefile/analyze';
import { initBashParser } from '../analysis/wrapper/parser';

export interface ModuleDescription {
  name: string;
  version: string;
  /** SING_IMAGE as the module sets it without PROJHOME (its own root fallback). */
  image?: string;
  /** The environment its WITH_CONDA activates; '' when it sets no WITH_CONDA. */
  condaEnv: string;
  /** Its bindings dependency (a module whose name mentions bindings); '' when none. */
  bindingsModule: string;
}

const DEPENDENCIES = new Set(['depends_on', 'load', 'always_load', 'prereq', 'try_load']);

export async function describeModule(text: string, filePath: string): Promise<ModuleDescription> {
  await initBashParser(); // the analysis reads the wrappers on the module's PATH
  // No environment: every os.getenv(...) is unknown, so `or` fallbacks give the module's own paths.
  const analysis = analyzeModulefile(text, filePath, makeEnv({ vars: {}, processEnv: {} }));
  const withConda = analysis.setenv.get('WITH_CONDA')?.value;
  const bindings = analysis.calls
    .filter((c) => DEPENDENCIES.has(c.name))
    .flatMap((c) => c.args.map((a) => a.value))
    .find((v): v is string => typeof v === 'string' && /bindings/i.test(v));
  return {
    name: basename(dirname(filePath)),
    version: basename(filePath).replace(/\.lua$/, ''),
    image: analysis.setenv.get('SING_IMAGE')?.value,
    condaEnv: /conda activate\s+(\S+)/.exec(withConda ?? '')?.[1] ?? '',
    bindingsModule: bindings ?? '',
  };
}
