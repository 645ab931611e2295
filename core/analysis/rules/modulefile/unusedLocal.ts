// unused-local (hint): a local that is never read, the other half of a typo'd name.
import type { ModulefileRule } from './types';
import { withValue } from '../../messages';

export const unusedLocal: ModulefileRule = (ctx) =>
  ctx.locals
    .filter((l) => !l.used && !l.name.startsWith('_'))
    .map((l) => ({
      range: l.nameRange,
      severity: 'hint' as const,
      code: 'unused-local',
      message: withValue('local is never used', `'${l.name}'`),
    }));
