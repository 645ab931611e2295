// What every wrapper rule gets: the script read once, and what the modules on PATH set.
import type { Finding } from '../../types';
import type { WrapperScript } from '../../wrapper/script';

export interface WrapperRuleContext {
  script: WrapperScript;
  filePath: string;
  modulesSettingWithConda: string[];
}

export type WrapperRule = (ctx: WrapperRuleContext) => Finding[];
