// VS Code entry point: starts the bundled language server and registers the commands.
// Thin on purpose: every check, the scaffolding and the remote run live in core/.
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
  // Not the workspace folder (the client's default): nothing may be resolved against a folder's files.
  const cwd = context.extensionPath;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { cwd } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { cwd, execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Modulefiles are Lua; wrappers are shell scripts (VS Code detects extension-less ones by shebang).
    documentSelector: [
      { scheme: 'file', language: 'lua' },
      { scheme: 'file', language: 'shellscript' },
    ],
    synchronize: { configurationSection: 'lumiModules' },
    initializationOptions: userPrograms(),
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
  // The server picks programs from user-level values and the trust state only (Restricted Mode:
  // ShellCheck from PATH); tell it when either changes.
  const sendPrograms = () => void client?.sendNotification('lumiModules/didChangeWorkspaceTrust', userPrograms());
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(sendPrograms),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lumiModules.shellcheck.path')) sendPrograms();
    }),
  );
}

/** Trust state and the user-level program settings (never a folder's value). */
function userPrograms(): { workspaceTrusted: boolean; lumiModules: { shellcheck: { path?: string } } } {
  const path = vscode.workspace.getConfiguration('lumiModules').inspect<string>('shellcheck.path')?.globalValue;
  return { workspaceTrusted: vscode.workspace.isTrusted, lumiModules: { shellcheck: { path: typeof path === 'string' && path !== '' ? path : undefined } } };
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
