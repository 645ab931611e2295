// What each of our diagnostic codes means, beyond its message: a one-line summary (SARIF's
// shortDescription), the explanation the hover and SARIF's fullDescription show, and the page
// docs/diagnostics/CODE.md (codeDescription.href, SARIF's helpUri). Pages hold the same text and
// examples; test/unit/diagnostic-docs.test.ts keeps every code, page and entry in step.
import { pathToFileURL } from 'node:url';
import { resourcePath } from '../common/resources';

export interface DiagnosticDoc {
  summary: string;
  explanation: string;
}

export const DIAGNOSTIC_DOCS: Readonly<Record<string, DiagnosticDoc>> = {
  'lua-syntax': {
    summary: 'The modulefile is not valid Lua',
    explanation:
      "Lmod refuses to load a file Lua cannot parse. The message is Lua's own, at the line Lua " +
      'reports; only the broken statement is lost, the rest is still checked.',
  },
  'internal-error': {
    summary: 'The checker failed on this file',
    explanation:
      'A bug in the analysis became this finding instead of stopping the check; the other files ' +
      'were checked. Please report it with the file.',
  },
  'unknown-function': {
    summary: 'A call to a function Lmod does not have here',
    explanation:
      'Lmod stops with "attempt to call a nil value". Known are Lmod\'s functions for this kind ' +
      "of file (modulefile or modulerc), the site's registered functions (lumiModules.sitePackage " +
      "/ --site-package; LUMI's always) and functions the file defines.",
  },
  'wrong-arguments': {
    summary: 'A call Lmod itself rejects for its arguments',
    explanation:
      'Only where Lmod fails: too few arguments (setenv("X")) or a non-string where Lmod needs a ' +
      "string. The function's signature is in its hover.",
  },
  'missing-sing-image': {
    summary: 'A CSC-style container module never sets SING_IMAGE',
    explanation:
      'CSC-style wrappers refuse to run without SING_IMAGE (the image to start). The quick fix ' +
      'adds setenv("SING_IMAGE", ...). Not for LUMI EasyBuild or LAIF modules.',
  },
  'easybuild-container-bindings': {
    summary: 'A LUMI EasyBuild container module also loads singularity-AI-bindings',
    explanation:
      "create_container_vars binds the module's own directories; LUMI's easyconfigs declare " +
      "conflict('singularity-AI-bindings') because the two bind sets clash.",
  },
  'laif-missing-bindings': {
    summary: 'A LUMI AI Factory module does not load lumi-aif-singularity-bindings',
    explanation:
      'Without those binds the container sees no /project, /scratch, /appl or Slurm, and a venv ' +
      'made inside fails as read-only. The quick fix adds depends_on(...).',
  },
  'sing-image-not-sif': {
    summary: 'SING_IMAGE does not name a .sif image',
    explanation: 'Singularity images on LUMI are .sif files; another name is usually a typo or a directory.',
  },
  'path-not-found': {
    summary: 'A path the module sets does not exist on this machine',
    explanation:
      'The SING_IMAGE image or the image a shell function runs (error), a PATH directory or a ' +
      "capture('cat F') file (warning); MODULEPATH entries never (Lmod skips those that do not " +
      "exist). Checked only where the path's site is this machine; os.getenv values from " +
      'lumiModules.env or --env.',
  },
  'capture-file-unreadable': {
    summary: "capture('cat F') names a FIFO, device or socket",
    explanation:
      'cat would block or never end at every module load and avail; the file is named, never opened.',
  },
  'paths-not-checked': {
    summary: 'Paths under directories absent on this machine were not checked',
    explanation:
      'Once per file: /project, /appl, /scratch and the like do not exist on a laptop. Check on ' +
      'LUMI (a Remote-SSH window) to have them checked.',
  },
  'missing-wrapper-path': {
    summary: 'SING_IMAGE and WITH_CONDA are set but no wrapper directory is on PATH',
    explanation:
      "python then runs on the host, not in the container. SING_IMAGE alone is CSC's " +
      'singularity_wrapper convention and is not reported.',
  },
  'missing-with-conda': {
    summary: 'WITH_CONDA is needed but not set',
    explanation:
      "A wrapper on the module's PATH applies $WITH_CONDA, or the image is one of LUMI's " +
      'lumi-*-rocm-* conda images whose python is on PATH only after conda activate. The quick ' +
      'fix adds setenv("WITH_CONDA", ...).',
  },
  'getenv-no-fallback': {
    summary: 'os.getenv without a fallback in a path',
    explanation:
      "When the variable is unset, '..' fails at load time, setenv, prepend_path and Lmod's other " +
      'string-only functions refuse the nil ("one or more arguments are not strings"), and ' +
      "pathJoin silently drops it (the path turns relative). Write os.getenv('X') or '<default>'. " +
      'For checking, give X a value in the lumiModules.env setting or with --env.',
  },
  'undefined-variable': {
    summary: 'A global that is never defined (nil)',
    explanation:
      'Usually a typo of a local (singRoot for signRoot), which turns a path relative; the quick ' +
      "fix renames to the closest local. _G is not in Lmod's sandbox.",
  },
  'unused-local': {
    summary: 'A local that is never used',
    explanation: 'Often the other half of a typo: the local meant where an undefined name is read.',
  },
  'unused-suppression': {
    summary: 'A lumi-modules: ignore comment that suppresses nothing',
    explanation: 'No finding of that code on its line or the next; the quick fix removes it.',
  },
  'wrapper-no-sing-image-check': {
    summary: 'The wrapper uses SING_IMAGE without testing it',
    explanation:
      'Without the module loaded the wrapper fails obscurely inside singularity; test it and tell ' +
      'the user to load the module. The quick fix adds the test.',
  },
  'wrapper-unquoted-args': {
    summary: 'The arguments are passed unquoted or joined',
    explanation:
      'Unquoted $@ splits arguments with spaces; "$*" joins them into one; "text $@" glues the ' +
      'first to the text. Pass "$@" as words of their own. Left to ShellCheck when it reports the ' +
      'same.',
  },
  'wrapper-no-container-check': {
    summary: 'The wrapper starts a container with no check for already being inside one',
    explanation:
      'Inside the container the wrapper finds itself on PATH and would start another container ' +
      '(or loop). Test [ -d /.singularity.d ] and run the command directly there.',
  },
  'wrapper-no-with-conda': {
    summary: 'WITH_CONDA is set by the module but not applied, or expands on the host',
    explanation:
      'A module on PATH sets WITH_CONDA and the wrapper never applies it (python may not be on ' +
      'PATH inside); or $WITH_CONDA in bash -c "..." expands on the host, where it is only a ' +
      'string. Write \\$WITH_CONDA or single quotes.',
  },
  'wrapper-with-conda-not-evaluated': {
    summary: '$WITH_CONDA runs as a command instead of eval "$WITH_CONDA"',
    explanation:
      'Expanded as a command, a value is only word-split and globbed, never parsed: in source ' +
      '.../conda.sh && conda activate ENV the && is an argument of source and conda activate never ' +
      'runs; quotes, $ and $(...), redirections, ;, |, && and || likewise do nothing. Reported when a ' +
      'module on PATH gives WITH_CONDA such a value, or one not known (or none sets it, outside LUMI ' +
      'EasyBuild wrappers); one simple command (source /opt/miniconda3/bin/activate ENV) runs as it ' +
      'is. Also through a host variable (CMD="\\$WITH_CONDA && "; bash -c "$CMD python"). Use eval ' +
      '"$WITH_CONDA".',
  },
  'wrapper-error-exits-zero': {
    summary: 'A bare exit after an error message exits 0',
    explanation:
      'exit takes the status of the echo before it: srun, job scripts and python x.py && ... see ' +
      'success. Use exit 1 (the quick fix).',
  },
  'wrapper-no-venv': {
    summary: 'The Python wrapper does not carry VIRTUAL_ENV into the container',
    explanation:
      "The venv's packages are then not seen inside. Add $VIRTUAL_ENV/lib*/python*/site-packages " +
      'to PYTHONPATH (SINGULARITYENV_) before starting the container.',
  },
  'image-conda-path-missing': {
    summary: 'WITH_CONDA names a file or conda env the image does not have',
    explanation:
      "CSC's /opt/conda/etc/profile.d/conda.sh on an image whose conda lives in /opt/miniconda3, or an env " +
      'the image lacks: source or conda activate fails inside the container. Decided from the image itself.',
  },
  'image-not-read': {
    summary: "The module's image could not be read",
    explanation: 'Not a SIF or squashfs, truncated or unreadable: the checks of the image are skipped.',
  },
  'image-python-needs-conda': {
    summary: 'The image has python only after conda activation, and nothing applies WITH_CONDA',
    explanation:
      'The module sets no WITH_CONDA, or its wrappers never run it: python then fails inside the ' +
      'container. Decided from the image itself.',
  },
  'image-venv-python-mismatch': {
    summary: "The host venv was made for another Python than the image's",
    explanation: "Its packages were built for that version and do not import under the image's Python.",
  },
  'image-path-missing': {
    summary: 'A wrapper runs or sources a path inside the container that the image lacks',
    explanation:
      'An absolute program after the image in singularity exec, or one run or sourced in its bash -c ' +
      'code, must be an executable file in the image once the bind mounts are made. Only paths the ' +
      'image decides are checked: not those under a bind target (--bind, SINGULARITY_BIND), /tmp, ' +
      "$HOME, /proc, /dev, /sys, /run or LUMI's file systems; a missing bind target is never reported " +
      '(Singularity creates it through its overlay or underlay).',
  },
  'image-with-conda-unneeded': {
    summary: 'WITH_CONDA is set but the image has python without activation',
    explanation:
      "LUMI images from 2024-03 on and LAIF's /opt/venv: activation costs time at every start and may " +
      "switch to another Python than the image's default.",
  },
  'shell-function-unquoted-args': {
    summary: 'A set_shell_function body passes $@ unquoted',
    explanation:
      'Shell-function container modules (singularity-hpc, Biocontainers) define the program as a bash ' +
      'function; a bare $@ or $* there splits every argument that holds a space. Write "$@".',
  },
  'shell-function-csh-args': {
    summary: 'A set_shell_function csh body passes the arguments wrongly',
    explanation:
      "Lmod defines the function for csh as alias NAME 'BODY', with $* written as \\!* (the typed " +
      'arguments). csh has no $@ ("Illegal variable name."), "$*" cuts the arguments in the wrong ' +
      "places, $argv is the shell's own arguments, and a ' in the body breaks the alias. Write $*, or " +
      'nothing: an alias without \\!* gets the arguments appended.',
  },
  'file-too-large': {
    summary: 'The file is over 1 MiB and was skipped',
    explanation: 'Modulefiles and wrappers are far smaller; such a file is not read whole.',
  },
  'binary-file': {
    summary: 'The file contains NUL bytes and was skipped',
    explanation: 'A binary file is no modulefile or script.',
  },
  'invalid-utf8': {
    summary: 'The file is not valid UTF-8',
    explanation: 'Invalid bytes were read as U+FFFD; positions after them may be off.',
  },
  unreadable: {
    summary: 'The file could not be read',
    explanation:
      'Missing, a directory, no permission, or not a regular file (a FIFO, device or socket is ' +
      'named, never opened).',
  },
  'symlink-loop': {
    summary: 'A directory link leads back to its ancestor',
    explanation: 'It is not followed, so the walk ends.',
  },
  'symlink-outside-root': {
    summary: 'A link to a directory outside the checked paths',
    explanation: 'Not followed; give that directory as a PATH to check it.',
  },
};

/** The explanation of a code ('' for codes without one, such as ShellCheck's). */
export function explanation(code: string): string {
  return DIAGNOSTIC_DOCS[code]?.explanation ?? '';
}

/** The page of a code: ShellCheck's wiki for SCnnnn, ours under docs/diagnostics/ (a file URL). */
export function docsUrl(code: string): string | undefined {
  if (/^SC\d+$/.test(code)) return `https://www.shellcheck.net/wiki/${code}`;
  if (!(code in DIAGNOSTIC_DOCS)) return undefined;
  return pathToFileURL(resourcePath('docs', 'diagnostics', `${code}.md`)).href;
}
