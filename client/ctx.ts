// The extension's state, as rust-analyzer's editors/code/src/ctx.ts: the language client, the one
// output channel (start/stop/restart) and the kept SSH connections of runs and batch jobs, which
// follow their settings. Commands receive a Ctx instead of reaching for globals.
import * as vscode from 'vscode';
import { ConnectionPool, type ConnectionState } from '../core/remote/pool';
import { parseRunSettings } from '../core/remote/settings';
import { editorPrompts } from './sshPrompts';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { readSettings } from './settings';

/** Shown in the output channel once the server answered `initialize` (the e2e tests wait for it). */
export const SERVER_READY_LINE = 'language server ready';
const NAME = 'LUMI Container Modules';

/**
 * The output channel as we and the language client write to it: a line that arrives while the window
 * closes (the channel is already closed, a flow still awaits a notification) is dropped instead of
 * surfacing as an error.
 */
function closedTolerant(channel: vscode.OutputChannel): vscode.OutputChannel {
  const write = (f: () => void) => {
    try {
      f();
    } catch {
      // the channel was closed: nobody can read the line anyway
    }
  };
  return {
    ...channel,
    name: channel.name,
    append: (value) => write(() => channel.append(value)),
    appendLine: (value) => write(() => channel.appendLine(value)),
    replace: (value) => write(() => channel.replace(value)),
    clear: () => write(() => channel.clear()),
    show: (...args: unknown[]) => write(() => (channel.show as (...a: unknown[]) => void)(...args)),
    hide: () => write(() => channel.hide()),
    dispose: () => write(() => channel.dispose()),
  };
}

/** A kept connection's state change, for the status bar. */
export interface ConnectionStateChange {
  host: { alias: string; configFile?: string };
  state: ConnectionState;
  detail?: string;
}

/** The settings the pool follows while it lives. */
const IDLE_TIMEOUT_KEY = 'lumiModules.run.idleTimeoutSeconds';

/** The pool is one for the window: the user's (or the workspace's) value, not a folder's. */
const idleTimeoutMs = () => parseRunSettings(readSettings().run).idleTimeoutSeconds * 1000;

const DID_CHANGE_WORKSPACE_TRUST = 'lumiModules/didChangeWorkspaceTrust';

/** Trust state and the program settings, user-level only by the schema (never a folder's value). */
function userPrograms(): { workspaceTrusted: boolean; lumiModules: { shellcheck: { path: string } } } {
  return {
    workspaceTrusted: vscode.workspace.isTrusted,
    lumiModules: { shellcheck: { path: readSettings().shellcheck.path } },
  };
}

export class Ctx implements vscode.Disposable {
  /** The client's own log, our lines and (with lumiModules.trace.server) the LSP trace. */
  readonly output: vscode.OutputChannel = closedTolerant(vscode.window.createOutputChannel(NAME));
  private client?: LanguageClient;
  private pool?: ConnectionPool;
  private readonly connectionState = new vscode.EventEmitter<ConnectionStateChange>();
  /** State changes of the kept SSH connections (connecting, connected, idle-closed, ...). */
  readonly onConnectionState = this.connectionState.event;
  private readonly settingsListener: vscode.Disposable;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.settingsListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(IDLE_TIMEOUT_KEY)) this.pool?.setIdleTimeout(idleTimeoutMs());
    });
  }

  /** The kept SSH connections of runs and batch jobs, one per host; opened on first use. */
  connections(): ConnectionPool {
    this.pool ??= new ConnectionPool(editorPrompts, {
      idleTimeoutMs: idleTimeoutMs(),
      onState: (host, state, detail) => this.connectionState.fire({ host, state, detail }),
    });
    return this.pool;
  }

  /** The server answers requests; editor features ask only then (see `whileRunning`). */
  isRunning(): boolean {
    return this.client?.isRunning() ?? false;
  }

  log(line: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${line}`);
  }

  showOutput(): void {
    this.output.show(true);
  }

  async start(): Promise<void> {
    if (this.client) return;
    const serverModule = this.extension.asAbsolutePath('dist/server.js');
    // Not the workspace folder (the client's default): nothing may be resolved against a folder's files.
    const cwd = this.extension.extensionPath;
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { cwd } },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { cwd, execArgv: ['--nolazy', '--inspect=6011'] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      // Modulefiles are Lua; wrappers are shell scripts (VS Code detects extension-less ones by shebang).
      documentSelector: [
        { scheme: 'file', language: 'lua' },
        { scheme: 'file', language: 'shellscript' },
      ],
      synchronize: { configurationSection: 'lumiModules' },
      // Programs are chosen from the trust state and user-level values only (see userPrograms).
      initializationOptions: userPrograms(),
      // The client id `lumiModules` makes it read `lumiModules.trace.server` itself (and on change).
      outputChannel: this.output,
      // Editors keep asking for code actions and hovers while a window closes or switches folders;
      // once the client is stopping those requests have no answer and must not surface as errors.
      middleware: {
        provideCodeActions: (document, range, context, token, next) =>
          this.whileRunning(() => next(document, range, context, token)),
        provideHover: (document, position, token, next) =>
          this.whileRunning(() => next(document, position, token)),
        provideCompletionItem: (document, position, context, token, next) =>
          this.whileRunning(() => next(document, position, context, token)),
        provideSignatureHelp: (document, position, context, token, next) =>
          this.whileRunning(() => next(document, position, context, token)),
        provideDefinition: (document, position, token, next) =>
          this.whileRunning(() => next(document, position, token)),
        provideDocumentSymbols: (document, token, next) => this.whileRunning(() => next(document, token)),
        prepareRename: (document, position, token, next) =>
          this.whileRunning(() => next(document, position, token)),
        provideRenameEdits: (document, position, newName, token, next) =>
          this.whileRunning(() => next(document, position, newName, token)),
      },
    };
    const client = new LanguageClient('lumiModules', NAME, serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      this.client = undefined;
      this.log(`language server failed to start: ${(err as Error).message}`);
      throw err;
    }
    this.log(SERVER_READY_LINE);
  }

  /**
   * Tells the server the trust state and the user-level program settings again (Restricted Mode:
   * ShellCheck from PATH only; after trust is granted, still only the user's own value).
   */
  sendPrograms(): void {
    if (this.isRunning()) void this.client?.sendNotification(DID_CHANGE_WORKSPACE_TRUST, userPrograms());
  }

  /** A request to the running server (LUMI: Check Folder); fails when it does not run. */
  async request<T>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<T> {
    if (!this.client || !this.isRunning()) throw new Error('the language server does not run');
    return this.client.sendRequest<T>(method, params, token);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.needsStop()) await client.stop();
  }

  /** "LUMI: Restart Language Server": also recovers a server that failed or crashed too often. */
  async restart(): Promise<void> {
    this.log('restarting the language server');
    await this.stop();
    await this.start();
  }

  /** Runs a language feature request only while the server runs; during shutdown: no answer. */
  private async whileRunning<T>(request: () => vscode.ProviderResult<T>): Promise<T | undefined> {
    if (!this.isRunning()) return undefined;
    try {
      return (await request()) ?? undefined;
    } catch (err) {
      if (!this.isRunning()) return undefined;
      throw err;
    }
  }

  dispose(): void {
    void this.stop();
    this.settingsListener.dispose();
    this.pool?.dispose();
    this.pool = undefined;
    this.connectionState.dispose();
    this.output.dispose();
  }
}
