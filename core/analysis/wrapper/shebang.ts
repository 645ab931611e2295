// Recognises a script from its first bytes (its `#!` line), so that images and binaries are never
// read whole. The one place that decides "is this a shell script" and "which shell".

/** The shells ShellCheck knows; a wrapper script is written for one of them. */
export type ShellName = 'bash' | 'sh' | 'dash' | 'ksh';

/**
 * The shell a `#!` line names, directly or through env: `#!/bin/bash -e` and `#!/usr/bin/env sh`
 * give bash and sh; any other interpreter or no shebang gives undefined.
 */
export function shellOfShebang(head: string): ShellName | undefined {
  const line = /^#![ \t]*(\S+)(?:[ \t]+(\S+))?/.exec(head);
  if (!line) return undefined;
  const program = line[1].slice(line[1].lastIndexOf('/') + 1);
  const interpreter = program === 'env' ? line[2] : program;
  return interpreter === 'bash' || interpreter === 'sh' || interpreter === 'dash' || interpreter === 'ksh'
    ? interpreter
    : undefined;
}

/** A shell script by its shebang (for files without a .sh name or language, such as bin/python). */
export function isShellScript(head: string): boolean {
  return shellOfShebang(head) !== undefined;
}

/**
 * A file that may be a script: text (no NUL byte) that starts with `#!` or is executable.
 * `header` is the file's first bytes.
 */
export function mayBeScript(header: Uint8Array, isExecutable: () => boolean): boolean {
  if (header.length === 0 || header.includes(0)) return false;
  return (header[0] === 0x23 && header[1] === 0x21) || isExecutable();
}
