// unused-local (hint): a local that is never read, the other half of a typo'd name.
import type { ModulefileRule } from './types';

export const unusedLocal: ModulefileRule = (ctx) =>
  ctx.locals
    .filter((l) => !l.used && !l.name.startsWith('_'))
    .map((l) => ({
      range: l.nameRange,
      severity: 'hint' as const,
      code: 'unused-local',
      message: `local '${l.name}' is never used`,
    }));
