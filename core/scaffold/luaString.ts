// The one place that escapes Lua strings: the template filler, `--from` and every generated
// line use it, so a value with `\`, quotes, newlines or control bytes stays one Lua string.

/**
 * A Lua string literal holding exactly VALUE, quoted with QUOTE (`'` unless `"` is asked for).
 * `\`, the quote, newlines and control bytes are escaped; a decimal escape is written with three
 * digits so a following digit cannot join it. Valid in Lua 5.1 to 5.4 (Lmod runs any of them).
 */
export function luaString(value: string, quote: "'" | '"' = "'"): string {
  let out = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += `\\${quote}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${String(code).padStart(3, '0')}`;
    else out += c;
  }
  return `${quote}${out}${quote}`;
}

/** The text between the quotes of `luaString(value, quote)`, for templates that hold the quotes. */
export function luaStringBody(value: string, quote: "'" | '"' = "'"): string {
  return luaString(value, quote).slice(1, -1);
}
