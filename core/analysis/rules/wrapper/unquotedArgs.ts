// wrapper-unquoted-args: $@ / $* unquoted, or "$*", in the command that runs: arguments with
// spaces or glob characters are split or expanded on the way into the container.
import type { Node } from 'web-tree-sitter';
import type { Finding } from '../../types';
import type { WrapperRule } from './types';

const UNQUOTED = new Set(['$@', '$*', '${@}', '${*}']);
const QUOTED_ALL = new Set(['"$@"', '"${@}"']);

export const unquotedArgs: WrapperRule = ({ script }) => {
  const out: Finding[] = [];
  const running = script.commands.filter((c) => script.containerCommands.includes(c) || c.node.text.startsWith('exec'));
  for (const command of running) {
    const check = (arg: Node) => {
      // Inside a longer double-quoted string, $@ and $* glue the arguments into that one word.
      const inString = arg.type === 'string' && (/\$\{?\*/.test(arg.text) || (/\$\{?@/.test(arg.text) && !QUOTED_ALL.has(arg.text)));
      const bad = UNQUOTED.has(arg.text) || inString;
      if (!bad) return;
      const range = script.range(arg);
      out.push({
        range,
        severity: 'error',
        code: 'wrapper-unquoted-args',
        message: `${arg.text} ${arg.type === 'string' ? 'joins all arguments into one' : 'is unquoted: arguments with spaces or * are split and globbed'}; pass "$@"`,
        fixes: [{ title: 'Use "$@"', edits: [{ range, newText: '"$@"' }] }],
      });
    };
    for (const arg of command.args) {
      if (arg.type === 'concatenation') arg.children.forEach((c) => c && check(c));
      else check(arg);
    }
  }
  return out;
};
