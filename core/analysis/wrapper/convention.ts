// Which container convention a wrapper follows, from the image variable it expands. Some rules
// hold for one convention only: LUMI's EasyBuild container modules (`SIF`, `SIF<NAME>` from
// `create_container_vars`) activate their venv and conda inside the container (the image sets
// WITH_CONDA to one command, `source /opt/miniconda3/bin/activate ENV`), CSC-style modules
// (`SING_IMAGE`) leave both to the wrapper.
import type { WrapperScript } from './script';

/** `$SIF`, `$SIFPYTORCH`, ...: the image variables LUMI's EasyBuild container modules set. */
const LUMI_EASYBUILD_IMAGE = /^SIF[A-Z0-9_]*$/;

/**
 * LUMI's container images (`/appl/local/containers/...`, `lumi-pytorch-rocm-*.sif`), which set
 * WITH_CONDA in their own environment (one command: `source /opt/miniconda3/bin/activate ENV`).
 */
const LUMI_IMAGE = /^\/appl\/local\/containers\/|(^|\/)lumi-[a-z0-9]+-rocm-[^/]*\.sif$/;

/** The image word of `singularity exec|run [options] IMAGE ...`. */
function imageWords(script: WrapperScript): string[] {
  const out: string[] = [];
  for (const c of script.containerCommands) {
    const sub = c.args.findIndex((a) => ['exec', 'run'].includes(a.text.replace(/^["']|["']$/g, '')));
    const image = c.args.slice(sub + 1).find((a) => !a.text.startsWith('-'));
    if (image) out.push(image.text.replace(/^["']|["']$/g, ''));
  }
  return out;
}

/**
 * A script that starts one of LUMI's own images: from `$SIF...` (LUMI's EasyBuild container modules),
 * never from `$SING_IMAGE`, or from any variable the script sets to a LUMI image path
 * (`CONTAINER=/appl/local/containers/sif-images/lumi-pytorch-rocm-...sif`), or from that path itself.
 */
export function isLumiEasyBuildWrapper(script: WrapperScript): boolean {
  if (script.expandedVariables.has('SING_IMAGE')) return false;
  if ([...script.expandedVariables].some((v) => LUMI_EASYBUILD_IMAGE.test(v))) return true;
  return imageWords(script).some((word) => {
    const variable = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(word)?.[1];
    const value = variable === undefined ? word : script.assignments.get(variable);
    return value !== undefined && LUMI_IMAGE.test(value);
  });
}
