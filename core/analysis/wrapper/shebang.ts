// Recognises a script from its first bytes (its `#!` line), so that images and binaries are never
// read whole. The one place that decides "is this a shell script" and "which shell".

/** The shells ShellCheck knows; a wrapper script is written for one of them. */
export type ShellName = 'bash' | 'sh' | 'dash' | 'ksh';

/**
 * The shell a `#!` line names, directly or through env: `#!/bin/bash -e`, `#!/usr/bin/env sh` and
 * `#!/usr/bin/env -S bash -e` give bash, sh and bash (env's options and NAME=VALUE words are
 * skipped, as env does); any other interpreter or no shebang gives undefined.
 */
export function shellOfShebang(head: string): ShellName | undefined {
  const line = /^#![ \t]*([^\r\n]*)/.exec(head);
  if (!line) return undefined;
  const words = line[1].split(/[ \t]+/).filter((w) => w !== '');
  const program = (words[0] ?? '').slice((words[0] ?? '').lastIndexOf('/') + 1);
  const interpreter =
    program === 'env' ? words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) : program;
  return interpreter === 'bash' || interpreter === 'sh' || interpreter === 'dash' || interpreter === 'ksh'
    ? interpreter
    : undefined;
}

/** A shell script by its shebang (for files without a .sh name or language, such as bin/python). */
export function isShellScript(head: string): boolean {
  return shellOfShebang(head) !== undefined;
}

/**
 * A file that may be a shell script: text (no NUL byte) whose `#!` line names a shell, or an
 * executable text file without one (execve fails on it and the calling shell runs it as sh). A
 * `#!` naming another interpreter (`#!/usr/bin/env python3`) is run by that interpreter: no shell
 * script, whatever it mentions. `header` is the file's first bytes.
 */
export function mayBeScript(header: Uint8Array, isExecutable: () => boolean): boolean {
  if (header.length === 0 || header.includes(0)) return false;
  if (header[0] === 0x23 && header[1] === 0x21) {
    const end = header.indexOf(0x0a);
    return isShellScript(String.fromCharCode(...(end === -1 ? header : header.subarray(0, end))));
  }
  return isExecutable();
}
