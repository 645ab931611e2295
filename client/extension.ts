// VS Code entry point: builds the Ctx (language client, output channel), registers the commands
// and starts the bundled language server. Thin on purpose: every check, the scaffolding and the
// remote run live in core/.
import * as vscode from 'vscode';
import { FolderCheck } from './commands/checkFolder';
import { createContainerModule } from './commands/createContainerModule';
import { RemoteRuns } from './commands/runPythonFile';
import { Ctx } from './ctx';
import { openSetting } from './hostPrompt';
import { BatchJobs } from './commands/submitBatchJob';

let ctx: Ctx | undefined;

type JobNode = Parameters<BatchJobs['openOutput']>[0];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const c = new Ctx(context);
  ctx = c;
  const runs = new RemoteRuns(c);
  context.subscriptions.push(
    c,
    runs,
    vscode.commands.registerCommand('lumiModules.createContainerModule', () => createContainerModule(c)),
    vscode.commands.registerCommand('lumiModules.runPythonFile', (uri?: vscode.Uri) => runs.run(uri)),
    vscode.commands.registerCommand('lumiModules.stopRuns', () => runs.stopAll()),
    vscode.commands.registerCommand('lumiModules.restartServer', () => c.restart()),
    vscode.commands.registerCommand('lumiModules.showOutput', () => c.showOutput()),
  );
  // Creating modules and running scripts work without the server: a failed start is only logged.
  await c.start().catch((err: unknown) => {
    void vscode.window.showErrorMessage(
      `LUMI: the language server did not start (${(err as Error).message}). See LUMI: Show Output.`,
    );
  });
  // The server picks programs from user-level values and the trust state only; tell it when either changes.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => c.sendPrograms()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lumiModules.shellcheck.path')) c.sendPrograms();
    }),
  );
  const folderCheck = new FolderCheck(c);
  context.subscriptions.push(
    folderCheck,
    vscode.commands.registerCommand('lumiModules.checkFolder', () => folderCheck.run()),
    // Settings links (the walkthrough's) open the scope where the setting can be set (remote windows).
    vscode.commands.registerCommand('lumiModules.openSetting', (key?: string) =>
      openSetting(typeof key === 'string' ? key : 'lumiModules'),
    ),
  );
  if (c.isRunning()) folderCheck.checkOnOpen();
  const jobs = new BatchJobs(context, c);
  context.subscriptions.push(
    jobs,
    vscode.commands.registerCommand('lumiModules.submitPythonFile', (uri?: vscode.Uri) => jobs.submit(uri)),
    vscode.commands.registerCommand('lumiModules.jobs.refresh', () => jobs.refresh()),
    vscode.commands.registerCommand(
      'lumiModules.jobs.follow',
      (n: JobNode) =>
        n?.kind === 'job' &&
        jobs.follow({ host: n.host, sshConfigFile: n.sshConfigFile, jobId: n.job.jobId, name: n.job.name }),
    ),
    vscode.commands.registerCommand(
      'lumiModules.jobs.cancel',
      (n: JobNode) =>
        n?.kind === 'job' &&
        jobs.cancel({ host: n.host, sshConfigFile: n.sshConfigFile, jobId: n.job.jobId, name: n.job.name }),
    ),
    vscode.commands.registerCommand('lumiModules.jobs.openOutput', (n: JobNode) => n && jobs.openOutput(n)),
    vscode.commands.registerCommand('lumiModules.jobs.statusMenu', (host: string, jobId: string) =>
      jobs.statusMenu(host, jobId),
    ),
  );
  jobs.reattach();
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
