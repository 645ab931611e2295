// The value of a Lua string literal from its source text (luaparse keeps only the raw text).
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '\n': '\n',
};

export function luaStringValue(raw: string): string | undefined {
  if (raw[0] === '[') {
    const long = /^\[(=*)\[\n?([\s\S]*)\]\1\]$/.exec(raw);
    return long ? long[2] : undefined;
  }
  if (raw.length < 2 || (raw[0] !== '"' && raw[0] !== "'")) return undefined;
  const body = raw.slice(1, -1);
  if (!body.includes('\\')) return body; // no escapes: most literals
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[++i];
    if (next in ESCAPES) out += ESCAPES[next];
    else if (/\d/.test(next)) {
      const digits = /^\d{1,3}/.exec(body.slice(i))![0];
      out += String.fromCharCode(Number(digits));
      i += digits.length - 1;
    } else return undefined; // \x, \u{}, \z: rare in modulefiles; unknown rather than a guess
  }
  return out;
}
