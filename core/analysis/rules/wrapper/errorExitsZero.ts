// wrapper-error-exits-zero: a bare `exit` right after an error message to stderr exits with the
// status of that echo, 0: srun, `python x.py && ...` and job scripts see success although the
// wrapper did nothing (LUMI's EasyBuild bin/python: "SIFPYTORCH is undefined ..." then `exit`).
import type { Node } from 'web-tree-sitter';
import type { Finding } from '../../types';
import type { WrapperRule } from './types';

/** A statement whose output goes to stderr: `>&2 echo ...`, `echo ... 1>&2`. */
function writesToStderr(statement: Node): boolean {
  const redirects =
    statement.type === 'redirected_statement'
      ? statement.childrenForFieldName('redirect')
      : statement.type === 'command'
        ? statement.childrenForFieldName('redirect')
        : [];
  return redirects.some(
    (r) => r !== null && r.type === 'file_redirect' && /^1?>&2$/.test(r.text.replace(/\s+/g, '')),
  );
}

export const errorExitsZero: WrapperRule = ({ script }) => {
  const out: Finding[] = [];
  for (const command of script.commands) {
    if (
      command.name !== 'exit' ||
      command.args.length > 0 ||
      command.node.parent?.type === 'redirected_statement'
    )
      continue;
    const previous = command.node.previousNamedSibling;
    if (!previous || !writesToStderr(previous)) continue;
    const range = script.range(command.node);
    out.push({
      range,
      severity: 'warning',
      code: 'wrapper-error-exits-zero',
      message: '`exit` after an error message exits with 0: callers see success; use exit 1',
      fixes: [{ title: 'Use exit 1', edits: [{ range, newText: 'exit 1' }] }],
    });
  }
  return out;
};
