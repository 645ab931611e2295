// Messages name paths and expressions, never what was read: a value that came from the process
// environment (not given with `--env` / `lumiModules.env`) is shown as `$NAME`, a file's text read
// by `capture('cat F')` as `$(cat F)`. A CI log of `lumi-modules check` then shows no secret.

/** A piece of a resolved value that a message must not show, and what it shows instead. */
export interface HiddenValue {
  value: string;
  shownAs: string;
}

/**
 * The forms a hidden value can take inside a resolved path (pathJoin collapses slashes), without
 * trailing slashes so that `$NAME/sif` keeps the slash that follows the name.
 */
function forms(value: string): string[] {
  const trim = (v: string) => v.replace(/\/+$/, '');
  return [...new Set([trim(value), trim(value.replace(/\/+/g, '/'))])].filter((f) => f !== '');
}

/** VALUE as a message may show it: every occurrence of a hidden value replaced by its name. */
export function renderValue(value: string, hidden: readonly HiddenValue[]): string {
  // Longest first, so a captured text holding an environment value is replaced as a whole.
  const pairs = hidden.flatMap((h) => forms(h.value).map((form) => ({ form, shownAs: h.shownAs })));
  pairs.sort((a, b) => b.form.length - a.form.length);
  let out = value;
  for (const { form, shownAs } of pairs) out = out.split(form).join(shownAs);
  return out;
}
