// Which of LUMI's three container conventions a module follows, recognised from what it does
// (facts: /work/shared/docs/lumi-container-conventions.md, checked against
// Lumi-supercomputer/LUMI-EasyBuild-containers and LUMI-SoftwareStack's SitePackage.lua):
// - lumi-easybuild: calls create_container_vars/get_SIF_file, or sets CONTAINERROOT;
// - laif: loads lumi-aif-singularity-bindings, or names /opt/venv (the image's Python);
// - csc: sets SING_IMAGE or WITH_CONDA, or puts CSC-style wrapper scripts on PATH.
// A string that merely contains `.sif` makes no container module.
// A fourth convention is recognised by its rules, not here (it sets no image variable): shell-function
// container modules (singularity-hpc/shpc templates, Biocontainers trees) define one shell function per
// program, `set_shell_function(program, launch .. " " .. program .. ' "$@"', launch .. " " .. program ..
// " $*")`, with `launch = singularity .. " exec " .. image` and `singularity` from
// `capture("which singularity")`; no wrapper scripts. The bash body is checked as bash
// (rules/modulefile/shellFunctionUnquotedArgs.ts).
import type { Evaluation } from './evaluate';
import type { FoundWrapper } from './resolve';
import type { ContainerKind } from './types';

export const LAIF_BINDINGS_MODULE = 'lumi-aif-singularity-bindings';

export function containerKindOf(
  evaluation: Evaluation,
  wrappers: readonly FoundWrapper[],
): ContainerKind | undefined {
  const called = (name: string) => evaluation.calls.some((c) => c.isGlobal && c.name === name);
  if (called('create_container_vars') || called('get_SIF_file') || evaluation.setenv.has('CONTAINERROOT'))
    return 'lumi-easybuild';
  const loadsLaifBindings = evaluation.symbols.some(
    (s) => s.kind === 'dependency' && s.name.split('/')[0] === LAIF_BINDINGS_MODULE,
  );
  if (
    loadsLaifBindings ||
    evaluation.stringLiterals.some(
      (s) => s.includes('/opt/venv') && (/(^|[:/ ])\/opt\/venv\b/.test(s) || s.startsWith('/opt/venv')),
    )
  )
    return 'laif';
  if (
    evaluation.setenv.has('SING_IMAGE') ||
    evaluation.setenv.has('WITH_CONDA') ||
    wrappers.some((w) => w.facts.isContainerWrapper)
  )
    return 'csc';
  return undefined;
}
