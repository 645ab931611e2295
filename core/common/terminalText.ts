// Text for a terminal or a CI log, from names and values we did not write: control characters are
// escaped (as `ls -b` and Git's quoting do), so a file name or a resolved value can neither send an
// escape sequence (retitle the terminal, clear the screen) nor start a new line that looks like a
// finding. Bidirectional overrides are escaped too: they reorder what a reader sees.

const C_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
};

// C0, DEL, C1, the line and paragraph separators, and the bidi embeddings/overrides/isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const known = C_ESCAPES[c];
  if (known) return known;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/** `text` with every control character written as a C escape (`\n`, `\x1b`, `\u202e`). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** Whether `text` has a character escapeControl would escape. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

/**
 * A file name for a terminal, as Git quotes paths: as it is when it holds no control character,
 * backslash or double quote; else in double quotes with those escaped, so the reader can tell an
 * escape from a name that holds a backslash.
 */
export function quoteFileName(name: string): string {
  if (!hasControl(name) && !/["\\]/.test(name)) return name;
  return `"${name.replace(/["\\]/g, '\\$&').replace(CONTROL, escapeOne)}"`;
}
