// wrapper-unquoted-args: unquoted $@ / $* / ${@:2} anywhere in a command's arguments (bash splits and
// globs each argument again); in a command that runs, "$*" (joins all arguments into one word) and
// "text $@" (glues the first argument to the text: in `bash -c "... $@"` the arguments become code
// and $0). Quoted "$@" and "${@:2}" keep the arguments separate and are not reported; `\$@` inside a
// double-quoted `bash -c` body is not an expansion at all. Where ShellCheck reports the same
// expansion (SC2068/SC2048/SC2086/SC2145) the finding is dropped in favour of ShellCheck's (policy.ts).
import type { Node } from 'web-tree-sitter';
import type { Finding } from '../../types';
import type { WrapperRule } from './types';
import { withValue } from '../../messages';

/** '@' or '*' for an expansion of all arguments ($@, ${@}, ${@:2}, $*, ...), else undefined. */
function allArgumentsVariable(node: Node): '@' | '*' | undefined {
  if (node.type !== 'simple_expansion' && node.type !== 'expansion') return undefined;
  const name = node.children.find((c) => c?.type === 'special_variable_name')?.text;
  // ${#@} is a count, ${!@} an indirection: single words.
  if (node.children.some((c) => c?.type === '#' || c?.type === '!')) return undefined;
  return name === '@' || name === '*' ? name : undefined;
}

export const unquotedArgs: WrapperRule = ({ script }) => {
  const out: Finding[] = [];
  const seen = new Set<number>();
  const running = new Set(
    script.commands.filter((c) => script.containerCommands.includes(c) || c.node.text.startsWith('exec')),
  );
  const report = (node: Node, message: string, newText: string) => {
    if (seen.has(node.startIndex)) return;
    seen.add(node.startIndex);
    const range = script.range(node);
    out.push({
      range,
      severity: 'error',
      code: 'wrapper-unquoted-args',
      message,
      fixes: [{ title: `Use ${newText}`, edits: [{ range, newText }] }],
    });
  };
  const quotedAll = (node: Node) => `"${node.text.replace(/^\$\{?\*/, (m) => m.replace('*', '@'))}"`;
  const check = (arg: Node, runs: boolean) => {
    const unquoted = allArgumentsVariable(arg);
    if (unquoted) {
      report(
        arg,
        `${arg.text} is unquoted: arguments with spaces or * are split and globbed; pass ${quotedAll(arg)}`,
        quotedAll(arg),
      );
      return;
    }
    if (arg.type === 'string' && runs) {
      const star = arg.children.find((c): c is Node => c !== null && allArgumentsVariable(c) === '*');
      if (star) return report(arg, withValue('joins all arguments into one; pass "$@"', arg.text), '"$@"');
      const parts = arg.children.filter((c): c is Node => c !== null && c.type !== '"');
      if (parts.length > 1 && parts.some((c) => allArgumentsVariable(c) === '@')) {
        report(
          arg,
          withValue('text and $@ in one word: the first argument is glued to the text', arg.text),
          '"$@"',
        );
      }
    }
  };
  const checkWord = (arg: Node, runs: boolean) => {
    if (arg.type === 'concatenation') arg.children.forEach((c) => c && check(c, runs));
    else check(arg, runs);
  };
  for (const command of script.commands) {
    for (const arg of command.args) checkWord(arg, running.has(command));
  }
  // `for a in $@` splits too.
  for (const loop of script.loops) for (const value of loop) checkWord(value, false);
  return out;
};
