// The one place that quotes for the shell. Every user-supplied value that ends up in a shell
// command line (remote run, generated scripts, printed hints) goes through `shellQuote`.

/**
 * Quotes `value` for bash (and any POSIX sh) so it arrives as exactly one word with exactly
 * these bytes: spaces, quotes, `$(...)`, `;`, newlines and non-ASCII included.
 * Single quotes protect everything; an embedded `'` becomes `'\''`.
 * Plain words made only of safe characters are left bare for readability.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) {
    // No shell word can hold a NUL byte; refusing is better than silently truncating.
    throw new Error('a shell argument cannot contain a NUL byte');
  }
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each argument and joins them with spaces. */
export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/**
 * Quotes a path, keeping a leading `~/` meaning the remote home (as users write it in settings):
 * `~/venvs/a b` becomes `"$HOME"/'venvs/a b'`. Everything after `~/` is quoted like any value.
 */
export function shellQuotePath(path: string): string {
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"/${shellQuote(path.slice(2))}`;
  return shellQuote(path);
}
