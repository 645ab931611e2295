// `lumi-modules run --host ALIAS [--ssh-config FILE] [--module-use DIR]... [--module NAME]...
//   [--venv DIR] [--cwd DIR] [--preamble 'SHELL LINES'] [--srun 'SRUN OPTIONS'] [--remote-script]
//   SCRIPT [ARGS...]`
// Exit code: the remote script's; 255 when SSH fails (as ssh); 2 on bad usage; 130 on Ctrl+C.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, SshError, type ConnectPrompts } from '../core/remote/connection';
import { runOverSsh } from '../core/remote/run';
import { resolveHost, SshConfigError } from '../core/remote/sshConfig';
import { ShellWordsError, splitShellWords } from '../core/shell/words';
import { booleanFlag, listFlag, parseArgs, stringFlag } from './args';
import { readSecret } from './tty';
import { CliIO, UsageError } from './io';

export const runUsage = `usage: lumi-modules run --host ALIAS [--ssh-config FILE] [--module-use DIR]... [--module NAME]...
                       [--venv DIR] [--cwd DIR] [--preamble 'SHELL LINES'] [--srun 'SRUN OPTIONS']
                       [--remote-script] SCRIPT [ARGS...]`;

/** The CLI never trusts an unknown host by itself; passphrases and 2FA answers come from a TTY only. */
export function cliPrompts(io: CliIO): ConnectPrompts {
  return {
    confirmUnknownHost: async () => false,
    passphrase: async (keyFile) => (io.isTTY ? readSecret(io, `Enter passphrase for key '${keyFile}': `) : undefined),
    keyboardInteractive: async ({ name, instructions, prompts }) => {
      if (!io.isTTY) return undefined;
      if (name) io.stderr.write(name + '\n');
      if (instructions) io.stderr.write(instructions + '\n');
      const answers: string[] = [];
      for (const p of prompts) answers.push(await readSecret(io, p.prompt, p.echo));
      return answers;
    },
  };
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(
    argv,
    {
      host: { type: 'string' }, 'ssh-config': { type: 'string' }, 'module-use': { type: 'list' }, module: { type: 'list' },
      venv: { type: 'string' }, cwd: { type: 'string' }, preamble: { type: 'string' }, srun: { type: 'string' },
      'remote-script': { type: 'boolean' }, help: { type: 'boolean' },
    },
    { stopAtFirstPositional: true },
  );
  if (booleanFlag(args, 'help')) {
    io.stdout.write(runUsage + '\n');
    return 0;
  }
  const host = stringFlag(args, 'host');
  if (!host) throw new UsageError(`--host is required\n${runUsage}`);
  const [script, ...scriptArgs] = args.positionals;
  if (script === undefined) throw new UsageError(`a SCRIPT to run is required\n${runUsage}`);
  const remoteScript = booleanFlag(args, 'remote-script');
  const localScript = remoteScript ? script : resolve(io.cwd, script);
  if (!remoteScript && !(existsSync(localScript) && statSync(localScript).isFile())) {
    throw new UsageError(`${script} is not a local file (use --remote-script for a path on the remote)`);
  }
  let srun: string[] | undefined;
  try {
    const words = splitShellWords(stringFlag(args, 'srun') ?? '');
    srun = words.length > 0 ? words : undefined; // --srun '' (or none): no srun
  } catch (err) {
    if (err instanceof ShellWordsError) throw new UsageError(`--srun: ${err.message}`);
    throw err;
  }
  const sshConfig = stringFlag(args, 'ssh-config');
  const aborter = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write('\nlumi-modules: stopping the remote run...\n');
      aborter.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let connection;
  try {
    const resolved = await resolveHost(host, sshConfig ? resolve(io.cwd, sshConfig) : undefined, io.env);
    connection = await connect(resolved, cliPrompts(io));
    return await runOverSsh(
      connection,
      {
        modulePaths: listFlag(args, 'module-use'),
        modules: listFlag(args, 'module'),
        venv: stringFlag(args, 'venv'),
        cwd: stringFlag(args, 'cwd'),
        preamble: stringFlag(args, 'preamble'),
        srun,
        script: localScript,
        remoteScript,
        args: scriptArgs,
      },
      { stdout: (c) => io.stdout.write(c), stderr: (c) => io.stderr.write(c) },
      aborter.signal,
    );
  } catch (err) {
    if (err instanceof SshError || err instanceof SshConfigError) {
      io.stderr.write(`lumi-modules run: ${err.message}\n`);
      return 255;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    connection?.close();
  }
}
