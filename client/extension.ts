// VS Code entry point: starts the bundled language server and registers the commands.
// Thin on purpose: every check, the scaffolding and the remote run live in core/.
import * as vscode from 'vscode';
import { createContainerModule } from './commands/createContainerModule';
import { RemoteRuns } from './commands/runPythonFile';
import { BatchJobs } from './commands/submitBatchJob';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

type JobNode = Parameters<BatchJobs['openOutput']>[0];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const runs = new RemoteRuns();
  context.subscriptions.push(
    runs,
    vscode.commands.registerCommand('lumiModules.createContainerModule', createContainerModule),
    vscode.commands.registerCommand('lumiModules.runPythonFile', (uri?: vscode.Uri) => runs.run(uri)),
    vscode.commands.registerCommand('lumiModules.stopRuns', () => runs.stopAll()),
  );
  const jobs = new BatchJobs(context, runs);
  context.subscriptions.push(
    jobs,
    vscode.commands.registerCommand('lumiModules.submitPythonFile', (uri?: vscode.Uri) => jobs.submit(uri)),
    vscode.commands.registerCommand('lumiModules.jobs.refresh', () => jobs.refresh()),
    vscode.commands.registerCommand('lumiModules.jobs.follow', (n: JobNode) => n?.kind === 'job' && jobs.follow({ host: n.host, sshConfigFile: n.sshConfigFile, jobId: n.job.jobId, name: n.job.name })),
    vscode.commands.registerCommand('lumiModules.jobs.cancel', (n: JobNode) => n?.kind === 'job' && jobs.cancel({ host: n.host, sshConfigFile: n.sshConfigFile, jobId: n.job.jobId, name: n.job.name })),
    vscode.commands.registerCommand('lumiModules.jobs.openOutput', (n: JobNode) => n && jobs.openOutput(n)),
    vscode.commands.registerCommand('lumiModules.jobs.statusMenu', (host: string, jobId: string) => jobs.statusMenu(host, jobId)),
  );
  jobs.reattach();
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Modulefiles are Lua; wrappers are shell scripts (VS Code detects extension-less ones by shebang).
    documentSelector: [
      { scheme: 'file', language: 'lua' },
      { scheme: 'file', language: 'shellscript' },
    ],
    synchronize: { configurationSection: 'lumiModules' },
    outputChannelName: 'LUMI Container Modules',
    // Editors keep asking for code actions and hovers while a window closes or switches folders;
    // once the client is stopping those requests have no answer and must not surface as errors.
    middleware: {
      provideCodeActions: (document, range, context, token, next) => whileRunning(() => next(document, range, context, token)),
      provideHover: (document, position, token, next) => whileRunning(() => next(document, position, token)),
      provideCompletionItem: (document, position, context, token, next) => whileRunning(() => next(document, position, context, token)),
      provideSignatureHelp: (document, position, context, token, next) => whileRunning(() => next(document, position, context, token)),
      provideDefinition: (document, position, token, next) => whileRunning(() => next(document, position, token)),
      provideDocumentSymbols: (document, token, next) => whileRunning(() => next(document, token)),
    },
  };
  client = new LanguageClient('lumiModules', 'LUMI Container Modules', serverOptions, clientOptions);

  await client.start();
}

/** Runs a language feature request only while the server runs; during shutdown: no answer. */
async function whileRunning<T>(request: () => vscode.ProviderResult<T>): Promise<T | undefined> {
  if (!client?.isRunning()) return undefined;
  try {
    return (await request()) ?? undefined;
  } catch (err) {
    if (!client?.isRunning()) return undefined;
    throw err;
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
