// sing-image-not-sif: SING_IMAGE resolves to a path that does not end in .sif.
import type { ModulefileRule } from './types';
import { withValue } from '../../messages';

export const singImageNotSif: ModulefileRule = (ctx) =>
  ctx.paths
    .filter((p) => p.role === 'sing-image' && p.value !== undefined && !p.value.endsWith('.sif'))
    .map((p) => ({
      range: p.range,
      severity: 'warning' as const,
      code: 'sing-image-not-sif',
      message: withValue('SING_IMAGE is not a .sif image', ctx.render(p.value!)),
    }));
