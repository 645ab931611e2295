// Lexical view of a Lua modulefile at the cursor, tolerant of half-typed code (the parser gives
// up on it, but completion and signature help are needed exactly then).

export interface OpenCall {
  /** Called name, dotted names included (`os.getenv`). */
  name: string;
  /** 0-based index of the argument the cursor is in. */
  argIndex: number;
}

export interface LuaCursor {
  /**
   * Inside a string literal: its text before the cursor, the offset where its content starts and
   * what closes it (`"`, `'`, `]==]`).
   */
  string?: { prefix: string; contentStart: number; close: string };
  /** Identifier characters (and dots) just before the cursor, outside strings. */
  word: string;
  /** Innermost unclosed call around the cursor. */
  call?: OpenCall;
  /** What closes the brackets open at the cursor, innermost first (`))`, `})`). */
  closing: string;
}

export function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + character, text.length);
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

const identChar = /[A-Za-z0-9_.]/;

/** Scans `text` from the start to `offset` (linear), tracking strings, comments and brackets. */
export function luaCursorAt(text: string, offset: number): LuaCursor {
  type Frame = { open: string; name: string; commas: number };
  const frames: Frame[] = [];
  let i = 0;
  let stringState: { quote: string; contentStart: number } | undefined;
  const longBracketEnd = (at: number): { level: number; end: number } | undefined => {
    const m = /^\[(=*)\[/.exec(text.slice(at, at + 64));
    return m ? { level: m[1].length, end: at + m[0].length } : undefined;
  };
  while (i < offset) {
    const c = text[i];
    if (stringState) {
      if (stringState.quote.length > 1) {
        const close = text.indexOf(stringState.quote, i);
        if (close === -1 || close >= offset) break;
        i = close + stringState.quote.length;
        stringState = undefined;
        continue;
      }
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === stringState.quote || c === '\n') stringState = undefined;
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const lb = longBracketEnd(i + 2);
      if (lb) {
        const close = text.indexOf(']' + '='.repeat(lb.level) + ']', lb.end);
        i = close === -1 ? offset : close + lb.level + 2;
      } else {
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? offset : nl + 1;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      stringState = { quote: c, contentStart: i + 1 };
      i++;
      continue;
    }
    if (c === '[') {
      const lb = longBracketEnd(i);
      if (lb) {
        stringState = { quote: ']' + '='.repeat(lb.level) + ']', contentStart: lb.end };
        i = lb.end;
        continue;
      }
    }
    if (c === '(' || c === '{' || c === '[') {
      // The called name is the identifier right before `(` or `{` (Lua allows f{...}).
      let j = i - 1;
      while (j >= 0 && /\s/.test(text[j])) j--;
      let k = j;
      while (k >= 0 && identChar.test(text[k])) k--;
      frames.push({ open: c, name: c === '[' ? '' : text.slice(k + 1, j + 1), commas: 0 });
    } else if (c === ')' || c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',' && frames.length > 0) {
      frames[frames.length - 1].commas++;
    }
    i++;
  }
  const closers: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const closing = frames
    .map((f) => closers[f.open])
    .reverse()
    .join('');
  const cursor: LuaCursor = { word: '', closing };
  if (stringState) {
    cursor.string = {
      prefix: text.slice(stringState.contentStart, offset),
      contentStart: stringState.contentStart,
      close: stringState.quote,
    };
  } else {
    let k = offset - 1;
    while (k >= 0 && identChar.test(text[k])) k--;
    cursor.word = text.slice(k + 1, offset);
  }
  for (let f = frames.length - 1; f >= 0; f--) {
    const frame = frames[f];
    if (frame.open !== '[' && frame.name && /^[A-Za-z_][A-Za-z0-9_.]*$/.test(frame.name)) {
      cursor.call = { name: frame.name, argIndex: frame.commas };
      break;
    }
    if (frame.open === '(' || frame.open === '{') break;
  }
  return cursor;
}
