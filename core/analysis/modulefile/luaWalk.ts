// Visits a luaparse syntax tree without recursion: `a.b.b.b...` nests as deep as it is long, and a
// recursive walk would overflow the JS stack on such a file.

/** A luaparse node, or an array or value inside one: the walk reads every key, callers narrow by `type`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a generic walk over every node shape
type LuaNode = any;

/**
 * Visits every node under ROOT in source order with its parent and the number of enclosing
 * statement lists (blocks) around it. An explicit stack, not recursion.
 */
export function walkLua(root: LuaNode, visit: (node: LuaNode, parent: LuaNode, depth: number) => void): void {
  const stack: [LuaNode, LuaNode, number][] = [[root, undefined, 0]];
  while (stack.length > 0) {
    const [node, parent, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], parent, depth]);
      continue;
    }
    if (typeof node.type !== 'string') continue;
    visit(node, parent, depth);
    const inner = node.type === 'Chunk' ? depth : 'body' in node || 'clauses' in node ? depth + 1 : depth;
    const keys = Object.keys(node).filter((key) => key !== 'loc' && key !== 'range');
    for (let i = keys.length - 1; i >= 0; i--) stack.push([node[keys[i]], node, inner]);
  }
}
