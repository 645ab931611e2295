// `lumi-modules` command-line entry point: dispatches to one file per subcommand.
// Exit codes: subcommand's own; 2 for bad usage and output errors; 141 when the reader of our
// output went away (EPIPE).
import { setFlagsFromString } from 'node:v8';
import { version } from '../package.json';
import { CliIO, exitOnOutputErrors, exitWhenWritten, processIO, UsageError } from './io';

type Command = (argv: string[], io: CliIO) => Promise<number>;

// Loaded on use: `check` on thousands of files should not pay for initialising ssh2.
// `exitWhenDone`: nothing of the command runs on after its result, so the process ends as soon as
// its output is written.
const commands: Record<string, { run: Command; summary: string; exitWhenDone?: true }> = {
  check: {
    run: async (a, io) => (await import('./check')).checkCommand(a, io),
    summary: 'check modulefiles and wrapper scripts',
    exitWhenDone: true,
  },
  scaffold: {
    run: async (a, io) => (await import('./scaffold')).scaffoldCommand(a, io),
    summary: 'create a container module, its wrappers and load message',
  },
  run: {
    run: async (a, io) => (await import('./run')).runCommand(a, io),
    summary: 'run a Python script on LUMI through a container module, over SSH',
  },
  submit: {
    run: async (a, io) => (await import('./submit')).submitCommand(a, io),
    summary: 'submit a Python script as a Slurm batch job and follow it live',
  },
  jobs: {
    run: async (a, io) => (await import('./submit')).jobsCommand(a, io),
    summary: 'list your Slurm jobs on a host',
  },
  follow: {
    run: async (a, io) => (await import('./submit')).followCommand(a, io),
    summary: 'follow a Slurm job again: its states and output live',
  },
  inspect: {
    run: async (a, io) => (await import('./inspect')).inspectCommand(a, io),
    summary: 'what a container image holds (Python, conda, PATH inside), without running it',
  },
};

export const usage = `usage: lumi-modules <command> [options]
       lumi-modules --help | --version

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}

Run 'lumi-modules <command> --help' for the options of one command.`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  // The bash parser's WebAssembly (check and scaffold load it) stays on V8's baseline compiler:
  // optimising its huge lexer costs a core for longer than a short CLI run lasts, and the process
  // waits for it at exit (docs/performance.md). Set before any module is compiled (the flag is read
  // then); the editor's long-running language server keeps V8's default.
  setFlagsFromString('--liftoff-only');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(usage + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`lumi-modules ${version}\n`);
    return 0;
  }
  // Own properties only: `constructor` or `__proto__` is no command.
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr.write(`lumi-modules: unknown command '${name}'\n${usage}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`lumi-modules ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  exitOnOutputErrors(process.stdout, process.stderr);
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
      if (Object.hasOwn(commands, process.argv[2] ?? '') && commands[process.argv[2]].exitWhenDone)
        exitWhenWritten(code, [process.stdout, process.stderr]);
    },
    (err: unknown) => {
      process.stderr.write(`lumi-modules: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
