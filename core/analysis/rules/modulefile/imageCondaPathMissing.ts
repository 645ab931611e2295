// image-conda-path-missing: WITH_CONDA sources a file that is not in the image, or activates a
// conda env it does not have (CSC's `/opt/conda/etc/profile.d/conda.sh` on an image whose conda
// lives in /opt/miniconda3).
import type { ModulefileRule } from './types';
import { condaReferences } from '../../../image/condaUse';

export const imageCondaPathMissing: ModulefileRule = (ctx) => {
  const image = ctx.image;
  const set = ctx.setenv.get('WITH_CONDA');
  if (!image?.outcome.ok || !set?.value) return [];
  const facts = image.outcome.facts;
  const problem = condaReferences(set.value, facts);
  if (!problem) return [];
  return [
    {
      range: set.range,
      severity: 'error',
      code: 'image-conda-path-missing',
      message: problem.slice(0, 100),
    },
  ];
};
