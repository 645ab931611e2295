// Facts about a wrapper script that modulefile rules need (missing-sing-image asks whether a
// directory holds container wrappers, missing-with-conda whether a wrapper applies WITH_CONDA).
// Requires `await initBashParser()` (wrapper/parser.ts) once before use.
import { readWrapper, type WrapperScript } from './script';

export interface WrapperFacts {
  /** Mentions singularity, apptainer or SING_IMAGE (outside comments): a container wrapper. */
  isContainerWrapper: boolean;
  /**
   * Needs $WITH_CONDA: reads it somewhere (also inside single-quoted `bash -c '...'` code) without
   * a default. `${WITH_CONDA:-}` / `${WITH_CONDA-}` only apply it when set (a module for an image
   * without conda sets none), so they alone do not count.
   */
  usesWithConda: boolean;
}

export function factsOf(script: WrapperScript): WrapperFacts {
  return {
    isContainerWrapper: /\b(singularity|apptainer)\b|SING_IMAGE/.test(script.code),
    usesWithConda: script.expandedVariables.has('WITH_CONDA') && /\$(WITH_CONDA\b|\{WITH_CONDA\})/.test(script.code),
  };
}

export function wrapperFacts(text: string): WrapperFacts {
  const script = readWrapper(text);
  try {
    return factsOf(script);
  } finally {
    script.dispose();
  }
}
