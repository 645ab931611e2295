// Visits a luaparse syntax tree without recursion: `a.b.b.b...` nests as deep as it is long, and a
// recursive walk would overflow the JS stack on such a file.
import type * as luaparse from 'luaparse';

/** What a walk starts from: a node, a list of them, or an absent optional child. */
export type LuaWalkRoot = luaparse.Node | readonly (luaparse.Node | null | undefined)[] | null | undefined;

/**
 * Visits every node under ROOT in source order with its parent and the number of enclosing
 * statement lists (blocks) around it. An explicit stack, not recursion. Children are found by
 * reading every key of a node (typed by @types/luaparse; callers narrow by `type`).
 */
export function walkLua(
  root: LuaWalkRoot,
  visit: (node: luaparse.Node, parent: luaparse.Node | undefined, depth: number) => void,
): void {
  const stack: [unknown, luaparse.Node | undefined, number][] = [[root, undefined, 0]];
  while (stack.length > 0) {
    const [value, parent, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], parent, depth]);
      continue;
    }
    const fields = value as Record<string, unknown>;
    if (typeof fields.type !== 'string') continue;
    const node = value as luaparse.Node;
    visit(node, parent, depth);
    const inner = node.type === 'Chunk' ? depth : 'body' in node || 'clauses' in node ? depth + 1 : depth;
    const keys = Object.keys(fields).filter((key) => key !== 'loc' && key !== 'range');
    for (let i = keys.length - 1; i >= 0; i--) stack.push([fields[keys[i]], node, inner]);
  }
}
