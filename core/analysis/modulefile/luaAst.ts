// The Lua syntax tree as luaparse builds it (typed by @types/luaparse), with the source offsets
// `ranges: true` adds to every node (the type definitions leave them out).
import * as luaparse from 'luaparse';
import type { LuaVersion } from '../env';

/** Parses a whole chunk; throws luaparse's SyntaxError (with `index`) on invalid Lua. */
export function parseLua(text: string, luaVersion: LuaVersion): luaparse.Chunk {
  return luaparse.parse(text, { locations: false, ranges: true, luaVersion, comments: false });
}

/** Start and end offsets of a node in the parsed text. */
export function offsetsOf(node: luaparse.Node): readonly [number, number] {
  return (node as luaparse.Node & { range: [number, number] }).range;
}

/** `os.getenv(...)`: nil when the variable is unset. */
export function isGetenvCall(node: luaparse.Node | null | undefined): node is luaparse.CallExpression {
  return (
    node?.type === 'CallExpression' &&
    node.base.type === 'MemberExpression' &&
    node.base.base.type === 'Identifier' &&
    node.base.base.name === 'os' &&
    node.base.identifier.name === 'getenv'
  );
}

/** A syntax error luaparse lets through but Lua rejects (found while walking the tree). */
export class LuaSyntaxError extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
  }
}
