// A small strict argument parser shared by the subcommands: known flags only, repeatable flags,
// `--flag=value` and `--flag value`, `--` ends options. Errors are UsageErrors (exit 2).
import { UsageError } from './io';

export interface FlagSpec {
  /** 'boolean' takes no value; 'string' takes one; 'list' takes one and may repeat. */
  type: 'boolean' | 'string' | 'list';
}

export interface ParsedArgs {
  flags: Map<string, string | string[] | true>;
  positionals: string[];
}

export function parseArgs(
  argv: readonly string[],
  spec: Record<string, FlagSpec>,
  options: { stopAtFirstPositional?: boolean } = {},
): ParsedArgs {
  const flags = new Map<string, string | string[] | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
      positionals.push(arg);
      if (options.stopAtFirstPositional) {
        positionals.push(...argv.slice(i + 1));
        break;
      }
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown option '--${name}'`);
    if (flag.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`option '--${name}' takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' needs a value`);
      value = argv[++i];
    }
    if (flag.type === 'list') {
      const list = (flags.get(name) as string[] | undefined) ?? [];
      list.push(value);
      flags.set(name, list);
    } else {
      if (flags.has(name)) throw new UsageError(`option '--${name}' given twice`);
      flags.set(name, value);
    }
  }
  return { flags, positionals };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.flags.get(name);
  return Array.isArray(v) ? v : [];
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}
