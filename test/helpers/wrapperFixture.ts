// The small container wrapper and the stand-in ShellCheck that the LSP, trust and e2e tests write
// into a project, written once here.
import { chmodSync, writeFileSync } from 'node:fs';

/**
 * A minimal delayed-container wrapper with no finding: runs the command of its own name inside $SING_IMAGE.
 */
export const GOOD_WRAPPER = `#!/bin/bash
# Delayed-container wrapper (minimal): runs the command of the same name inside $SING_IMAGE.
if [ -z "\${SING_IMAGE:-}" ]; then
  echo "SING_IMAGE is not set: load the container module first (module load ...)" >&2
  exit 1
fi
cmd=$(basename "$0")
if [ -d /.singularity.d ]; then
  exec "$cmd" "$@"
fi
if [ -n "\${VIRTUAL_ENV:-}" ]; then
  export SINGULARITYENV_PYTHONPATH="$VIRTUAL_ENV/lib/python3/site-packages"
fi
exec singularity exec "$SING_IMAGE" "$cmd" "$@"
`;

/** The container start line of GOOD_WRAPPER. */
export const WRAPPER_START = 'exec singularity exec "$SING_IMAGE" "$cmd" "$@"';

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the wrapper fixture no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** GOOD_WRAPPER with `$@` unquoted at the container start: our wrapper-unquoted-args, ShellCheck's SC2068. */
export function wrapperWithUnquotedArgs(text = GOOD_WRAPPER): string {
  return replaceOnce(text, WRAPPER_START, 'exec singularity exec "$SING_IMAGE" "$cmd" $@');
}

/**
 * A python wrapper with findings of ours and of ShellCheck: unquoted `$@` (SC2068; our
 * wrapper-unquoted-args gives way to it when ShellCheck runs) and no venv lines (wrapper-no-venv).
 */
export function wrapperWithFindings(): string {
  const venvLines = /^if \[ -n "\$\{VIRTUAL_ENV:-\}" \]; then\n.*\nfi\n/m;
  if (!venvLines.test(GOOD_WRAPPER)) throw new Error('the wrapper fixture no longer has its venv lines');
  return wrapperWithUnquotedArgs(GOOD_WRAPPER.replace(venvLines, ''));
}

/** A stand-in ShellCheck at PATH that leaves MARKER when it runs and reports code SC<code>. */
export function writeFakeShellcheck(path: string, marker: string, code: number): void {
  const json = JSON.stringify({
    comments: [
      {
        file: '-',
        line: 1,
        endLine: 1,
        column: 1,
        endColumn: 2,
        level: 'warning',
        code,
        message: 'fake shellcheck ran',
      },
    ],
  });
  writeFileSync(path, `#!/bin/sh\ntouch '${marker}'\ncat >/dev/null\necho '${json}'\n`);
  chmodSync(path, 0o755);
}
