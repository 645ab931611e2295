// `lumi-modules scaffold --name NAME --version VERSION --image PATH.sif --root ROOT
//   [--conda-env ENV | --no-conda] [--bindings MODULE] [--from FILE] [--template-dir DIR] [--force]`
// Exit 0: written; 1: refused to overwrite (nothing written); 2: bad input.
import { resolve } from 'node:path';
import { planScaffold, ScaffoldInputError } from '../core/scaffold/plan';
import { ScaffoldConflictError, writeScaffold } from '../core/scaffold/write';
import { shellQuote } from '../core/shell/quote';
import { booleanFlag, parseArgs, stringFlag } from './args';
import { CliIO, UsageError } from './io';

export const scaffoldUsage = `usage: lumi-modules scaffold --name NAME --version VERSION --image PATH.sif --root ROOT
                            [--conda-env ENV | --no-conda] [--bindings MODULE] [--from FILE]
                            [--template-dir DIR] [--force]`;

export async function scaffoldCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, {
    name: { type: 'string' }, version: { type: 'string' }, image: { type: 'string' }, root: { type: 'string' },
    'conda-env': { type: 'string' }, 'no-conda': { type: 'boolean' }, bindings: { type: 'string' }, from: { type: 'string' },
    'template-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' },
  });
  if (booleanFlag(args, 'help')) {
    io.stdout.write(scaffoldUsage + '\n');
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'\n${scaffoldUsage}`);
  const need = (flag: string) => {
    const v = stringFlag(args, flag);
    if (v === undefined) throw new UsageError(`--${flag} is required\n${scaffoldUsage}`);
    return v;
  };
  const [name, version, image, root] = ['name', 'version', 'image', 'root'].map(need);
  if (stringFlag(args, 'conda-env') !== undefined && booleanFlag(args, 'no-conda')) throw new UsageError('--conda-env and --no-conda exclude each other');
  const templateDir = stringFlag(args, 'template-dir');
  const fromFlag = stringFlag(args, 'from');
  try {
    const plan = planScaffold({
      name,
      version,
      image: resolve(io.cwd, image),
      root,
      condaEnv: booleanFlag(args, 'no-conda') ? false : stringFlag(args, 'conda-env'),
      bindingsModule: stringFlag(args, 'bindings'),
      templateDir: templateDir === undefined ? undefined : resolve(io.cwd, templateDir),
      from: fromFlag === undefined ? undefined : resolve(io.cwd, fromFlag),
    });
    const written = await writeScaffold(plan, { force: booleanFlag(args, 'force') });
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
