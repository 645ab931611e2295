// VS Code entry point: starts the bundled language server and registers the commands.
// Thin on purpose: every check, the scaffolding and the remote run live in server/src.
import * as vscode from 'vscode';
import { createContainerModule } from './commands/createContainerModule';
import { RemoteRuns } from './commands/runPythonFile';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const runs = new RemoteRuns();
  context.subscriptions.push(
    runs,
    vscode.commands.registerCommand('lumiModules.createContainerModule', createContainerModule),
    vscode.commands.registerCommand('lumiModules.runPythonFile', (uri?: vscode.Uri) => runs.run(uri)),
    vscode.commands.registerCommand('lumiModules.stopRuns', () => runs.stopAll()),
  );
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
  };
  client = new LanguageClient('lumiModules', 'LUMI Container Modules', serverOptions, clientOptions);

  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
