// A real LSP client for tests: starts the bundled server (`node dist/server.js --stdio`) and talks
// JSON-RPC to it over its stdio, answering workspace/configuration like an editor does.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const repoRoot = join(__dirname, '..', '..');
export const serverBundle = join(repoRoot, 'dist', 'server.js');

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcessWithoutNullStreams;
  /** Resolves with the first diagnostics for `uri` that satisfy `accept` (newest first). */
  diagnostics(uri: string, accept?: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  open(path: string, text: string, languageId?: string): Promise<string>;
  change(uri: string, text: string, version?: number): void;
  /** Every diagnostics notification for `uri` so far, oldest first. */
  published(uri: string): Diagnostic[][];
  stderr(): string;
  /** window/logMessage texts so far. */
  logs(): string[];
  stop(): Promise<void>;
}

export async function startServer(options: {
  rootPath: string;
  settings?: unknown;
  pullConfiguration?: boolean;
  cwd?: string;
  initializationOptions?: unknown;
  /** workspace/configuration is answered only once this settles (a slow editor). */
  configurationGate?: Promise<void>;
}): Promise<TestClient> {
  const child = spawn(process.execPath, [serverBundle, '--stdio'], {
    stdio: 'pipe',
    env: { ...process.env },
    cwd: options.cwd,
  });
  const logs: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const latest = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; accept: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] =
    [];
  const history = new Map<string, Diagnostic[][]>();
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    latest.set(p.uri, p.diagnostics);
    history.set(p.uri, [...(history.get(p.uri) ?? []), p.diagnostics]);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.accept(p.diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  connection.onRequest('workspace/configuration', async (params: { items: { section?: string }[] }) => {
    await options.configurationGate;
    return params.items.map(() => options.settings ?? {});
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', (p: { message: string }) => void logs.push(p.message));
  connection.listen();

  const rootUri = pathToFileURL(options.rootPath).href;
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'root' }],
    capabilities: {
      workspace: { configuration: options.pullConfiguration ?? true },
      textDocument: {
        publishDiagnostics: { versionSupport: true },
        completion: { completionItem: { snippetSupport: true } },
      },
    },
    initializationOptions:
      options.initializationOptions ?? (options.pullConfiguration === false ? options.settings : undefined),
  });
  await connection.sendNotification('initialized', {});

  const versions = new Map<string, number>();
  const client: TestClient = {
    connection,
    process: child,
    diagnostics(uri, accept = () => true, timeoutMs = 15_000) {
      const now = latest.get(uri);
      if (now && accept(now)) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no matching diagnostics for ${uri}; last: ${JSON.stringify(latest.get(uri))}\n${stderr}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({ uri, accept, resolve: (d) => (clearTimeout(timer), resolve(d)) });
      });
    },
    async open(path, text, languageId = path.endsWith('.lua') ? 'lua' : 'shellscript') {
      const uri = pathToFileURL(path).href;
      versions.set(uri, 1);
      latest.delete(uri);
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId, version: 1, text },
      });
      return uri;
    },
    published: (uri) => [...(history.get(uri) ?? [])],
    change(uri, text, given) {
      const version = given ?? (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      latest.delete(uri);
      void connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
    },
    stderr: () => stderr,
    logs: () => [...logs],
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      connection.dispose();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        await exited;
      }
    },
  };
  return client;
}

export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}
