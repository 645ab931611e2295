// The batch job script and the submit command for `lumi-modules submit`. The script comes from a
// template file (templates/slurm-lumi-g.sh, slurm-lumi-c.sh, or the user's own); every value put
// into it, and into the submit command, goes through shellQuote/shellQuotePath.
import { readBounded } from '../common/boundedRead';
import { basename } from 'node:path';
import { resourcePath } from '../common/resources';
import { shellQuote, shellQuotePath } from '../shell/quote';
import { moduleLoad, shellFail as fail } from '../remote/command';

export interface SubmitSpec {
  modulePaths: readonly string[];
  modules: readonly string[];
  venv?: string;
  /** Directory on the remote to submit from: the job starts there and slurm-JOBID.out lands there. */
  cwd?: string;
  preamble?: string;
  /**
   * sbatch options as words, passed on sbatch's command line (they override the template's #SBATCH lines).
   */
  sbatch: readonly string[];
  /** srun options as words. */
  srun: readonly string[];
  /** `project_NNNNNNNNN` from the setting; written as an #SBATCH line. */
  account?: string;
  /** The user's own template file (local path); default: the bundled one for the partition. */
  template?: string;
  /** Script path on the remote. */
  script: string;
  args: readonly string[];
}

export class SubmitInputError extends Error {}

/** A job script is a page or two; a template larger than this is a mistake (a log, an image). */
const MAX_TEMPLATE_BYTES = 256 * 1024;

/** LUMI project accounts are `project_` and nine digits (e.g. project_465000000). */
export function accountProblem(account: string): string | undefined {
  return /^project_\d{9}$/.test(account)
    ? undefined
    : `'${account}' is not a LUMI project account: ` +
        'it must look like project_465000000 (project_ and nine digits)';
}

/** The partition the sbatch words ask for (last one wins, as in sbatch), if any. */
export function partitionOf(words: readonly string[]): string | undefined {
  let partition: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--partition' || w === '-p') partition = words[++i];
    else if (w.startsWith('--partition=')) partition = w.slice('--partition='.length);
    else if (/^-p./.test(w)) partition = w.slice(2);
  }
  return partition;
}

/** The bundled template for the partition: LUMI-G unless a partition not ending in -g is asked for. */
export function bundledTemplate(sbatch: readonly string[]): string {
  const partition = partitionOf(sbatch);
  return resourcePath(
    'templates',
    partition !== undefined && !/-g$/.test(partition) ? 'slurm-lumi-c.sh' : 'slurm-lumi-g.sh',
  );
}

/** The placeholder values, each already valid bash. */
export function jobScriptValues(spec: SubmitSpec): Record<string, string> {
  if (spec.account !== undefined) {
    const problem = accountProblem(spec.account);
    if (problem) throw new SubmitInputError(problem);
  }
  const modules: string[] = [];
  if (spec.modulePaths.length > 0 || spec.modules.length > 0) {
    modules.push(
      'type module >/dev/null 2>&1 || ' +
        fail('the module command is not available in the job (is Lmod set up for bash -l?)'),
    );
  }
  for (const dir of spec.modulePaths) {
    const missing = `module directory ${dir} does not exist: fix --module-use (lumiModules.run.modulePaths)`;
    modules.push(`[ -d ${shellQuotePath(dir)} ] || ${fail(missing)}`);
    modules.push(`module use ${shellQuotePath(dir)}`);
  }
  for (const name of spec.modules)
    modules.push(moduleLoad(name, 'add its directory with --module-use (lumiModules.run.modulePaths)'));
  const venv = spec.venv
    ? `[ -f ${shellQuotePath(spec.venv)}/bin/activate ] || ` +
      fail(`no venv at ${spec.venv} (bin/activate is missing): fix --venv (lumiModules.run.venv)`) +
      `\nsource ${shellQuotePath(spec.venv)}/bin/activate`
    : '';
  return {
    account: spec.account ? `#SBATCH --account=${shellQuote(spec.account)}` : '',
    preamble: spec.preamble ?? '',
    modules: modules.join('\n'),
    venv,
    srunOptions: spec.srun.map((w) => `${shellQuote(w)} `).join(''),
    script: shellQuotePath(spec.script),
    args: spec.args.map((a) => ` ${shellQuote(a)}`).join(''),
  };
}

/** Fills TEMPLATE (text of FILE); an unknown placeholder is an error. */
export function fillJobTemplate(template: string, values: Record<string, string>, file: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values))
      throw new SubmitInputError(
        `template ${file}: unknown placeholder {{${key}}} (known: ${Object.keys(values).join(', ')})`,
      );
    return values[key];
  });
}

export function buildJobScript(spec: SubmitSpec): string {
  const file = spec.template ?? bundledTemplate(spec.sbatch);
  // The bounded reader: a device (/dev/zero) or a FIFO is refused unopened, a huge file is not read.
  const read = readBounded(file, MAX_TEMPLATE_BYTES);
  if (!read.ok) throw new SubmitInputError(`cannot read the job template ${file}: ${read.message}`);
  if (read.truncated)
    throw new SubmitInputError(
      `the job template ${file} is larger than ${MAX_TEMPLATE_BYTES >> 10} KiB: not a job script`,
    );
  const text = read.bytes.toString('utf8');
  if (!text.startsWith('#!'))
    throw new SubmitInputError(`template ${file}: a job script must start with #! (e.g. #!/bin/bash -l)`);
  return fillJobTemplate(text, jobScriptValues(spec), file);
}

/** sbatch's command line: the job script comes on stdin; --sbatch words override the template's lines. */
export function submitArgv(spec: SubmitSpec): string[] {
  // A control character (a newline) in the job name would end up in %x of the output file's name,
  // which scontrol then prints over two lines: the follower could not find the file.
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  const name = basename(spec.script).replace(/[\x00-\x1f\x7f]/g, '_');
  return ['sbatch', '--parsable', `--job-name=${name}`, ...spec.sbatch];
}
