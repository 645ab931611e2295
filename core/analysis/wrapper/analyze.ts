// Analysis of one wrapper script: parsed once with tree-sitter-bash, then the rules in
// ../rules/wrapper. Rules run only on container wrappers. Never throws.
import { wrapperRules } from '../rules/wrapper';
import { range, type Finding } from '../types';
import { factsOf, type WrapperFacts } from './facts';
import { readWrapper } from './script';
import { scriptKindOf } from './scriptKind';
import { clipped } from '../messages';

export interface WrapperContext {
  /** Modulefiles that put this wrapper's directory on PATH and set WITH_CONDA (for messages). */
  modulesSettingWithConda: string[];
  /** The value each of those modules gives WITH_CONDA, where folded (absent: unknown). */
  withCondaValues?: ReadonlyMap<string, string>;
  /** A checked module puts this script's directory on PATH; undefined when not known (one file). */
  onModulePath?: boolean;
}

export interface WrapperAnalysis {
  findings: Finding[];
  facts: WrapperFacts;
}

/** A bug in the analysis must not take the editor down: it becomes a finding. */
function failed(err: unknown): WrapperAnalysis {
  return {
    findings: [
      {
        range: range(0, 0, 0, 0),
        severity: 'information',
        code: 'internal-error',
        message: clipped(`wrapper analysis failed: ${(err as Error).message}`),
      },
    ],
    facts: { isContainerWrapper: false, usesWithConda: false, appliesWithConda: false, containerPaths: [] },
  };
}

export function analyzeWrapper(text: string, filePath: string, context: WrapperContext): WrapperAnalysis {
  let script;
  try {
    script = readWrapper(text);
  } catch (err) {
    return failed(err);
  }
  try {
    const facts = factsOf(script);
    if (!facts.isContainerWrapper) return { findings: [], facts };
    const ctx = {
      script,
      filePath,
      modulesSettingWithConda: context.modulesSettingWithConda,
      withCondaValues: context.withCondaValues,
      kind: scriptKindOf(script, filePath, context.onModulePath),
    };
    return { findings: wrapperRules.flatMap((rule) => rule(ctx)), facts };
  } catch (err) {
    return failed(err);
  } finally {
    script.dispose();
  }
}
