// The Lua syntax tree as luaparse builds it (typed by @types/luaparse), with the source offsets
// `ranges: true` adds to every node (the type definitions leave them out).
import * as luaparse from 'luaparse';
import type { LuaVersion } from '../env';
import { firstLuaSyntaxError } from './luaGrammar';

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

/** The first syntax error of a chunk, at an offset of its text. */
export interface SyntaxErrorAt {
  index: number;
  message: string;
}

export interface TolerantParse {
  /** The tree of the text with broken statements blanked out (offsets kept); undefined if none parses. */
  chunk: luaparse.Chunk | undefined;
  /** The text the tree was parsed from: the input with blanked statements as spaces. */
  parsedText: string;
  /** The first syntax error, as Lua reports it. */
  syntaxError?: SyntaxErrorAt;
}

/** Resynchronisation attempts: each blanks one broken statement and parses again. */
const MAX_ATTEMPTS = 8;
/** Above this size a single resynchronisation is tried (each attempt is a full parse). */
const LARGE_TEXT = 1024 * 1024;

/** Replaces [start, end) with spaces, keeping newlines, so offsets and lines stay valid. */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
}

/**
 * Parses like Lua, going on after a syntax error: the first error is reported as Lua words it
 * (Lua 5.2/5.3 rules from luaGrammar.ts: message, nesting limit), then the broken statement is
 * blanked out and the rest is parsed again, so everything outside it is still analysed.
 */
export function parseTolerant(text: string, luaVersion: LuaVersion): TolerantParse {
  // Lmod loads a modulefile's text as a string (load(), not luaL_loadfile): a first line starting
  // with '#' is not skipped, it is a syntax error there.
  let current = text;
  let first: SyntaxErrorAt | undefined;
  const attempts = text.length > LARGE_TEXT ? 2 : MAX_ATTEMPTS;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const luaRules = luaVersion === '5.3' || luaVersion === '5.2';
    let grammarError = firstLuaSyntaxError(current);
    // Lua 5.1 and LuaJIT: luaparse words the errors; the 5.3 rules still stop deep nesting first.
    if (!luaRules && grammarError && !/^too many C levels/.test(grammarError.message)) grammarError = undefined;
    if (!luaRules && grammarError) grammarError = { ...grammarError, message: 'chunk has too many syntax levels' };
    if (grammarError) {
      first ??= { index: grammarError.index, message: grammarError.message };
      if (!grammarError.recovery) break;
      current = blank(current, grammarError.recovery.start, grammarError.recovery.end);
      continue;
    }
    try {
      return { chunk: parseLua(current, luaVersion), parsedText: current, syntaxError: first };
    } catch (err) {
      const e = err as { index?: number; message?: string };
      if (err instanceof RangeError || typeof e.index !== 'number') {
        // Nesting deeper than this parser can follow (Lua 5.1 rules are not checked up front).
        first ??= { index: 0, message: 'chunk has too many syntax levels' };
        break;
      }
      first ??= { index: e.index, message: String(e.message ?? 'syntax error').replace(/^\[\d+:\d+\]\s*/, '') };
      // The broken statement's extent from the Lua rules when they see the same chunk as broken.
      const recovery = firstLuaSyntaxError(current)?.recovery;
      if (recovery) {
        current = blank(current, recovery.start, recovery.end);
        continue;
      }
      const lineStart = current.lastIndexOf('\n', e.index - 1) + 1;
      const lineEnd = current.indexOf('\n', e.index);
      const end = lineEnd === -1 ? current.length : lineEnd;
      if (!/\S/.test(current.slice(lineStart, end))) break;
      current = blank(current, lineStart, end);
    }
  }
  return { chunk: undefined, parsedText: current, syntaxError: first };
}
