// wrapper-with-conda-not-evaluated: $WITH_CONDA run as a command instead of `eval "$WITH_CONDA"`,
// where its value is shell code (`source .../conda.sh && conda activate env`): expanded as a command,
// the `&&` is a plain word passed to `source`, so `conda activate` never runs. Plain in the wrapper,
// or inside the code of `bash -c '...'` / `bash -c "...\$WITH_CONDA..."` (CSC's wrapper uses eval).
// The code may come through a host variable, as in the seed user's wrapper: `CMD="\$WITH_CONDA && "`
// then `bash -c "$CMD python ..."`: the variable's assigned text stands in for its expansion.
// Which values need eval is bash's grammar (wrapper/expandedCommand.ts): the value each module on
// PATH gives WITH_CONDA decides; one simple command (`source /opt/miniconda3/bin/activate ENV`)
// runs unevaluated just as well. A value not folded is taken to need eval. When no module on PATH
// sets it, the image does: not in a wrapper of a LUMI EasyBuild container module, whose images set
// it to one command (LUMI's own scripts and image recipes run it so), in any other wrapper.
import type { Node } from 'web-tree-sitter';
import type { Finding, Fix } from '../../types';
import { isLumiEasyBuildWrapper } from '../../wrapper/convention';
import { syntaxLostUnevaluated } from '../../wrapper/expandedCommand';
import { readWrapper, type WrapperScript } from '../../wrapper/script';
import type { WrapperRule } from './types';

const WITH_CONDA_COMMAND = /^"?\$\{?WITH_CONDA\}?"?$/;
const MESSAGE =
  '$WITH_CONDA runs as a command, not evaluated: conda activate never runs; use eval "$WITH_CONDA"';

/** Host variables assigned in the script: name -> the assignment's value nodes (strings and words). */
type Assignments = Map<string, Node[]>;

function assignmentsOf(root: Node): Assignments {
  const out: Assignments = new Map();
  for (const a of root.descendantsOfType('variable_assignment')) {
    const name = a?.childForFieldName('name')?.text;
    const value = a?.childForFieldName('value');
    if (!name || !value) continue;
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** The name a `$NAME` / `${NAME}` expansion node expands, when it is that plain. */
function expandedName(node: Node): string | undefined {
  if (node.type !== 'simple_expansion' && node.type !== 'expansion') return undefined;
  if (node.namedChildCount !== 1 || node.namedChildren[0]?.type !== 'variable_name') return undefined;
  return node.namedChildren[0].text;
}

/**
 * The code an inner `bash -c` gets: a single-quoted body as is; a double-quoted one after the host's
 * unescaping, a host variable assigned once in the script replaced by its assigned text. Each other
 * host expansion is a plain word: its value is unknown here.
 */
function innerCode(body: Node, assignments: Assignments, depth = 0): string | undefined {
  if (body.type === 'raw_string') return body.text.slice(1, -1);
  if (body.type === 'word') return body.text;
  if (body.type !== 'string') return undefined;
  return body.children
    .filter((c): c is Node => c !== null && c.type !== '"')
    .map((c) => {
      if (c.type === 'string_content') return c.text.replace(/\\([$`"\\\n])/g, '$1');
      const values = assignments.get(expandedName(c) ?? '');
      const value = values && depth < 3 ? builtValue(values, assignments, depth + 1) : undefined;
      return value ?? 'HOST_VALUE';
    })
    .join('');
}

/**
 * A host variable's text where it is expanded: one assignment's; or, built up (`CMD=""`, in a branch
 * `CMD="\$WITH_CONDA && "`, then `CMD+="exec python"`), the one `=` that mentions WITH_CONDA followed
 * by every later `+=`, the path on which bash runs it. Several such paths: not known.
 */
function builtValue(values: readonly Node[], assignments: Assignments, depth: number): string | undefined {
  if (values.length === 1) return innerCode(values[0], assignments, depth);
  const appends = values.map((v) => /^[^=]*\+=/.test(v.parent?.text ?? ''));
  // A later `=` that runs whenever the earlier one did (`CMD="\$WITH_CONDA && "` then `CMD=""`)
  // replaces it: no path starts there.
  const replaced = (i: number) => values.some((v, j) => j > i && !appends[j] && runsWhenever(v, values[i]));
  const paths = values
    .map((v, i) =>
      appends[i] || replaced(i)
        ? undefined
        : [v, ...values.slice(i + 1).filter((_, j) => appends[i + 1 + j])],
    )
    .filter((p): p is Node[] => p !== undefined)
    .map((p) => p.map((v) => innerCode(v, assignments, depth) ?? 'HOST_VALUE').join(''))
    .filter((text) => /WITH_CONDA/.test(text));
  return paths.length === 1 ? paths[0] : undefined;
}

/** Constructs whose body may not run: branches, loops, functions, subshells, `a && b` lists. */
const CONDITIONAL = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'case_item',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'function_definition',
  'subshell',
  'list',
  'pipeline',
]);

function conditionalAncestors(node: Node): number[] {
  const out: number[] = [];
  for (let p = node.parent; p; p = p.parent) if (CONDITIONAL.has(p.type)) out.push(p.id);
  return out;
}

/** Whether `later` runs whenever `earlier` ran: inside no construct that does not hold `earlier` too. */
function runsWhenever(later: Node, earlier: Node): boolean {
  const held = new Set(conditionalAncestors(earlier));
  return conditionalAncestors(later).every((id) => held.has(id));
}

/** Where `\$WITH_CONDA` (escaped in a double-quoted host string) runs as a command: the text to replace. */
const ESCAPED_COMMAND = /(^"?|&&|;|\|\||\n)(\s*)(\\\$\{?WITH_CONDA\}?)(?=\s|$)/;

/**
 * The quick fix for a body (or the assignment feeding it): `eval "$WITH_CONDA"` written for the
 * double-quoted host string it is in. Offered when there is one such place.
 */
function evalFix(script: WrapperScript, body: Node, assignments: Assignments): Fix | undefined {
  const places = [
    body,
    ...body.children.flatMap((c) => assignments.get(c ? (expandedName(c) ?? '') : '') ?? []),
  ];
  for (const place of places) {
    if (place.type !== 'string') continue;
    const m = ESCAPED_COMMAND.exec(place.text);
    if (!m) continue;
    const start = place.startIndex + m.index + m[1].length + m[2].length;
    const range = script.source.range(start, start + m[3].length);
    return {
      title: 'Use eval "$WITH_CONDA" in the command string',
      edits: [{ range, newText: 'eval \\"\\$WITH_CONDA\\"' }],
    };
  }
  return undefined;
}

/** Whether WITH_CONDA's value fails when run as this command name (`$WITH_CONDA` or `"$WITH_CONDA"`). */
type FailsAsCommand = (name: string) => boolean;

/** Whether code (parsed with the real bash grammar) runs $WITH_CONDA as a command where that fails. */
function runsWithCondaAsCommand(code: string, fails: FailsAsCommand): boolean {
  if (!/WITH_CONDA/.test(code)) return false;
  const inner = readWrapper(code);
  try {
    const root = inner.commands[0]?.node.tree.rootNode;
    const assignments = root ? assignmentsOf(root) : new Map<string, Node[]>();
    return (
      inner.commands.some((c) => WITH_CONDA_COMMAND.test(c.name) && fails(c.name)) ||
      inner.commands.some(
        (c) =>
          !PRINTS.test(c.name) && bashCBodies(c.args).some((b) => bodyRunsWithConda(b, assignments, fails)),
      )
    );
  } finally {
    inner.dispose();
  }
}

function bodyRunsWithConda(body: Node, assignments: Assignments, fails: FailsAsCommand): boolean {
  const code = innerCode(body, assignments);
  return code !== undefined && runsWithCondaAsCommand(code, fails);
}

/**
 * Whether some module's value fails as that command: unknown, or with shell syntax bash does not act
 * on in an expansion. No module: the image's value, unknown.
 */
function failsAsCommand(modules: readonly string[], values?: ReadonlyMap<string, string>): FailsAsCommand {
  if (modules.length === 0) return () => true;
  return (name) =>
    modules.some((m) => {
      const value = values?.get(m);
      return value === undefined || syntaxLostUnevaluated(value, name.startsWith('"')) !== undefined;
    });
}

/** Commands that print their words: `echo ... bash -c "$CMD"` shows the command, it runs nothing. */
const PRINTS = /^(echo|printf)$/;

/** The `-c` bodies of `bash -c BODY` / `sh -c BODY` among a command's words. */
function bashCBodies(words: readonly Node[]): Node[] {
  const out: Node[] = [];
  for (let i = 1; i + 1 < words.length; i++) {
    if (words[i].text === '-c' && /^(\S*\/)?(bash|sh)$/.test(words[i - 1].text)) out.push(words[i + 1]);
  }
  return out;
}

export const withCondaNotEvaluated: WrapperRule = ({ script, modulesSettingWithConda, withCondaValues }) => {
  const out: Finding[] = [];
  if (modulesSettingWithConda.length === 0 && isLumiEasyBuildWrapper(script)) return out;
  const fails = failsAsCommand(modulesSettingWithConda, withCondaValues);
  const root = script.commands[0]?.node.tree.rootNode;
  const assignments = root ? assignmentsOf(root) : new Map<string, Node[]>();
  for (const command of script.commands) {
    if (WITH_CONDA_COMMAND.test(command.name)) {
      if (!fails(command.name)) continue;
      const nameNode = command.node.childForFieldName('name') ?? command.node;
      const range = script.range(nameNode);
      out.push({
        range,
        severity: 'warning',
        code: 'wrapper-with-conda-not-evaluated',
        message: MESSAGE,
        fixes: [{ title: 'Use eval "$WITH_CONDA"', edits: [{ range, newText: 'eval "$WITH_CONDA"' }] }],
      });
      continue;
    }
    if (PRINTS.test(command.name)) continue;
    for (const body of bashCBodies([
      command.node.childForFieldName('name') ?? command.node,
      ...command.args,
    ])) {
      if (bodyRunsWithConda(body, assignments, fails)) {
        const fix = evalFix(script, body, assignments);
        out.push({
          range: script.range(body),
          severity: 'warning',
          code: 'wrapper-with-conda-not-evaluated',
          message:
            'in bash -c, $WITH_CONDA runs as a command: conda activate never runs; use eval "$WITH_CONDA"',
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  }
  return out;
};
