// What the wrapper rules need from a bash syntax tree, computed in one walk: the commands (with
// `exec`/`command` prefixes looked through), the container-starting command, tests, expansions.
import type { Node } from 'web-tree-sitter';
import { SourceMap } from '../modulefile/source';
import type { Range } from '../types';
import { parseBash } from './parser';

export interface ShellCommand {
  node: Node;
  /** Command name and arguments after `exec`/`command`/`env` prefixes. */
  name: string;
  args: Node[];
}

export interface WrapperScript {
  text: string;
  source: SourceMap;
  /** The script with comments blanked out (same offsets). */
  code: string;
  commands: ShellCommand[];
  /** `singularity|apptainer exec|run ...` (also through a variable such as "$runtime"). */
  containerCommands: ShellCommand[];
  /** Text of every test: [ ], [[ ]], test, and ${X:?} / ${X:-} expansions inside conditions. */
  tests: string[];
  /**
   * Names of variables expanded anywhere, including inside single-quoted strings and as `\$NAME` in
   * double-quoted ones.
   */
  expandedVariables: Set<string>;
  /** The value words of each `for NAME in WORDS` loop. */
  loops: Node[][];
  /** `NAME=value` assignments with a literal value (quotes removed), the last one of each name. */
  assignments: Map<string, string>;
  range(node: Node): Range;
  /** Frees the wasm tree: nodes are invalid afterwards. */
  dispose(): void;
}

const PREFIXES = new Set(['exec', 'command', 'env', 'nohup', 'time']);
/** Launchers that start the runtime on each task (`srun singularity exec ...`): looked through. */
const LAUNCHERS = new Set(['srun', 'mpirun', 'mpiexec']);
// The runtime by name, or a variable named for it (`$SINGULARITY_BIN`, `"${runtime}"`).
const RUNTIME_VARIABLE =
  'SINGULARITY|APPTAINER|RUNTIME|runtime|singularity|apptainer|SING_BIN|SINGULARITY_BIN';
const QUOTED_RUNTIME_VARIABLE = 'runtime|RUNTIME|SINGULARITY|singularity|APPTAINER|apptainer';
const RUNTIMES = new RegExp(
  `^(singularity|apptainer)$|^\\$\\{?(${RUNTIME_VARIABLE})\\w*\\}?$|` +
    `^"\\$\\{?\\w*(${QUOTED_RUNTIME_VARIABLE})\\w*\\}?"$`,
);

function unquote(word: string): string {
  return word.replace(/^["']|["']$/g, '');
}

/** `text` with the given [start, end) ranges replaced by spaces (same offsets). */
function blankRanges(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at) continue;
    parts.push(text.slice(at, start), ' '.repeat(end - start));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

export function readWrapper(text: string): WrapperScript {
  const source = new SourceMap(text);
  const tree = parseBash(text);
  const commands: ShellCommand[] = [];
  const tests: string[] = [];
  const expandedVariables = new Set<string>();
  const loops: Node[][] = [];
  const assignments = new Map<string, string>();
  // Comment extents, blanked in one pass at the end (rebuilding the text per comment is quadratic).
  const comments: [number, number][] = [];
  const stack: Node[] = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.type) {
      case 'comment':
        comments.push([node.startIndex, node.endIndex]);
        continue;
      case 'test_command':
        tests.push(node.text);
        break;
      case 'simple_expansion':
      case 'expansion': {
        const m = /^\$\{?[#!]?([A-Za-z_][A-Za-z0-9_]*|[@*#?$!0-9])/.exec(node.text);
        if (m) expandedVariables.add(m[1]);
        if (/^\$\{\w+:?[?]/.test(node.text)) tests.push(node.text);
        break;
      }
      case 'variable_assignment': {
        const name = node.childForFieldName('name')?.text;
        const value = node.childForFieldName('value');
        if (name && value && /^(word|raw_string|string)$/.test(value.type) && !/[$`]/.test(value.text))
          assignments.set(name, value.text.replace(/^["']|["']$/g, ''));
        break;
      }
      case 'for_statement':
        loops.push(node.childrenForFieldName('value').filter((c): c is Node => c !== null));
        break;
      case 'string_content':
        // `bash -c "\$WITH_CONDA ..."`: escaped on the host, expanded by the inner shell.
        for (const m of node.text.matchAll(/\\\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) expandedVariables.add(m[1]);
        break;
      case 'raw_string':
        // Single-quoted code for `bash -c '...'` expands later, inside the container.
        for (const m of node.text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) expandedVariables.add(m[1]);
        break;
      case 'command': {
        const nameNode = node.childForFieldName('name');
        const argNodes = node.children.filter(
          (c): c is Node =>
            c !== null &&
            c.id !== nameNode?.id &&
            c.type !== 'variable_assignment' &&
            !c.type.endsWith('redirect'),
        );
        let words = nameNode ? [nameNode, ...argNodes] : argNodes;
        while (words.length > 1 && PREFIXES.has(words[0].text)) {
          words = words.slice(1);
          if (words[0].text === '-a' && words.length > 2) words = words.slice(2); // exec -a NAME
        }
        if (words.length > 1 && LAUNCHERS.has(words[0].text)) {
          const runtime = words.findIndex((w) => RUNTIMES.test(w.text));
          if (runtime > 0) words = words.slice(runtime);
        }
        if (words.length > 0) {
          const name = words[0].text;
          if (name === 'test' || name === '[') tests.push(node.text);
          commands.push({ node, name, args: words.slice(1) });
        }
        break;
      }
    }
    // One call for all children: child(i) walks from the first child each time (quadratic).
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
  commands.sort((a, b) => a.node.startIndex - b.node.startIndex);
  const code = blankRanges(text, comments);
  const containerCommands = commands.filter(
    (c) => RUNTIMES.test(c.name) && c.args.some((a) => ['exec', 'run'].includes(unquote(a.text))),
  );
  return {
    text,
    source,
    code,
    commands,
    containerCommands,
    tests,
    expandedVariables,
    loops,
    assignments,
    range: (n) => source.range(n.startIndex, n.endIndex),
    dispose: () => tree.delete(),
  };
}
