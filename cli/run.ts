// `lumi-modules run --host ALIAS [--ssh-config FILE] [--module-use DIR]... [--module NAME]...
//   [--venv DIR] [--cwd DIR] [--preamble 'SHELL LINES'] [--srun 'SRUN OPTIONS'] [--remote-script]
//   SCRIPT [ARGS...]`
// Exit code: the remote script's; 255 when SSH fails (as ssh); 2 on bad usage; 130 on Ctrl+C.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { ConnectAbortedError, connect, SshError, type ConnectPrompts } from '../core/remote/connection';
import { ExecError } from '../core/remote/executor';
import { runOnHost } from '../core/remote/run';
import { sshExecutor } from '../core/remote/sshExecutor';
import { resolveHost, SshConfigError } from '../core/remote/sshConfig';
import { ShellWordsError, splitShellWords } from '../core/shell/words';
import { parseCommandArgs } from './args';
import { readSecret } from './tty';
import { CliIO, UsageError } from './io';

export const runUsage = [
  'usage: lumi-modules run --host ALIAS [--ssh-config FILE] [--module-use DIR]... [--module NAME]...',
  "                       [--venv DIR] [--cwd DIR] [--preamble 'SHELL LINES'] [--srun 'SRUN OPTIONS']",
  '                       [--remote-script] SCRIPT [ARGS...]',
].join('\n');

/** The CLI never trusts an unknown host by itself; passphrases and 2FA answers come from a TTY only. */
export function cliPrompts(io: CliIO): ConnectPrompts {
  return {
    confirmUnknownHost: async () => false,
    passphrase: async (keyFile) =>
      io.isTTY ? readSecret(io, `Enter passphrase for key '${keyFile}': `) : undefined,
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
  const args = parseCommandArgs(
    argv,
    {
      host: { type: 'string' },
      'ssh-config': { type: 'string' },
      'module-use': { type: 'string', multiple: true },
      module: { type: 'string', multiple: true },
      venv: { type: 'string' },
      cwd: { type: 'string' },
      preamble: { type: 'string' },
      srun: { type: 'string' },
      'remote-script': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    { stopAtFirstPositional: true },
  );
  const flags = args.values;
  if (flags.help) {
    io.stdout.write(runUsage + '\n');
    return 0;
  }
  const host = flags.host;
  if (!host) throw new UsageError(`--host is required\n${runUsage}`);
  const [script, ...scriptArgs] = args.positionals;
  if (script === undefined) throw new UsageError(`a SCRIPT to run is required\n${runUsage}`);
  const remoteScript = flags['remote-script'] === true;
  const localScript = remoteScript ? script : resolve(io.cwd, script);
  if (!remoteScript && !(existsSync(localScript) && statSync(localScript).isFile())) {
    throw new UsageError(`${script} is not a local file (use --remote-script for a path on the remote)`);
  }
  let srun: string[] | undefined;
  try {
    const words = splitShellWords(flags.srun ?? '');
    srun = words.length > 0 ? words : undefined; // --srun '' (or none): no srun
  } catch (err) {
    if (err instanceof ShellWordsError) throw new UsageError(`--srun: ${err.message}`);
    throw err;
  }
  const sshConfig = flags['ssh-config'];
  const aborter = new AbortController();
  // Every way this side can end stops the remote run as Ctrl+C does: SIGINT, SIGTERM, SIGHUP
  // (terminal closed), the parent process gone, stdout closed by its reader. Exit 128+N.
  let stopCode: number | undefined;
  const stop = (why: string, code: number) => {
    if (stopCode !== undefined) {
      if (code === 130) process.exit(130); // a second Ctrl+C: leave now
      return;
    }
    stopCode = code;
    io.stderr.write(`\nlumi-modules: ${why}: stopping the remote run...\n`);
    aborter.abort();
  };
  const onSignal = (sig: NodeJS.Signals) =>
    stop(`got ${sig}`, 128 + (sig === 'SIGHUP' ? 1 : sig === 'SIGINT' ? 2 : 15));
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, onSignal);
  const parent = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid !== parent) stop('the parent process is gone', 129);
  }, 500);
  parentWatch.unref();
  const onOutputError = () => stop('output closed', 141);
  io.stdout.on('error', onOutputError);
  const ignore = () => undefined; // a closed terminal makes writes to stderr fail: never a crash
  io.stderr.on('error', ignore);
  // Backpressure: while the local stdout or stderr is full, the remote output is held back.
  const sink = (stream: NodeJS.WritableStream) => (chunk: Buffer) =>
    stream.write(chunk)
      ? undefined
      : once(stream, 'drain', { signal: aborter.signal }).catch(() => undefined);
  let connection;
  try {
    const resolved = await resolveHost(host, sshConfig ? resolve(io.cwd, sshConfig) : undefined, io.env);
    connection = await connect(resolved, cliPrompts(io), aborter.signal);
    const code = await runOnHost(
      sshExecutor(connection),
      {
        modulePaths: flags['module-use'] ?? [],
        modules: flags.module ?? [],
        venv: flags.venv,
        cwd: flags.cwd,
        preamble: flags.preamble,
        srun,
        script: localScript,
        remoteScript,
        args: scriptArgs,
      },
      { stdout: sink(io.stdout), stderr: sink(io.stderr) },
      aborter.signal,
      {
        orphanFile: join(
          io.env.XDG_STATE_HOME || join(io.env.HOME || homedir(), '.local', 'state'),
          'lumi-modules',
          'orphaned-runs.json',
        ),
        onOrphanCleaned: (pidFile, outcome) => {
          if (outcome.state === 'stopped')
            io.stderr.write(
              `lumi-modules: ended run ${pidFile.slice(pidFile.lastIndexOf('/') + 1)} left on ${host} ` +
                'by a dropped connection\n',
            );
        },
        onCancelled: (outcome) => {
          const reason = 'reason' in outcome ? outcome.reason : 'no answer';
          const text =
            outcome.state === 'stopped'
              ? `the remote run was stopped (process group ${outcome.processGroup} ended)`
              : outcome.state === 'not-running'
                ? 'the remote run was not running (it had not started or had already ended)'
                : outcome.state === 'still-running'
                  ? `the remote run could NOT be stopped: process group ${outcome.processGroup} ` +
                    `is still running on ${host}`
                  : `the remote run could not be stopped: ${reason}; ` +
                    'it ends by itself when it no longer hears from this side';
          io.stderr.write(`lumi-modules: ${text}\n`);
        },
      },
    );
    return stopCode ?? code;
  } catch (err) {
    if (err instanceof ConnectAbortedError) {
      io.stderr.write(`lumi-modules run: ${err.message}\n`);
      return stopCode ?? 130;
    }
    if (err instanceof SshError || err instanceof SshConfigError) {
      io.stderr.write(`lumi-modules run: ${err.message}\n`);
      return 255;
    }
    if (err instanceof ExecError) {
      // A problem on this side (the script cannot be read), not of SSH.
      io.stderr.write(`lumi-modules run: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    clearInterval(parentWatch);
    io.stdout.off('error', onOutputError);
    io.stderr.off('error', ignore);
    connection?.close();
  }
}
