// wrong-arguments: an Lmod call with too few/too many arguments, or a non-string literal where a
// string is required (`setenv("SING_IMAGE")`, `prepend_path(PATH, ...)` with a number).
import type { Finding } from '../../types';
import type { ModulefileRule } from './types';
import { lmodFunctions } from '../../modulefile/lmodApi';

export const wrongArguments: ModulefileRule = (ctx) => {
  const out: Finding[] = [];
  for (const call of ctx.calls) {
    const f = call.isGlobal ? lmodFunctions.get(call.name) : undefined;
    if (!f || f.kind === 'sandbox') continue;
    const n = call.args.length;
    if (!call.tableForm && (n < f.minArgs || n > f.maxArgs)) {
      const expected = f.minArgs === f.maxArgs ? `${f.minArgs}` : f.maxArgs === Infinity ? `at least ${f.minArgs}` : `${f.minArgs} to ${f.maxArgs}`;
      out.push({
        range: call.range,
        severity: 'error',
        code: 'wrong-arguments',
        message: `${call.name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${n}: ${f.signature}`,
      });
      continue;
    }
    for (const i of f.stringArgs) {
      const arg = call.args[i];
      if (arg?.literalType && arg.literalType !== 'StringLiteral') {
        out.push({ range: arg.range, severity: 'error', code: 'wrong-arguments', message: `argument ${i + 1} of ${call.name} must be a string (${f.params[i]?.label ?? ''})` });
      }
    }
  }
  return out;
};
