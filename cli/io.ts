// What a CLI subcommand may touch of the process, so tests can run subcommands in-process.
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdin is a terminal (passphrase prompts are allowed only then). */
  isTTY: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdin.isTTY),
  };
}

const USAGE_ERROR = Symbol.for('lumi-modules.UsageError');

/**
 * Thrown for bad command-line usage; main() prints it and exits with 2. Each command's bundle
 * (dist/cli-*.js) has its own copy of this class, so `instanceof` goes by a process-wide mark.
 */
export class UsageError extends Error {
  readonly [USAGE_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && USAGE_ERROR in value;
  }
}

/**
 * Exit status after a closed pipe on our output (`check ... | head -1`): 128 + SIGPIPE, as a shell reports a
 * writer SIGPIPE ended.
 */
export const EXIT_BROKEN_PIPE = 141;

/**
 * Output errors end the process with their own exit status, never 1 ("errors found") and never
 * with a stack trace: a reader that went away (EPIPE) stops us quietly; any other write error
 * (a full disk) is one line on stderr and exit 2.
 */
export function exitOnOutputErrors(
  stdout: Writable,
  stderr: Writable,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let ended = false;
  const end = (code: number, message?: string) => {
    if (ended) return;
    ended = true;
    if (message) {
      try {
        stderr.write(message);
      } catch {
        // stderr is broken too: the exit status is all that is left
      }
    }
    exit(code);
  };
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') end(EXIT_BROKEN_PIPE);
    else
      end(
        2,
        `lumi-modules: cannot write output: ${err.code ?? err.message}` +
          `${err.code ? ` (${err.message.replace(/^\w+: /, '').split(',')[0]})` : ''}\n`,
      );
  });
  stderr.on('error', (err: NodeJS.ErrnoException) => end(err.code === 'EPIPE' ? EXIT_BROKEN_PIPE : 2));
}

/**
 * Ends the process with `code` once everything written to `streams` is handed over. For a command
 * that leaves nothing running after its result (`check`): waiting for the event loop to empty
 * instead waits for V8's background tasks (compilers, GC) as well.
 */
export function exitWhenWritten(
  code: number,
  streams: readonly Writable[],
  exit: (code: number) => void = (c) => process.exit(c),
): void {
  let pending = streams.length;
  // A write's callback runs after every earlier write to that stream went out. On a write error
  // the stream's 'error' listener (exitOnOutputErrors) ends the process with that error's code.
  for (const stream of streams) stream.write('', (err) => !err && --pending === 0 && exit(code));
}
