// What a module for this image needs, decided from the image's facts (scaffold, checks, hover):
// its Python comes from a conda env that must be activated (WITH_CONDA), from a venv the image's
// own PATH names (LAIF's /opt/venv), or from the system; and which Python version that is.
import { shellQuote } from '../shell/quote';
import type { ImageFacts } from './facts';

export interface ImageDecision {
  /** laif: a venv on the image's PATH; conda: python only after activation; system: python on PATH. */
  style: 'conda' | 'venv' | 'system' | 'none';
  /** The WITH_CONDA value the module should set (conda style only): this image's own paths. */
  withConda?: string;
  condaEnv?: string;
  venv?: string;
  python?: string;
  /** Why, in one line (scaffold prints it). */
  reason: string;
}

export function decideFromImage(f: ImageFacts): ImageDecision {
  const onPath = f.programs.python ?? f.programs.python3;
  const version = (prefix?: string) =>
    prefix
      ? (f.venvs.find((v) => v.path === prefix)?.version ?? f.pythonVersions[f.pythonVersions.length - 1])
      : f.pythonVersions[f.pythonVersions.length - 1];
  if (onPath) {
    const venv = f.venvs.find((v) => onPath.path.startsWith(v.path + '/'));
    if (venv)
      return {
        style: 'venv',
        venv: venv.path,
        python: version(venv.path),
        reason: `python is ${onPath.path} (a venv on the image's PATH)`,
      };
    return { style: 'system', python: version(), reason: `python is ${onPath.path} on the image's PATH` };
  }
  const after = f.pythonOnlyAfterConda;
  if (after) {
    const c = f.conda.find((x) => x.root === after.root)!;
    const env = after.env;
    const withConda = c.activate
      ? `source ${shellQuote(`${c.root}/bin/activate`)}${env ? ` ${shellQuote(env)}` : ''}`
      : `source ${shellQuote(`${c.root}/etc/profile.d/conda.sh`)} && ` +
        `conda activate ${shellQuote(env ?? 'base')}`;
    return {
      style: 'conda',
      withConda,
      condaEnv: env,
      python: (env ? c.pythonVersions[env] : c.pythonVersions.base)?.[0],
      reason: `python is only in ${after.python}, not on the image's PATH: conda activation needed`,
    };
  }
  return { style: 'none', reason: 'the image has no python' };
}
