// sing-image-not-sif: SING_IMAGE resolves to a path that does not end in .sif.
import type { ModulefileRule } from './types';

export const singImageNotSif: ModulefileRule = (ctx) =>
  ctx.paths
    .filter((p) => p.role === 'sing-image' && p.value !== undefined && !p.value.endsWith('.sif'))
    .map((p) => ({
      range: p.range,
      severity: 'warning' as const,
      code: 'sing-image-not-sif',
      message: `SING_IMAGE is '${ctx.render(p.value!)}', not a .sif image`,
    }));
