// What a script that starts a container is, so that it gets only the rules that fit it:
// - wrapper: what a module puts on PATH, or what execs the command it is named after in a container
//   (`python` running `singularity exec "$SING_IMAGE" python "$@"`, or `"$(basename "$0")"`); a wrapper
//   found on PATH inside the container calls itself;
// - launcher: hands its caller's arguments to the container (`singularity exec $SING_IMAGE "${@:2}"`,
//   `singularity run x.sif train.sh "$@"`) but is on no module's PATH and runs no program of its own
//   name: used in place of a program, so the wrapper rules hold, but nothing can find it under the
//   name of what it runs, so it cannot call itself;
// - job-script: a Slurm batch script (`#SBATCH` lines): sbatch runs it on the host once, nothing
//   finds it on PATH, `singularity run $SIF ...` there is the documented way;
// - script: the rest (demo command lists, install scripts, generators): not run in place of a program.
import { basename } from 'node:path';
import type { WrapperScript } from './script';

export type ScriptKind = 'wrapper' | 'launcher' | 'job-script' | 'script';

const SELF_NAME = /\$\{0##\*\/\}|basename\s+"?\$\{?0\b/;
const CALLER_ARGS = /\$\{?[@*]|\$\{@:/;

/** `onModulePath`: a checked module puts its directory on PATH; undefined when that is not known. */
export function scriptKindOf(script: WrapperScript, filePath: string, onModulePath?: boolean): ScriptKind {
  if (onModulePath) return 'wrapper';
  if (/^#SBATCH\b/m.test(script.text)) return 'job-script';
  if (onModulePath === undefined) return 'wrapper';
  const own = basename(filePath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const word = new RegExp(`(^|[\\s'"/])${own}([\\s'";]|$)`);
  const namedAfterItself =
    SELF_NAME.test(script.code) ||
    script.containerCommands.some((c) => c.args.some((a) => word.test(a.text)));
  const passesArguments = script.containerCommands.some((c) => c.args.some((a) => CALLER_ARGS.test(a.text)));
  if (namedAfterItself) return 'wrapper';
  return passesArguments ? 'launcher' : 'script';
}
