// Facts about a wrapper script that modulefile rules need (missing-sing-image asks whether a
// directory holds container wrappers, missing-with-conda whether a wrapper applies WITH_CONDA).
// Requires `await initBashParser()` (wrapper/parser.ts) once before use.
import { containerPathUses, type ContainerPathUse } from './containerPaths';
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
  /**
   * Applies $WITH_CONDA when the module sets it, in any form (`${WITH_CONDA:-}` included): what
   * image-python-needs-conda asks (a module for a conda image sets it, so the default never applies).
   */
  appliesWithConda: boolean;
  /** Programs and sourced files it expects inside the container (image-path-missing). */
  containerPaths: ContainerPathUse[];
}

export function factsOf(script: WrapperScript): WrapperFacts {
  return {
    isContainerWrapper: /\b(singularity|apptainer)\b|SING_IMAGE/.test(script.code),
    usesWithConda:
      script.expandedVariables.has('WITH_CONDA') && /\$(WITH_CONDA\b|\{WITH_CONDA\})/.test(script.code),
    appliesWithConda: script.expandedVariables.has('WITH_CONDA'),
    containerPaths: containerPathUses(script),
  };
}

/**
 * Facts of recent texts: a check asks for the same wrapper from the walk and from every module
 * that puts its directory on PATH, and python/pip/torchrun are often one text. Small texts only,
 * a bounded number (the server sees every edit of a wrapper).
 */
const factsByText = new Map<string, WrapperFacts>();
const MEMO_ENTRIES = 512;
const MEMO_MAX_CHARS = 64 * 1024;

export function wrapperFacts(text: string): WrapperFacts {
  const known = factsByText.get(text);
  if (known) return known;
  const script = readWrapper(text);
  let facts: WrapperFacts;
  try {
    facts = factsOf(script);
  } finally {
    script.dispose();
  }
  if (text.length <= MEMO_MAX_CHARS) {
    if (factsByText.size >= MEMO_ENTRIES) factsByText.delete(factsByText.keys().next().value!);
    factsByText.set(text, facts);
  }
  return facts;
}
