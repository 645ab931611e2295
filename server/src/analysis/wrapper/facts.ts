// CONTRACT (owned by the wrapper analysis): facts about a wrapper script that modulefile rules
// need (e.g. `missing-with-conda` asks whether a wrapper on PATH uses WITH_CONDA).
// Requires `await initBashParser()` (wrapper/parser.ts) once before use.
export interface WrapperFacts {
  /** Mentions singularity, apptainer or SING_IMAGE: a container wrapper (not just any script). */
  isContainerWrapper: boolean;
  /** Reads $WITH_CONDA anywhere. */
  usesWithConda: boolean;
}
export declare function wrapperFacts(text: string): WrapperFacts;
