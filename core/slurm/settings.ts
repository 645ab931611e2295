// `lumiModules.submit.*` settings (with the module/venv/cwd/preamble/args of `lumiModules.run.*`)
// turned into a SubmitSpec. Pure, so the VS Code command stays thin and the mapping is tested.
import type { RunSettings } from '../remote/settings';
import { parseSettings } from '../settings/schema';
import { nonBlank, nonEmpty } from '../settings/values';
import { accountProblem, type SubmitSpec } from './jobScript';

export interface SubmitSettings {
  /** project_NNNNNNNNN; empty: asked once (unless the sbatch options carry an account). */
  account?: string;
  sbatchOptions: string[];
  srunOptions: string[];
  template?: string;
}

/** `lumiModules.submit.*` through the one settings schema; empty values mean "none". */
export function parseSubmitSettings(raw: Record<string, unknown> | undefined): SubmitSettings {
  const { submit } = parseSettings({ submit: raw ?? {} });
  return {
    account: nonBlank(submit.account),
    sbatchOptions: nonEmpty(submit.sbatchOptions),
    srunOptions: nonEmpty(submit.srunOptions),
    template: nonBlank(submit.template),
  };
}

/** True when the sbatch words already choose an account (then the setting is not needed). */
export function sbatchHasAccount(words: readonly string[]): boolean {
  return words.some((w) => w === '-A' || w === '--account' || w.startsWith('--account=') || /^-A./.test(w));
}

/** Why the account setting cannot be used, or undefined. */
export function submitSettingsProblem(s: SubmitSettings): string | undefined {
  if (s.account === undefined) return undefined;
  const problem = accountProblem(s.account);
  return problem ? `lumiModules.submit.account: ${problem}` : undefined;
}

export function submitSpecFromSettings(run: RunSettings, submit: SubmitSettings, script: string): SubmitSpec {
  return {
    modulePaths: run.modulePaths,
    modules: run.modules,
    venv: run.venv,
    cwd: run.cwd,
    preamble: run.preamble,
    sbatch: submit.sbatchOptions,
    srun: submit.srunOptions,
    account: sbatchHasAccount(submit.sbatchOptions) ? undefined : submit.account,
    template: submit.template,
    script,
    args: run.args,
  };
}
