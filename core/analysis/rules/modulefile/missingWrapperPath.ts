// missing-wrapper-path: SING_IMAGE and WITH_CONDA are set (WITH_CONDA is only ever read by
// wrapper scripts) but nothing is prepended to PATH, so `python` runs on the host instead of
// through a wrapper. A module that sets SING_IMAGE alone follows CSC's older convention (the user
// runs `singularity_wrapper exec python`, e.g. CSC's puhti-ml tensorflow/2.3-cpu-sng): silent.
import type { ModulefileRule } from './types';

export const missingWrapperPath: ModulefileRule = (ctx) => {
  const sing = ctx.setenv.get('SING_IMAGE');
  if (!sing || !ctx.setenv.has('WITH_CONDA') || ctx.pathPrepends.some((p) => p.variable === 'PATH'))
    return [];
  return [
    {
      range: sing.range,
      severity: 'warning',
      code: 'missing-wrapper-path',
      message:
        'SING_IMAGE and WITH_CONDA are set but no wrapper directory is on PATH: python runs on the host',
    },
  ];
};
