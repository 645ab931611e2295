// undefined-variable: a global read that nothing defines, typically a typo of a local
// (`singRoot` for `signRoot`) that silently makes a path relative. Its value is nil: used in `..`
// on the path of every load, Lmod refuses the module every time ("attempt to concatenate a nil
// value"): an error; elsewhere (pathJoin drops it, a branch) a warning.
import type { ModulefileRule } from './types';
import { closestName } from '../../modulefile/lmodApi';
import { shortened, withValue } from '../../messages';

export const undefinedVariable: ModulefileRule = (ctx) => {
  const key = (r: { start: { line: number; character: number } }) => `${r.start.line}:${r.start.character}`;
  const fatal = new Set(ctx.nilConcats.filter((c) => c.unconditional).map((c) => key(c.range)));
  return ctx.undefinedReads.map((read) => {
    const suggestion = closestName(
      read.name,
      ctx.locals.map((l) => l.name),
    );
    const stops = fatal.has(key(read.range));
    const why = stops ? ": '..' on it stops every load" : ' (it is nil here)';
    return {
      range: read.range,
      severity: stops ? ('error' as const) : ('warning' as const),
      code: 'undefined-variable',
      message: withValue(
        `'${shortened(read.name, 20)}' is not defined${why}`,
        suggestion ? `did you mean the local '${shortened(suggestion, 20)}'?` : '',
      ).replace(/: $/, ''),
      fixes: suggestion
        ? [{ title: `Change to ${suggestion}`, edits: [{ range: read.range, newText: suggestion }] }]
        : undefined,
    };
  });
};
