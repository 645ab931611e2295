// "LUMI: Run Python File in Container Module": runs the current .py file on LUMI through the
// module's wrapper, in a pseudoterminal (ANSI colours kept), over one kept SSH connection per host;
// in a Remote-SSH window (already on LUMI) the same run happens locally, with no second hop.
import * as vscode from 'vscode';
import { askForHost } from '../hostPrompt';
import { SshError } from '../../core/remote/connection';
import { ExecError } from '../../core/remote/executor';
import { localExecutor } from '../../core/remote/localExecutor';
import type { ConnectionState } from '../../core/remote/pool';
import { runOnHost, type RunOutput, type RunRequest } from '../../core/remote/run';
import { sshExecutor } from '../../core/remote/sshExecutor';
import { parseRunSettings, runRequestFromSettings, type RunSettings } from '../../core/remote/settings';
import { pythonFileToSend, readSettings } from '../settings';
import { SshConfigError } from '../../core/remote/sshConfig';
import type { Ctx } from '../ctx';
import { runEndLine, runStartLine } from '../activityLog';

export class RemoteRuns implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  /** A Stop button next to it while runs are active. */
  private readonly stopItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 9);
  private readonly running = new Set<AbortController>();

  constructor(private readonly ctx: Ctx) {
    this.status.command = 'lumiModules.runPythonFile';
    this.stopItem.command = 'lumiModules.stopRuns';
    this.stopItem.text = '$(debug-stop) Stop';
    this.stateListener = ctx.onConnectionState(({ host, state, detail }) =>
      this.showState(host, state, detail),
    );
  }

  private readonly stateListener: vscode.Disposable;

  private showState(
    host: { alias: string; configFile?: string },
    state: ConnectionState,
    detail?: string,
  ): void {
    const icon =
      state === 'connected' ? '$(vm-active)' : state === 'connecting' ? '$(sync~spin)' : '$(vm-outline)';
    this.status.text = `${icon} LUMI: ${host.alias}`;
    this.status.tooltip = [
      `SSH connection to ${host.alias}: ${state}`,
      detail,
      host.configFile && `SSH config: ${host.configFile}`,
    ]
      .filter(Boolean)
      .join('\n');
    this.status.show();
  }

  stopAll(): void {
    for (const run of this.running) run.abort();
  }

  async run(resource?: vscode.Uri): Promise<void> {
    const uri = await pythonFileToSend(resource, 'run it in the container module', 'runs on LUMI');
    if (!uri) return;
    let settings = parseRunSettings(readSettings(uri).run);
    const onLumi = vscode.env.remoteName === 'ssh-remote';
    if (!onLumi && !settings.host) {
      // The same question as Submit's (client/hostPrompt.ts); the run then reads the saved setting.
      const host = await askForHost('LUMI: Run Python file');
      if (host === undefined) return;
      settings = { ...settings, host };
    }
    if (settings.modules.length === 0) {
      void vscode.window.showWarningMessage(
        'LUMI: no module in lumiModules.run.modules: python runs without a container module.',
      );
    }
    const request = runRequestFromSettings(settings, uri.fsPath, onLumi || uri.scheme !== 'file');
    const abort = new AbortController();
    this.running.add(abort);
    this.showRunning();
    const name = uri.path.split('/').pop() ?? 'script';
    const write = new vscode.EventEmitter<string>();
    const ready = new Promise<void>((resolve) => {
      const pty: vscode.Pseudoterminal = {
        onDidWrite: write.event,
        open: () => resolve(),
        close: () => abort.abort(), // closing the terminal stops the remote run
        handleInput: (data) => {
          if (data === '\x03') abort.abort();
        },
      };
      vscode.window
        .createTerminal({ name: `LUMI: ${name}`, pty, iconPath: new vscode.ThemeIcon('remote') })
        .show(true);
    });
    await ready;
    const toTerminal = (chunk: Buffer) => write.fire(chunk.toString('utf8').replace(/\r?\n/g, '\r\n'));
    const output: RunOutput = { stdout: toTerminal, stderr: toTerminal };
    const where = onLumi ? 'this LUMI node' : settings.host;
    write.fire(
      `\x1b[2mRunning ${name} on ${where}${request.srun ? ' with srun' : ''}... (Ctrl+C stops it)\x1b[0m\r\n`,
    );
    const logged = { file: uri.fsPath, host: onLumi ? undefined : settings.host };
    this.ctx.log(runStartLine({ ...logged, modules: settings.modules, srun: Boolean(request.srun) }));
    try {
      const code = onLumi
        ? await runOnHost(localExecutor(), request, output, abort.signal)
        : await this.runOverKeptConnection(settings, request, output, abort);
      this.ctx.log(runEndLine(logged, { exitCode: code, stopped: abort.signal.aborted }));
      const stopped = abort.signal.aborted ? ', stopped' : '';
      write.fire(
        `\r\n\x1b[${code === 0 ? '32' : '31'}m[${name} exited with code ${code}${stopped}]\x1b[0m\r\n`,
      );
    } catch (err) {
      const message =
        err instanceof SshError || err instanceof SshConfigError || err instanceof ExecError
          ? err.message
          : `unexpected error: ${(err as Error).message}`;
      write.fire(`\r\n\x1b[31mLUMI: ${message}\x1b[0m\r\n`);
      this.ctx.log(runEndLine(logged, { error: message }));
      void vscode.window.showErrorMessage(`LUMI: ${message}`);
    } finally {
      this.running.delete(abort);
      this.showRunning();
    }
  }

  private async runOverKeptConnection(
    settings: RunSettings,
    request: RunRequest,
    output: RunOutput,
    abort: AbortController,
  ): Promise<number> {
    const pool = this.ctx.connections();
    const connection = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `LUMI: connecting to ${settings.host}`,
        cancellable: true,
      },
      (_progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        return pool.acquire(settings.host, settings.sshConfigFile, abort.signal);
      },
    );
    try {
      return await runOnHost(sshExecutor(connection), request, output, abort.signal);
    } finally {
      pool.release(settings.host, settings.sshConfigFile);
    }
  }

  private showRunning(): void {
    const runs = this.running.size;
    this.stopItem.tooltip = `Stop ${runs} LUMI run${runs === 1 ? '' : 's'} (ends the remote processes)`;
    if (this.running.size > 0) this.stopItem.show();
    else this.stopItem.hide();
  }

  dispose(): void {
    this.stopItem.dispose();
    this.stopAll();
    this.stateListener.dispose();
    this.status.dispose();
  }
}
