// shell-function-csh-args: the csh body of `set_shell_function(name, bash_body, csh_body)` passes
// the arguments in a way csh does not. Lmod defines the function for csh as an alias, writing
// `alias NAME 'BODY'` with `$*` turned into `\!*` and `$1`... into `\!:1` (Lmod's shells/Csh.lua),
// and an alias without `\!` gets the typed arguments appended. So a bare `$*` (or nothing) passes
// them as typed, while csh answers `"$@"` with "Illegal variable name.", `"$*"` becomes `"\!*"`
// (quotes that cut the arguments in the wrong places), `$argv` is the shell's own arguments, and a
// `'` ends Lmod's quoting of the alias. test/integration/shell-function-csh.test.ts loads each case
// under real Lmod and runs the alias in tcsh.
import { shortened } from '../../messages';
import type { ModulefileRule } from './types';
import { shellBodyOf, shellFunctionName } from './shellFunctionUnquotedArgs';

/** What is wrong with the arguments in a csh body, as the end of a message; else undefined. */
export function cshArgsProblem(body: string): string | undefined {
  let quoted = false;
  for (let at = 0; at < body.length; at++) {
    const ch = body[at];
    if (ch === '\\') {
      // Lmod rewrites $* and $1 whatever stands before them: `\$*` becomes `\\!*`.
      if (/^\$[*0-9]/.test(body.slice(at + 1))) return 'Lmod writes \\$* as \\\\!*, which csh globs: use $*';
      at++;
    } else if (ch === "'") return "a ' ends Lmod's alias '...' quoting: the alias breaks";
    else if (ch === '"') quoted = !quoted;
    else if (ch === '$') {
      const rest = body.slice(at + 1);
      if (rest.startsWith('@')) return 'csh has no $@ ("Illegal variable name."): use $*';
      if (rest.startsWith('*') && quoted)
        return 'csh splits "$*" (Lmod writes "\\!*") in the wrong places: use $*';
      if (/^(\{|#)?argv\b/.test(rest))
        return "$argv is the shell's own arguments, not the function's: use $*";
    }
  }
  return undefined;
}

/** One finding per file, at the first function whose csh body is wrong, naming how many are. */
export const shellFunctionCshArgs: ModulefileRule = (ctx) => {
  const wrong = ctx.calls.flatMap((c) => {
    const csh = c.args[2];
    if (!c.isGlobal || c.name !== 'set_shell_function' || !csh) return [];
    const problem = cshArgsProblem(shellBodyOf(ctx.text, csh));
    return problem ? [{ call: c, csh, problem }] : [];
  });
  if (wrong.length === 0) return [];
  const name = shortened(shellFunctionName(ctx.text, wrong[0].call.args[0]), 24);
  const which = wrong.length === 1 ? name : `${name} (and ${wrong.length - 1} more)`;
  return [
    {
      range: wrong[0].csh.range,
      severity: 'warning',
      code: 'shell-function-csh-args',
      message: `csh body of ${which}: ${wrong[0].problem}`,
    },
  ];
};
