// What every wrapper rule gets: the script read once, and what the modules on PATH set.
import type { Finding } from '../../types';
import type { WrapperScript } from '../../wrapper/script';
import type { ScriptKind } from '../../wrapper/scriptKind';

export interface WrapperRuleContext {
  script: WrapperScript;
  filePath: string;
  modulesSettingWithConda: string[];
  /** The value each of modulesSettingWithConda gives WITH_CONDA, where folded (absent: unknown). */
  withCondaValues?: ReadonlyMap<string, string>;
  /** What the script is (wrapper/scriptKind.ts): most rules hold for wrappers only. */
  kind: ScriptKind;
}

export type WrapperRule = (ctx: WrapperRuleContext) => Finding[];
