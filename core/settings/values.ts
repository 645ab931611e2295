// How a setting's value reads once the schema has checked it: the one rule for "blank means unset"
// of the run and submit settings (core/remote/settings.ts, core/slurm/settings.ts).

/**
 * A text setting's value without surrounding whitespace, undefined when nothing is left: a host alias,
 * an account, a path or a preamble typed in the Settings editor never means its leading or trailing
 * blanks (a stray space or newline would make `ssh ' lumi'` or `cd 'dir '` fail), and a blank one is
 * as good as unset.
 */
export function nonBlank(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed !== '' ? trimmed : undefined;
}

/** A list setting without its empty items (an item added in the Settings editor and left empty). */
export function nonEmpty(list: readonly string[]): string[] {
  return list.filter((item) => item !== '');
}
