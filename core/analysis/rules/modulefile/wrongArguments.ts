// wrong-arguments (error): only where Lmod itself fails: fewer arguments than a function validates
// (`setenv("X")`, `prepend_path("PATH")`), or a non-string literal where Lmod checks for a string.
// Extra arguments are ignored by Lua; `f{...}` table forms are Lmod's own (`setenv{...}`).
import type { Finding } from '../../types';
import type { ModulefileRule } from './types';

export const wrongArguments: ModulefileRule = (ctx) => {
  const out: Finding[] = [];
  for (const call of ctx.calls) {
    const f = call.isGlobal ? ctx.functions.get(call.name) : undefined;
    if (!f || f.kind === 'sandbox' || f.kind === 'site' || call.tableForm) continue;
    const n = call.args.length;
    // `setenv(t)` with a table t: Lmod's table form through a variable.
    const mayBeTable = n >= 1 && call.args[0].literalType === undefined;
    if (n < f.minArgs && !(n === 1 && mayBeTable)) {
      out.push({
        range: call.range,
        severity: 'error',
        code: 'wrong-arguments',
        message:
          `${call.name} needs at least ${f.minArgs} argument${f.minArgs === 1 ? '' : 's'}, got ${n}: ` +
          'Lmod stops with an error',
      });
      continue;
    }
    for (const i of f.stringArgs) {
      const arg = call.args[i];
      if (arg?.literalType && arg.literalType !== 'StringLiteral' && f.minArgs > 0) {
        out.push({
          range: arg.range,
          severity: 'error',
          code: 'wrong-arguments',
          message: `argument ${i + 1} of ${call.name} must be a string`,
        });
      }
    }
  }
  return out;
};
