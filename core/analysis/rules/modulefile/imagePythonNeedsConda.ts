// image-python-needs-conda (the seed case): the image has no python on its PATH until a conda env
// is activated, but nothing this module runs applies $WITH_CONDA: the module sets none, or its
// wrappers never run it. `python` then fails inside the container.
import { decideFromImage } from '../../../image/decide';
import type { ModulefileRule } from './types';

export const imagePythonNeedsConda: ModulefileRule = (ctx) => {
  const image = ctx.image;
  if (!image?.outcome.ok || !ctx.isContainerModule) return [];
  const decision = decideFromImage(image.outcome.facts);
  if (decision.style !== 'conda') return [];
  const setsIt = ctx.setenv.has('WITH_CONDA');
  const wrappers = ctx.wrappers.filter((w) => w.facts.isContainerWrapper);
  // `eval "${WITH_CONDA:-}"` (the scaffold's wrapper) applies it too: the module sets it.
  const applied = wrappers.some((w) => w.facts.appliesWithConda ?? w.facts.usesWithConda);
  // Unset while a wrapper applies it: missing-with-conda says so.
  if (applied || (setsIt && wrappers.length === 0)) return [];
  const what = !setsIt ? 'the module sets no WITH_CONDA' : 'no wrapper on PATH runs $WITH_CONDA';
  return [
    {
      range: image.range,
      severity: 'error',
      code: 'image-python-needs-conda',
      message: `The image has python only after conda activation, and ${what}`,
    },
  ];
};
