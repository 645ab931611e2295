// undefined-variable: a global read that nothing defines, typically a typo of a local
// (`singRoot` for `signRoot`) that silently makes a path relative.
import type { ModulefileRule } from './types';
import { closestName } from '../../modulefile/lmodApi';
import { shortened, withValue } from '../../messages';

export const undefinedVariable: ModulefileRule = (ctx) =>
  ctx.undefinedReads.map((read) => {
    const suggestion = closestName(
      read.name,
      ctx.locals.map((l) => l.name),
    );
    return {
      range: read.range,
      severity: 'warning' as const,
      code: 'undefined-variable',
      message: suggestion
        ? `'${shortened(read.name, 20)}' is not defined (nil here): ` +
          `did you mean the local '${shortened(suggestion, 20)}'?`
        : withValue('not defined (nil here)', `'${read.name}'`),
      fixes: suggestion
        ? [{ title: `Change to ${suggestion}`, edits: [{ range: read.range, newText: suggestion }] }]
        : undefined,
    };
  });
