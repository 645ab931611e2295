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
    if (isParseArgsError(err)) throw new UsageError(err.message);
    throw err;
  }
}
