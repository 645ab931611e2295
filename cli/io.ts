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

/** Thrown for bad command-line usage; main() prints it and exits with 2. */
export class UsageError extends Error {}
