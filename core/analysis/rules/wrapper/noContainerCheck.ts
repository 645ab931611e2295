// wrapper-no-container-check: starts a container with no branch for "already inside one"; inside,
// the wrapper finds itself first on PATH and starts containers in a loop. Only where the wrapper
// names a program of its own to run (python, bash -c '...', "$cmd"): a launcher that runs the
// caller's command (`singularity exec "$SIF" "$@"`, CSC's singularity_wrapper) cannot call itself.
import type { Node } from 'web-tree-sitter';
import type { ShellCommand } from '../../wrapper/script';
import type { WrapperRule } from './types';

const INSIDE = /\/\.singularity\.d|SINGULARITY_CONTAINER|APPTAINER_CONTAINER|\/proc\/self\/mountinfo/;
/**
 * Inside the container there is no runtime binary: `command -v singularity >/dev/null || exec python "$@"`
 * (or `if ! which singularity ...; then exec ...`) runs the program itself there, an in-container check
 * too. A plain lookup (`runtime=$(command -v singularity) || exit 1`) is none.
 */
const LOOKUP =
  String.raw`(command\s+-v|which|type\s+-[pP]|hash)\s+["']?(singularity|apptainer)\b` +
  String.raw`(?:[^\n|&;]|>&)*`;
// Joined with `+`: a regular expression's source, not shell code.
const RUNTIME_ABSENT = new RegExp(
  LOOKUP +
    String.raw`\|\|\s*exec\b|if\s+!\s+` +
    LOOKUP +
    String.raw`;?\s*then\s+exec\b|!\s+` +
    LOOKUP +
    String.raw`&&\s*exec\b`,
);

/** $@, "$@", "${@:2}", $*: all the wrapper's arguments. */
function isAllArguments(word: Node): boolean {
  const parts =
    word.type === 'string' ? word.children.filter((c): c is Node => c !== null && c.type !== '"') : [word];
  return parts.length === 1 && /^\$\{?[@*]/.test(parts[0].text);
}

/**
 * Variables that hold the image or the runtime's options, never a program ("$cmd" may be this wrapper's own
 * name).
 */
const IMAGE_OR_OPTIONS = /IMAGE|SIF|CONTAINER|FLAGS|BIND|OPT/i;

/**
 * A word that names no program: an option, an image path, an image or options variable alone ("$SIF",
 * $SING_FLAGS).
 */
function namesNoProgram(word: Node): boolean {
  if (word.text.startsWith('-') || /\.(sif|simg|img)["']?$/.test(word.text)) return true;
  const parts =
    word.type === 'string' ? word.children.filter((c): c is Node => c !== null && c.type !== '"') : [word];
  return (
    parts.length === 1 &&
    (parts[0].type === 'simple_expansion' || parts[0].type === 'expansion') &&
    IMAGE_OR_OPTIONS.test(parts[0].text)
  );
}

/** `singularity exec|run [options] IMAGE "$@"`: everything it runs comes from the caller. */
function runsCallersCommand(command: ShellCommand): boolean {
  const sub = command.args.findIndex((a) => ['exec', 'run'].includes(a.text.replace(/^["']|["']$/g, '')));
  for (const word of command.args.slice(sub + 1)) {
    if (isAllArguments(word)) return true;
    if (!namesNoProgram(word)) return false;
  }
  return true;
}

export const noContainerCheck: WrapperRule = ({ script }) => {
  const start = script.containerCommands.find((c) => !runsCallersCommand(c));
  if (!start || INSIDE.test(script.code) || RUNTIME_ABSENT.test(script.code)) return [];
  const sub = start.args.find((a) => ['exec', 'run'].includes(a.text.replace(/^["']|["']$/g, '')))?.text;
  return [
    {
      range: script.range(start.node),
      severity: 'warning',
      code: 'wrapper-no-container-check',
      message:
        `${start.name} ${sub?.replace(/^["']|["']$/g, '') ?? 'exec'} runs with no check for being ` +
        'inside a container already (/.singularity.d)',
    },
  ];
};
