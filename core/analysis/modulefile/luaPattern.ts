// Lua's string.match for the patterns modulefiles use on paths (the generated modules find their home
// with `string.match(myFileName(), '^(.*)/modules/[^/]+/[^/]+$')`). Only the part of Lua's pattern
// language that maps one to one onto a JavaScript regular expression is translated; anything else
// (%b, %f, position captures, back references) is unknown, never guessed.

const CLASSES: Record<string, string> = {
  a: 'A-Za-z',
  d: '0-9',
  l: 'a-z',
  s: ' \\t\\n\\r\\f\\v',
  u: 'A-Z',
  w: 'A-Za-z0-9',
  x: '0-9A-Fa-f',
  p: '!-\\/:-@\\[-`{-~',
};

/** The regular expression for a Lua pattern, or undefined when the pattern uses what is not translated. */
export function luaPatternRegExp(pattern: string): RegExp | undefined {
  let out = '';
  let i = 0;
  let inSet = false;
  const escape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '%') {
      const n = pattern[i + 1];
      if (n === undefined) return undefined;
      const cls = CLASSES[n.toLowerCase()];
      if (cls !== undefined) {
        if (n === n.toLowerCase()) out += inSet ? cls : `[${cls}]`;
        else if (inSet) return undefined;
        else out += `[^${cls}]`;
      } else if (/[A-Za-z0-9]/.test(n))
        return undefined; // %b, %f, %1: not translated
      else out += escape(n);
      i += 2;
      continue;
    }
    if (inSet) {
      if (c === ']') inSet = false;
      out += c === ']' ? ']' : c === '\\' ? '\\\\' : c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inSet = true;
      out += '[';
      if (pattern[i + 1] === '^') {
        out += '^';
        i += 1;
      }
      i += 1;
      continue;
    }
    if (c === '^' && i === 0) out += '^';
    else if (c === '$' && i === pattern.length - 1) out += '$';
    else if (c === '-') out += '*?';
    else if (c === '(' && pattern[i + 1] === ')')
      return undefined; // a position capture
    else if (c === '.' || c === '*' || c === '+' || c === '?' || c === '(' || c === ')') out += c;
    else out += escape(c);
    i += 1;
  }
  if (inSet) return undefined;
  try {
    return new RegExp(out, 's');
  } catch {
    return undefined;
  }
}

/** string.match(s, pattern): the first capture (or the whole match), null when none; undefined: unknown. */
export function luaMatch(s: string, pattern: string): string | null | undefined {
  const re = luaPatternRegExp(pattern);
  if (re === undefined) return undefined;
  const m = re.exec(s);
  if (m === null) return null;
  return m.length > 1 ? (m[1] ?? undefined) : m[0];
}
