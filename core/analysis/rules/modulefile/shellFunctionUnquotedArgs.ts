// shell-function-unquoted-args: the bash body of `set_shell_function(name, bash_body, csh_body)` (the
// shell-function container convention of singularity-hpc and Biocontainers trees, containerKind.ts)
// passes `$@` unquoted: bash splits and globs each argument again, so `tool "a b"` gets two arguments.
// The body is parsed with the real bash grammar (wrapper/parser.ts) and judged by the wrapper rule
// for the same mistake (rules/wrapper/unquotedArgs.ts). Parts of the body unknown before load time
// (`container_launch`, from capture()) stand in as one plain word.
import { shortened } from '../../messages';
import { luaStringValue } from '../../modulefile/strings';
import { readWrapper } from '../../wrapper/script';
import { unquotedArgs } from '../wrapper/unquotedArgs';
import type { Range } from '../../types';
import type { ModulefileRule, ModulefileRuleContext } from './types';

/** The body as bash will see it: Lua string pieces of a `..` chain kept, other pieces one word. */
export function shellBody(expression: string, folded: string | undefined): string {
  if (folded !== undefined) return folded;
  const pieces: string[] = [];
  let at = 0;
  let piece = '';
  while (at < expression.length) {
    const ch = expression[at];
    if (ch === '"' || ch === "'") {
      let end = at + 1;
      while (end < expression.length && expression[end] !== ch) end += expression[end] === '\\' ? 2 : 1;
      piece += expression.slice(at, end + 1);
      at = end + 1;
    } else if (expression.startsWith('..', at)) {
      pieces.push(piece.trim());
      piece = '';
      at += 2;
    } else piece += expression[at++];
  }
  pieces.push(piece.trim());
  return pieces.map((p) => luaStringValue(p) ?? 'HOST_VALUE').join('');
}

function offsetOf(text: string, position: { line: number; character: number }): number {
  let at = 0;
  for (let line = 0; line < position.line; line++) at = text.indexOf('\n', at) + 1;
  return at + position.character;
}

function sourceOf(text: string, range: Range): string {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

/** A set_shell_function body argument as the shell will see it (see shellBody). */
export function shellBodyOf(text: string, arg: { range: Range; value: string | undefined }): string {
  return shellBody(sourceOf(text, arg.range), arg.value);
}

/** A shell function's name for a message; one folded at load time only (a loop's `program`) by its Lua. */
export function shellFunctionName(text: string, arg: { range: Range; value: string | undefined }): string {
  return arg.value ?? `(${sourceOf(text, arg.range)})`;
}

/** Whether the bash body of this set_shell_function call passes a bare $@ or $*. */
function passesBareArgs(ctx: ModulefileRuleContext, arg: { range: Range; value: string | undefined }) {
  let script;
  try {
    script = readWrapper(shellBodyOf(ctx.text, arg));
  } catch {
    return false; // the bash parser is not initialised in this process
  }
  try {
    const found = unquotedArgs({
      script,
      filePath: ctx.filePath,
      modulesSettingWithConda: [],
      kind: 'wrapper',
    });
    // Only a bare $@/$* (the split); the wrapper rule's other cases need a real command line.
    return found.some((f) => /^\$\{?[@*]/.test(f.message));
  } finally {
    script.dispose();
  }
}

/**
 * One finding per file, at the first function that splits its arguments: a generated module
 * defines one function per program of the image (dozens), all with the same mistake.
 */
export const shellFunctionUnquotedArgs: ModulefileRule = (ctx) => {
  const splitting = ctx.calls.filter(
    (c) =>
      c.isGlobal && c.name === 'set_shell_function' && c.args.length >= 2 && passesBareArgs(ctx, c.args[1]),
  );
  if (splitting.length === 0) return [];
  const first = shortened(shellFunctionName(ctx.text, splitting[0].args[0]), 30);
  const which =
    splitting.length === 1
      ? `shell function ${first}`
      : `shell functions ${first} and ${splitting.length - 1} more`;
  return [
    {
      range: splitting[0].args[1].range,
      severity: 'warning',
      code: 'shell-function-unquoted-args',
      message:
        `${which} pass${splitting.length === 1 ? 'es' : ''} $@ unquoted: ` +
        'arguments with spaces are split',
    },
  ];
};
