// `lumi-modules scaffold --name NAME --version VERSION --image PATH.sif --root ROOT
//   [--conda-env ENV | --no-conda] [--bindings MODULE] [--from FILE] [--template-dir DIR]
//   [--style csc|laif|easybuild] [--persistent] [--allow-missing-image] [--force]`
// Exit 0: written (or everything already there); 1: refused (a differing file, or a --from module
// with errors the checker cannot fix, without --force; nothing written); 2: bad input (nothing written).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { dirname } from 'node:path';
import { inUserWords, ScaffoldWriteError } from '../core/scaffold/errors';
import {
  defaultStyle,
  planScaffold,
  scaffoldNotes,
  ScaffoldInputError,
  STYLES,
  type ScaffoldOptions,
  type ScaffoldStyle,
} from '../core/scaffold/plan';
import { repairFromPlan, ScaffoldFromError } from '../core/scaffold/repair';
import {
  ScaffoldBlockedError,
  ScaffoldConflictError,
  withScaffoldLock,
  writeScaffold,
} from '../core/scaffold/write';
import { shellQuote } from '../core/shell/quote';
import { parseCommandArgs } from './args';
import { CliIO, UsageError } from './io';

export const scaffoldUsage = `usage: lumi-modules scaffold --name NAME --version VERSION --image PATH.sif
                            --root ROOT [--conda-env ENV | --no-conda] [--bindings MODULE] [--from FILE]
                            [--template-dir DIR] [--style csc|laif|easybuild] [--persistent]
                            [--allow-missing-image] [--force]
--style: csc (CSC's pattern), laif (a LUMI AI Factory image: lumi-aif-singularity-bindings, the
image's /opt/venv, no conda) or easybuild (like LUMI's EasyBuild container modules: SIF, SIF<NAME>,
SINGULARITY_BIND, CONTAINERROOT, run scripts in ROOT/runscripts); default laif for lumi-multitorch-*
images, easybuild for images under .../easybuild-sif-images/, else csc.
--persistent also writes bin/container-start and bin/container-stop: between them, python, pip, ...
run in one container instance (per Slurm job step and task, or per user outside a job) instead of
starting a new container each time; without a running instance they start one as before.
Relative paths are taken from the current directory. Files already there and byte-identical are
reused; a differing file is refused (exit 1, with a short diff) unless --force, which keeps the
old one as FILE.~N~. --allow-missing-image links an image that is copied there later.
--from applies the checker's one-edit quick fixes (a typo'd Lmod function) and lists them; other
errors in the rewritten module refuse it (exit 1) unless --force.`;

export async function scaffoldCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(argv, {
    name: { type: 'string' },
    version: { type: 'string' },
    image: { type: 'string' },
    root: { type: 'string' },
    'conda-env': { type: 'string' },
    'no-conda': { type: 'boolean' },
    bindings: { type: 'string' },
    from: { type: 'string' },
    'template-dir': { type: 'string' },
    style: { type: 'string' },
    persistent: { type: 'boolean' },
    'allow-missing-image': { type: 'boolean' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const values: Record<string, string | boolean | undefined> = args.values;
  const stringFlag = (flag: string) =>
    typeof values[flag] === 'string' ? (values[flag] as string) : undefined;
  const booleanFlag = (flag: string) => values[flag] === true;
  if (booleanFlag('help')) {
    io.stdout.write(scaffoldUsage + '\n');
    return 0;
  }
  if (args.positionals.length > 0)
    throw new UsageError(`unexpected argument '${args.positionals[0]}'\n${scaffoldUsage}`);
  const need = (flag: string) => {
    const v = stringFlag(flag);
    if (v === undefined) throw new UsageError(`--${flag} is required\n${scaffoldUsage}`);
    return v;
  };
  const [name, version, imageFlag, rootFlag] = ['name', 'version', 'image', 'root'].map(need);
  if (stringFlag('conda-env') !== undefined && booleanFlag('no-conda'))
    throw new UsageError('--conda-env and --no-conda exclude each other');
  // Every path flag is taken from the current directory, the same way.
  const path = (flag: string) => {
    const v = stringFlag(flag);
    if (v === '') throw new UsageError(`--${flag} is empty`);
    return v === undefined ? undefined : resolve(io.cwd, v);
  };
  const image = resolve(io.cwd, imageFlag);
  const root = rootFlag === '' ? '' : resolve(io.cwd, rootFlag);
  const allowMissingImage = booleanFlag('allow-missing-image');
  const fromFlag = stringFlag('from');
  const styleFlag = stringFlag('style');
  if (styleFlag !== undefined && !STYLES.includes(styleFlag as ScaffoldStyle))
    throw new UsageError(`--style must be one of ${STYLES.join(', ')}`);
  try {
    const options: ScaffoldOptions = {
      name,
      version,
      image,
      root,
      condaEnv: booleanFlag('no-conda') ? false : stringFlag('conda-env'),
      bindingsModule: stringFlag('bindings'),
      templateDir: path('template-dir'),
      from: path('from'),
      allowMissingImage,
      style: styleFlag as ScaffoldStyle | undefined,
      persistent: booleanFlag('persistent'),
    };
    // One scaffold at a time plans, checks and writes a project home (core/scaffold/write.ts).
    const work = async () => {
      const plan = planScaffold(options);
      for (const note of scaffoldNotes(options)) io.stderr.write(`note: ${note}\n`);
      const fixed =
        fromFlag === undefined
          ? []
          : await repairFromPlan(plan, root, booleanFlag('force'), allowMissingImage);
      const result = await writeScaffold(plan, { force: booleanFlag('force'), root });
      return { fixed, plan, result };
    };
    const { fixed, plan, result } = root === '' ? await work() : await withScaffoldLock(root, work);
    for (const f of fixed) io.stdout.write(`fixed ${plan[0].path} ${f}\n`);
    for (const p of result.removedTemps) io.stdout.write(`removed ${p} (left by an interrupted run)\n`);
    for (const f of result.reused) io.stdout.write(`kept ${f.path} (already the same)\n`);
    for (const b of result.backups) io.stdout.write(`backed up ${b.path} as ${b.backup}\n`);
    for (const f of result.written) io.stdout.write(`wrote ${f.path}\n`);
    if (allowMissingImage && !imageExists(image))
      io.stdout.write(
        `\nNote: the image ${image} does not exist yet: copy it there before loading the module.\n`,
      );
    io.stdout.write(
      '\n' +
        choices(plan[0]?.content ?? '', {
          style:
            fromFlag !== undefined
              ? 'from --from'
              : (styleFlag ?? `${defaultStyle(image)} (from the image path)`),
          condaChosen: stringFlag('conda-env') !== undefined || booleanFlag('no-conda'),
          image,
        }),
    );
    io.stdout.write(
      `\nTo use it:\n  module use ${shellQuote(dirname(dirname(plan[0].path)))}\n` +
        `  module load ${shellQuote(`${name}/${version}`)}\n`,
    );
    return 0;
  } catch (caught) {
    const err = inUserWords(caught);
    if (err instanceof ScaffoldInputError) throw new UsageError(err.message);
    // The home could not be written (read-only, full, busy): not bad input; nothing is left written.
    if (err instanceof ScaffoldWriteError) {
      io.stderr.write(`lumi-modules scaffold: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ScaffoldBlockedError) throw new UsageError(`nothing written:\n${err.message}`);
    if (err instanceof ScaffoldFromError) {
      io.stderr.write(`lumi-modules scaffold: ${err.message}\nNothing written.\n`);
      return 1;
    }
    if (err instanceof ScaffoldConflictError) {
      io.stderr.write(`lumi-modules scaffold: ${err.message}\n${err.diffs.join('\n')}\nNothing written.\n`);
      return 1;
    }
    throw err;
  }
}

function imageExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * What the written module chose, read from its text (what was written is what counts): the style,
 * the conda env of WITH_CONDA or the venv, the bindings module.
 */
function choices(module: string, o: { style: string; condaChosen: boolean; image: string }): string {
  const conda = /conda activate ([^"'\s)]+)/.exec(module)?.[1];
  const venv = /\/opt\/venv/.test(module);
  const bindings = [...module.matchAll(/depends_on\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
  const lines = [`style: ${o.style}`];
  if (conda)
    lines.push(
      `conda env: ${conda} (WITH_CONDA)` +
        (o.condaChosen ? '' : ' from the image name; --conda-env ENV or --no-conda to change'),
    );
  else lines.push(venv ? "python: the image's venv /opt/venv (no conda)" : 'conda env: none (no WITH_CONDA)');
  lines.push(
    `bindings: ${bindings.length > 0 ? bindings.join(', ') : 'none (--bindings MODULE to add one)'}`,
  );
  return lines.join('\n') + '\n';
}
