// getenv-no-fallback: os.getenv(...) straight inside `..` (a load error when unset) or pathJoin
// (silently skipped: the path turns relative). Write os.getenv('X') or '...'.
import type { ModulefileRule } from './types';

export const getenvNoFallback: ModulefileRule = (ctx) =>
  ctx.getenvWithoutFallback.map((range) => ({
    range,
    severity: 'warning' as const,
    code: 'getenv-no-fallback',
    message: "os.getenv(...) has no fallback: when the variable is unset, '..' fails at load time and pathJoin silently drops it; write os.getenv('X') or '<default>'",
  }));
