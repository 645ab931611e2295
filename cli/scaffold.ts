// `lumi-modules scaffold --name NAME --version VERSION --image PATH.sif --root ROOT
//   [--conda-env ENV | --no-conda] [--bindings MODULE] [--from FILE] [--template-dir DIR] [--force]`
// Exit 0: written; 1: refused to overwrite (nothing written); 2: bad input.
import { resolve } from 'node:path';
import { planScaffold, ScaffoldInputError } from '../core/scaffold/plan';
import { ScaffoldConflictError, writeScaffold } from '../core/scaffold/write';
import { shellQuote } from '../core/shell/quote';
import { parseCommandArgs } from './args';
import { CliIO, UsageError } from './io';

export const scaffoldUsage = `usage: lumi-modules scaffold --name NAME --version VERSION --image PATH.sif --root ROOT
                            [--conda-env ENV | --no-conda] [--bindings MODULE] [--from FILE]
                            [--template-dir DIR] [--force]`;

export async function scaffoldCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(argv, {
    name: { type: 'string' }, version: { type: 'string' }, image: { type: 'string' }, root: { type: 'string' },
    'conda-env': { type: 'string' }, 'no-conda': { type: 'boolean' }, bindings: { type: 'string' }, from: { type: 'string' },
    'template-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  const flags = args.values;
  if (flags.help) {
    io.stdout.write(scaffoldUsage + '\n');
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'\n${scaffoldUsage}`);
  const need = (flag: 'name' | 'version' | 'image' | 'root') => {
    const v = flags[flag];
    if (v === undefined) throw new UsageError(`--${flag} is required\n${scaffoldUsage}`);
    return v;
  };
  const [name, version, image, root] = (['name', 'version', 'image', 'root'] as const).map(need);
  if (flags['conda-env'] !== undefined && flags['no-conda']) throw new UsageError('--conda-env and --no-conda exclude each other');
  const templateDir = flags['template-dir'];
  const fromFlag = flags.from;
  try {
    const plan = planScaffold({
      name,
      version,
      image: resolve(io.cwd, image),
      root,
      condaEnv: flags['no-conda'] ? false : flags['conda-env'],
      bindingsModule: flags.bindings,
      templateDir: templateDir === undefined ? undefined : resolve(io.cwd, templateDir),
      from: fromFlag === undefined ? undefined : resolve(io.cwd, fromFlag),
    });
    const written = await writeScaffold(plan, { force: flags.force === true });
    for (const f of written) if (f.kind !== 'dir') io.stdout.write(`wrote ${f.path}\n`);
    io.stdout.write(`\nTo use it:\n  module use ${shellQuote(resolve(root, 'modules'))}\n  module load ${shellQuote(`${name}/${version}`)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldInputError) throw new UsageError(err.message);
    if (err instanceof ScaffoldConflictError) {
      io.stderr.write(`lumi-modules scaffold: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
