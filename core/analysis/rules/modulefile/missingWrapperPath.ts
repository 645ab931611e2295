// missing-wrapper-path: SING_IMAGE is set but nothing is prepended to PATH, so `python` runs on
// the host instead of through a wrapper.
import type { ModulefileRule } from './types';

export const missingWrapperPath: ModulefileRule = (ctx) => {
  const sing = ctx.setenv.get('SING_IMAGE');
  if (!sing || ctx.pathPrepends.some((p) => p.variable === 'PATH')) return [];
  return [{ range: sing.range, severity: 'warning', code: 'missing-wrapper-path', message: "SING_IMAGE is set but no wrapper directory is put on PATH: 'python' will run on the host, not in the container" }];
};
