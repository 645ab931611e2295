// Which container convention a wrapper follows, from the image variable it expands. Some rules
// hold for one convention only: LUMI's EasyBuild container modules (`SIF`, `SIF<NAME>` from
// `create_container_vars`) activate their venv and conda inside the container (the image sets
// WITH_CONDA to one command, `source /opt/miniconda3/bin/activate ENV`), CSC-style modules
// (`SING_IMAGE`) leave both to the wrapper.
import type { WrapperScript } from './script';

/** `$SIF`, `$SIFPYTORCH`, ...: the image variables LUMI's EasyBuild container modules set. */
const LUMI_EASYBUILD_IMAGE = /^SIF[A-Z0-9_]*$/;

/**
 * A wrapper of a LUMI EasyBuild container module: starts the image from `$SIF...`, never from `$SING_IMAGE`.
 */
export function isLumiEasyBuildWrapper(script: WrapperScript): boolean {
  return (
    !script.expandedVariables.has('SING_IMAGE') &&
    [...script.expandedVariables].some((v) => LUMI_EASYBUILD_IMAGE.test(v))
  );
}
