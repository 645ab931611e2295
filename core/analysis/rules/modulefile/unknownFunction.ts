// unknown-function (error): a called global that is neither in Lmod's sandbox for this kind of file
// (modulefile or modulerc), a site's registered function nor defined by the file: Lmod stops
// with "attempt to call a nil value". A rename is offered only to a name valid where it stands.
// A module that calls require(...) (`require("SitePackage")`) may get any global from what it
// loads: where a function comes from is then unknowable statically, so an unknown name is a hint.
import type { ModulefileRule } from './types';
import { closestName } from '../../modulefile/lmodApi';
import { shortened } from '../../messages';

export const unknownFunction: ModulefileRule = (ctx) => {
  const requires = ctx.calls.some((c) => c.isGlobal && c.name === 'require');
  return ctx.calls
    .filter((c) => c.isGlobal && !ctx.functions.has(c.name) && !ctx.definedGlobals.has(c.name.split('.')[0]))
    .map((c) => {
      if (requires && !ctx.otherKindFunctions.has(c.name))
        return {
          range: c.nameRange,
          severity: 'hint' as const,
          code: 'unknown-function',
          message: `'${c.name}' is not an Lmod function; it may come from what this file require()s`,
        };
      const suggestion = closestName(c.name, ctx.functions.keys());
      const where = ctx.fileKind === 'modulerc' ? 'a modulerc file' : 'a modulefile';
      const otherKind = ctx.otherKindFunctions.get(c.name);
      const name = shortened(c.name, 24);
      const point = otherKind
        ? `'${name}' is ${ctx.fileKind === 'modulerc' ? 'a modulefile' : 'a modulerc'} function, ` +
          `not available in ${where}`
        : `unknown function '${name}': Lmod stops with "attempt to call a nil value"`;
      return {
        range: c.nameRange,
        // Lmod stops only where the call runs: on every load an error, in a branch a warning.
        severity: c.conditional ? ('warning' as const) : ('error' as const),
        code: 'unknown-function',
        message: suggestion
          ? `${point.replace(/: Lmod stops.*/, '')}: did you mean ${shortened(suggestion, 24)}?`
          : point,
        fixes: suggestion
          ? [{ title: `Rename to ${suggestion}`, edits: [{ range: c.nameRange, newText: suggestion }] }]
          : undefined,
      };
    });
};
