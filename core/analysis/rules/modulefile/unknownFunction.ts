// unknown-function: a called global that is neither Lmod's API, the Lua sandbox nor a LUMI site function.
import type { ModulefileRule } from './types';
import { closestName, lmodFunctions } from '../../modulefile/lmodApi';

export const unknownFunction: ModulefileRule = (ctx) =>
  ctx.calls
    .filter((c) => c.isGlobal && !lmodFunctions.has(c.name) && !ctx.definedGlobals.has(c.name.split('.')[0]))
    .map((c) => {
      const suggestion = closestName(c.name, lmodFunctions.keys());
      return {
        range: c.nameRange,
        severity: 'warning' as const,
        code: 'unknown-function',
        message: `unknown function '${c.name}': not an Lmod modulefile function, Lua sandbox function or LUMI site function${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
        fixes: suggestion ? [{ title: `Rename to ${suggestion}`, edits: [{ range: c.nameRange, newText: suggestion }] }] : undefined,
      };
    });
