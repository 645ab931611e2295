// What a value does when a script runs it as a command by expansion, `$WITH_CONDA` without eval.
// bash parses a command before it expands it: the expansion's result is only split into words (at
// IFS, blanks and newlines by default) and globbed, never parsed again; quote removal applies to the
// quotes of the original word only (bash(1), EXPANSION). So `source /opt/miniconda3/bin/activate ENV`
// runs as it would under eval, while in `source .../conda.sh && conda activate ENV` the `&&` is an
// argument of source. Quoted, `"$WITH_CONDA"` is not even split: the whole value is the command name.
// test/unit/with-conda-values.test.ts holds this to bash, each value run both ways.

/** Words bash gives meaning to only where it parses a command's first word. */
const RESERVED = new Set([
  '!',
  '[[',
  ']]',
  'case',
  'coproc',
  'do',
  'done',
  'elif',
  'else',
  'esac',
  'fi',
  'for',
  'function',
  'if',
  'in',
  'select',
  'then',
  'time',
  'until',
  'while',
  '{',
  '}',
]);

/** Each a piece of syntax a parse gives meaning to, as the finding's docs name it. */
const PARSED: readonly [RegExp, (m: string) => string][] = [
  // Control and redirection operators (bash(1), DEFINITIONS: metacharacters).
  [/[|&;()<>]+/, (m) => m],
  // Quoting: under eval removed, in an expansion kept as characters.
  [/['"\\]/, (m) => m],
  // Parameter expansion and command substitution are not done again.
  [/\$|`/, (m) => m],
  // A newline between two commands separates them under eval; in an expansion it is a blank.
  [/\S[ \t]*\n\s*\S/, () => 'a newline'],
  // A comment, a tilde: only at a word's start, only in a parse.
  [/(?:^|[ \t\n])[#~]/, (m) => m.trim()],
  // Brace expansion comes before parameter expansion, so not on its result.
  [/\{[^{}\s]*(?:,|\.\.)[^{}\s]*\}/, (m) => m],
];

/**
 * The first piece of shell syntax that `value`, run as a command by expansion without eval, does
 * not act on (`&&`, `;`, a quote, `$(`, ...), so that the command differs from `eval "$value"`; else
 * undefined (one simple command, or nothing). `quoted`: the expansion is `"$NAME"`, not split at all.
 */
export function syntaxLostUnevaluated(value: string, quoted = false): string | undefined {
  for (const [pattern, name] of PARSED) {
    const m = pattern.exec(value);
    if (m) return name(m[0]);
  }
  const words = value.split(/[ \t\n]+/).filter((w) => w !== '');
  // Quoted, an empty value is a command named '' (not found); unquoted, no command at all.
  if (words.length === 0) return quoted ? 'an empty command name' : undefined;
  // An assignment before the command, or a reserved word, is recognised before expansion only.
  if (/^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(words[0])) return `${words[0].split('=')[0]}=`;
  if (RESERVED.has(words[0])) return words[0];
  if (quoted) {
    // Neither split into words nor globbed: one command name.
    if (words.length > 1 || /^\s|\s$/.test(value)) return 'a blank';
    if (/[*?[]/.test(value)) return /[*?[]/.exec(value)![0];
  }
  return undefined;
}
