// image-with-conda-unneeded: the module sets WITH_CONDA, but the image has python on its PATH
// without activation (LUMI images from 2024-03 on, LAIF's /opt/venv): activation costs time on
// every start and may switch to another Python than the image's default.
import { decideFromImage } from '../../../image/decide';
import type { ModulefileRule } from './types';

export const imageWithCondaUnneeded: ModulefileRule = (ctx) => {
  const image = ctx.image;
  const set = ctx.setenv.get('WITH_CONDA');
  if (!image?.outcome.ok || !set?.value || /^\s*(true|:)?\s*$/.test(set.value)) return [];
  const decision = decideFromImage(image.outcome.facts);
  if (decision.style !== 'system' && decision.style !== 'venv') return [];
  const python = image.outcome.facts.programs.python ?? image.outcome.facts.programs.python3;
  return [
    {
      range: set.range,
      severity: 'information',
      code: 'image-with-conda-unneeded',
      message: `WITH_CONDA is set, but the image has ${python!.path} on its PATH without it`.slice(0, 100),
    },
  ];
};
