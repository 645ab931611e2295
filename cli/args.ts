// Each subcommand's options through node:util.parseArgs (strict): known options only, `multiple`
// for repeatable ones, `--flag=value` and `--flag value`, `--` ends options. parseArgs' own
// errors (ERR_PARSE_ARGS_*) become UsageErrors (exit 2). Two things parseArgs does not do are
// added here: a value may start with a dash (`--srun --account=x`, as getopt allows), and
// `stopAtFirstPositional` leaves everything from the first positional on (a script's own
// arguments) unparsed.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

function isParseArgsError(err: unknown): err is Error {
  const code: unknown = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

export function parseCommandArgs<T extends Options>(
  argv: readonly string[],
  options: T,
  { stopAtFirstPositional = false } = {},
) {
  try {
    // A lenient pass reads the words as the option table says (a string option takes the next
    // word whatever it looks like) and finds where the positionals start.
    const { tokens } = parseArgs({
      args: [...argv],
      options,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    const words: string[] = [];
    const rest: string[] = [];
    const seen = new Set<string>();
    for (const token of tokens) {
      if (token.kind === 'option-terminator' || (token.kind === 'positional' && stopAtFirstPositional)) {
        rest.push(...argv.slice(token.index + (token.kind === 'option-terminator' ? 1 : 0)));
        break;
      }
      if (token.kind === 'positional') {
        rest.push(token.value);
        continue;
      }
      const spec = options[token.name];
      if (spec?.type === 'string' && !spec.multiple) {
        if (seen.has(token.name)) throw new UsageError(`option '--${token.name}' given twice`);
        seen.add(token.name);
      }
      if (token.value === undefined) words.push(token.rawName);
      // `--name=value` can never be read as another option, so the strict pass accepts any value.
      else words.push(`--${token.name}=${token.value}`);
    }
    // The strict pass rejects unknown options, values given to flags and missing values.
    const { values } = parseArgs({ args: words, options, strict: true, allowPositionals: false });
    return { values, positionals: rest };
  } catch (err) {
    if (isParseArgsError(err)) throw new UsageError(withSuggestion(err, Object.keys(options)));
    throw err;
  }
}

/** Edit distance (insert, delete, substitute, swap of neighbours), given up above `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(
        rows[i - 1][j] + 1,
        row[j - 1] + 1,
        rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}

/** The known option closest to a mistyped one (`frmat` -> `format`, `form` -> `format`), if any is close. */
export function closestOption(name: string, known: readonly string[]): string | undefined {
  const limit = name.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const option of known) {
    const d = option.startsWith(name) && name.length >= 3 ? 0.5 : distance(name, option, limit);
    if (d < bestDistance) [best, bestDistance] = [option, d];
  }
  return best;
}

/** parseArgs' message; an unknown option close to a known one: the point first, "did you mean". */
function withSuggestion(err: Error, known: readonly string[]): string {
  const code = (err as { code?: string }).code;
  const unknown = /^Unknown option '(--?)([^'=]+)/.exec(err.message);
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !unknown) return err.message;
  const suggestion = unknown[1] === '--' ? closestOption(unknown[2], known) : undefined;
  return suggestion === undefined
    ? err.message
    : `unknown option '${unknown[1]}${unknown[2]}': did you mean --${suggestion}?`;
}
