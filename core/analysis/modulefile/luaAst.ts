// The Lua syntax tree as luaparse builds it (typed by @types/luaparse), with the source offsets
// `ranges: true` adds to every node (the type definitions leave them out).
import * as luaparse from 'luaparse';
import type { LuaVersion } from '../env';
import { firstLuaSyntaxError, type LuaGrammarError } from './luaGrammar';

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
  constructor(
    readonly index: number,
    message: string,
  ) {
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
  /** What the parse of an edited version of this text may reuse (see parseTolerant). */
  resumable?: ResumableParse;
}

/** The statements a tolerant parse blanked, in order, with the text that decided each. */
export interface ResumableParse {
  text: string;
  luaVersion: LuaVersion;
  blanks: readonly Blank[];
  /** The first syntax error, when `blanks` is not empty. */
  firstError?: SyntaxErrorAt;
  /** The final tree when it came from trustedParse: its unchanged statements are taken over. */
  tree?: TrustedTree;
}

/** A tree trustedParse returned, with the text it was parsed from (blanks applied). */
interface TrustedTree {
  text: string;
  chunk: luaparse.Chunk;
}

interface Blank {
  start: number;
  end: number;
  /** Offset before which the text decided this blank (Infinity: the whole text did). */
  decidedBefore: number;
}

/**
 * Tree height above which luaparse's tree is not trusted to be within Lua's limits (200 C levels,
 * see luaGrammar.ts); the bound below over-counts, so real modules stay far under it.
 */
const TRUSTED_HEIGHT = 150;

/**
 * luaparse's tree when Lua certainly accepts the text too; undefined when luaparse rejects it or
 * when Lua might not (then the Lua rules of luaGrammar.ts decide, at about the cost of a second
 * parse). What luaparse accepts and Lua does not: nesting past Lua's C-level limit, `f(, x)`, a
 * numeral that Lua's greedy lexer reads on into the next token (`5..."a"`, `x = 1a = 2`).
 * The nesting bound is the tree's height, computed as nodes are finished (children before their
 * parent): each of Lua's levels (a statement, a sub-expression) is a node under the one of the
 * level it is in, except parenthesised expressions, which luaparse leaves out; so every `(`
 * between a child and what precedes it inside its parent counts as one more level.
 */
function trustedParse(
  text: string,
  luaVersion: LuaVersion,
  earlier?: TrustedTree,
): luaparse.Chunk | undefined {
  const kept = earlier ? unchangedStatements(earlier, text) : 0;
  if (kept === 0) return trustedParseWhole(text, luaVersion);
  const body = earlier!.chunk.body;
  const from = offsetsOf(body[kept])[0];
  const rest = trustedParseWhole(text.slice(from), luaVersion, from);
  if (!rest) return undefined;
  const chunk = { ...rest, body: body.slice(0, kept).concat(rest.body) };
  (chunk as unknown as { range: [number, number] }).range = [
    offsetsOf(earlier!.chunk)[0],
    offsetsOf(rest)[1],
  ];
  return chunk;
}

/**
 * How many leading top-level statements of an earlier trusted tree `text` leaves standing, so
 * that parsing only the rest gives the tree of the whole text. luaparse ends a statement when it
 * sees the next token: a statement is kept when the whole next one is unchanged, with the
 * character after it (the lexer peeks one). At the top level nothing else carries over from one
 * statement to the next, except labels and gotos: a text with either is parsed whole. The kept
 * statements passed trustedParse's checks (nesting height, numerals, commas) within the earlier
 * tree, and those checks look no further than a statement and the character after it.
 */
function unchangedStatements(earlier: TrustedTree, text: string): number {
  const body = earlier.chunk.body;
  if (body.length < 2 || /\bgoto\b|::/.test(text)) return 0;
  const old = earlier.text;
  const same = commonPrefixLength(old, text);
  // The first statement that is not unchanged up to one character past its end.
  let lo = 0;
  let hi = body.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsetsOf(body[mid])[1] + 1 <= same) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/** Length of the longest common prefix (compared a block at a time, then by character). */
function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let same = 0;
  const BLOCK = 4096;
  while (same + BLOCK <= limit && a.slice(same, same + BLOCK) === b.slice(same, same + BLOCK)) same += BLOCK;
  while (same < limit && a.charCodeAt(same) === b.charCodeAt(same)) same++;
  return same;
}

/** `offset`: where `text` starts in the whole text (node offsets are made offsets of the whole). */
function trustedParseWhole(text: string, luaVersion: LuaVersion, offset = 0): luaparse.Chunk | undefined {
  // luaparse skips a first line starting with '#!'; Lmod's load() of the text does not.
  if (text.startsWith('#!')) return undefined;
  // A stack of finished nodes not yet adopted by a parent (`top` entries; never shrunk: cheaper).
  const starts: number[] = [];
  const ends: number[] = [];
  const heights: number[] = [];
  let top = 0;
  let suspicious = false;
  let tallest = 0;
  const onCreateNode = (node: luaparse.Node) => {
    const range = offsetsOf(node);
    const start = range[0];
    // Children: the finished nodes inside this one, the last ones on the stack.
    let first = top;
    while (first > 0 && starts[first - 1] >= start) first--;
    let height = 0;
    let gapStart = start;
    for (let i = first; i < top; i++) {
      let parens = 0;
      for (let at = gapStart; at < starts[i]; at++) if (text.charCodeAt(at) === 40 /* ( */) parens++;
      if (heights[i] + parens > height) height = heights[i] + parens;
      gapStart = ends[i];
    }
    height++;
    if (node.type === 'AssignmentStatement') height += node.variables.length;
    else if (node.type === 'NumericLiteral') suspicious ||= /[\w.]/.test(text[range[1]] ?? '');
    else if (node.type === 'CallExpression' && node.arguments.length > 0) {
      // The children's offsets are shifted already.
      suspicious ||= text
        .slice(offsetsOf(node.base)[1] - offset, offsetsOf(node.arguments[0])[0] - offset)
        .includes(',');
    }
    if (height > tallest) tallest = height;
    starts[first] = start;
    ends[first] = range[1];
    heights[first] = height;
    top = first + 1;
    if (offset !== 0) {
      // luaparse gives every node its own range array: shifting it in place touches no other node.
      (range as [number, number])[0] += offset;
      (range as [number, number])[1] += offset;
    }
  };
  let chunk: luaparse.Chunk;
  try {
    chunk = luaparse.parse(text, {
      locations: false,
      ranges: true,
      luaVersion,
      comments: false,
      onCreateNode,
    });
  } catch {
    return undefined;
  }
  return suspicious || tallest > TRUSTED_HEIGHT ? undefined : chunk;
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
 *
 * `previous` is the last parse of an earlier version of the text (an editor's document): blanks
 * decided by text that is unchanged are taken over, which spares the failing parse and the Lua
 * rules pass (a syntax error stays for many edits elsewhere in the file while someone types).
 */
export function parseTolerant(
  text: string,
  luaVersion: LuaVersion,
  previous?: ResumableParse,
): TolerantParse {
  const attempts = text.length > LARGE_TEXT ? 2 : MAX_ATTEMPTS;
  const sameVersion = previous?.luaVersion === luaVersion;
  const blanks = sameVersion ? unchangedBlanks(previous!, text).slice(0, attempts) : [];
  const earlierTree = sameVersion ? previous!.tree : undefined;
  const luaRules = luaVersion === '5.3' || luaVersion === '5.2';
  // The Lua rules' verdict on the whole text, when known before the loop (undefined: no error).
  let rulesVerdict: LuaGrammarError | undefined | 'not asked' = 'not asked';
  if (blanks.length === 0) {
    // The earlier version had a syntax error and this edit came before it (else its blank would
    // be taken over): most often the error is still there, and the Lua rules find it at about
    // half the cost of the luaparse pass that would fail on it (trusted implies Lua accepts).
    if (luaRules && previous?.firstError) rulesVerdict = firstLuaSyntaxError(text);
    // Lmod loads a modulefile's text as a string (load(), not luaL_loadfile): a first line starting
    // with '#' is not skipped, it is a syntax error there.
    const trusted =
      rulesVerdict === 'not asked' || rulesVerdict === undefined
        ? trustedParse(text, luaVersion, earlierTree)
        : undefined;
    if (trusted)
      return {
        chunk: trusted,
        parsedText: text,
        resumable: { text, luaVersion, blanks: [], tree: { text, chunk: trusted } },
      };
  }
  let current = text;
  for (const b of blanks) current = blank(current, b.start, b.end);
  // A taken-over first blank stands for the same first error (same text up to where it was decided).
  let first: SyntaxErrorAt | undefined = blanks.length > 0 ? previous!.firstError : undefined;
  const done = (chunk: luaparse.Chunk | undefined, trusted = false): TolerantParse => ({
    chunk,
    parsedText: current,
    syntaxError: first,
    resumable: {
      text,
      luaVersion,
      blanks,
      firstError: first,
      tree: chunk && trusted ? { text: current, chunk } : undefined,
    },
  });
  for (let attempt = blanks.length; attempt < attempts; attempt++) {
    // After a statement was blanked, the rest is most often valid: one trusted parse, no rules pass.
    const rest = attempt > 0 ? trustedParse(current, luaVersion, earlierTree) : undefined;
    if (rest) return done(rest, true);
    let grammarError =
      attempt === 0 && rulesVerdict !== 'not asked' ? rulesVerdict : firstLuaSyntaxError(current);
    // Lua 5.1 and LuaJIT: luaparse words the errors; the 5.3 rules still stop deep nesting first.
    if (!luaRules && grammarError && !/^too many C levels/.test(grammarError.message))
      grammarError = undefined;
    if (!luaRules && grammarError)
      grammarError = { ...grammarError, message: 'chunk has too many syntax levels' };
    if (grammarError) {
      first ??= { index: grammarError.index, message: grammarError.message };
      if (!grammarError.recovery) break;
      blanks.push({ ...grammarError.recovery, decidedBefore: grammarError.decidedBefore });
      current = blank(current, grammarError.recovery.start, grammarError.recovery.end);
      continue;
    }
    try {
      return done(parseLua(current, luaVersion));
    } catch (err) {
      const e = err as { index?: number; message?: string };
      // Lua's rules accept the text and luaparse does not (a hexadecimal float such as 0x.8p1):
      // Lua's verdict stands, there is no tree to analyse. Labels and gotos are luaparse's to check.
      if (luaRules && !/label|goto|break/.test(String(e.message))) return done(undefined);
      if (err instanceof RangeError || typeof e.index !== 'number') {
        // Nesting deeper than this parser can follow (Lua 5.1 rules are not checked up front).
        first ??= { index: 0, message: 'chunk has too many syntax levels' };
        break;
      }
      first ??= {
        index: e.index,
        message: String(e.message ?? 'syntax error')
          .replace(/^\[\d+:\d+\]\s*/, '')
          // luaparse's lexer takes the "near" part from whatever it parsed before: left out.
          .replace(/^(unexpected symbol) ('.*') near '.*'$/s, '$1 near $2'),
      };
      // The broken statement's extent from the Lua rules when they see the same chunk as broken.
      // luaparse's verdict needs the whole text: these blanks are never taken over.
      const recovery = firstLuaSyntaxError(current)?.recovery;
      if (recovery) {
        blanks.push({ ...recovery, decidedBefore: Infinity });
        current = blank(current, recovery.start, recovery.end);
        continue;
      }
      const lineStart = current.lastIndexOf('\n', e.index - 1) + 1;
      const lineEnd = current.indexOf('\n', e.index);
      const end = lineEnd === -1 ? current.length : lineEnd;
      if (!/\S/.test(current.slice(lineStart, end))) break;
      blanks.push({ start: lineStart, end, decidedBefore: Infinity });
      current = blank(current, lineStart, end);
    }
  }
  return done(undefined);
}

/**
 * The leading blanks of an earlier parse that `text` leaves standing: each was decided by text
 * before its `decidedBefore`, which `text` starts with unchanged (blanks before it are taken
 * over too, so the text the decision saw is the same).
 */
function unchangedBlanks(previous: ResumableParse, text: string): Blank[] {
  const taken: Blank[] = [];
  // Nothing to take over (most often no error at all): the texts are not compared.
  if (previous.blanks.length === 0 || previous.blanks[0].decidedBefore === Infinity) return taken;
  const same = commonPrefixLength(previous.text, text);
  for (const b of previous.blanks) {
    if (b.decidedBefore > same) break;
    taken.push(b);
  }
  return taken;
}
