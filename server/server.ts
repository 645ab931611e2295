// The language server: LSP wiring only. Everything it reports comes from core/.
// Runs under VS Code (IPC) and on its own for any LSP editor: `node dist/server.js --stdio`.
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
  type Location,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { completeModulefile } from '../core/analysis/features/completion';
import { definitionModulefile } from '../core/analysis/features/definition';
import { hoverFindings } from '../core/analysis/features/findingHover';
import { hoverModulefile } from '../core/analysis/features/hover';
import { definitionOfLocal, prepareRenameLocal, renameLocal } from '../core/analysis/features/locals';
import { signatureModulefile } from '../core/analysis/features/signature';
import { initBashParser } from '../core/analysis/wrapper/parser';
import { DocumentChecker, isTooLarge, uriToPath } from './checker';
import { DIAGNOSTIC_SOURCE, quickFixes, toCompletionItem, toDiagnostics, toDocumentSymbol } from './convert';
import { frameChecker } from './frames';
import { overlayFileSystem } from './overlayFileSystem';
import {
  chooseShellcheck,
  defaultSettings,
  DID_CHANGE_WORKSPACE_TRUST,
  envFromSettings,
  parseProgramSettings,
  parseSettingsReporting,
  type ProgramSettings,
  type ServerSettings,
} from './settings';
import { findModulefiles } from './workspaceScan';
import { registerCheckFolder } from './checkFolder';
import { logPrograms } from './programLog';
import type { AnalysisEnv } from '../core/analysis/env';
import type { SeverityPolicy } from '../core/analysis/policy';
import { ProjectConfigFinder } from '../core/analysis/projectConfig';

const stdio = stdioStreams();
const connection = stdio
  ? createConnection(ProposedFeatures.all, stdio.reader, stdio.writer)
  : createConnection(ProposedFeatures.all);

/**
 * Over stdio, a message header the reader cannot take would leave the server alive but deaf:
 * frames.ts checks every header first and a malformed one ends the process with a clear line on
 * stderr instead, so the client sees the exit and restarts the server.
 */
function stdioStreams(): { reader: StreamMessageReader; writer: StreamMessageWriter } | undefined {
  if (!process.argv.includes('--stdio')) return undefined;
  const fatal = (problem: string) => {
    process.stderr.write(
      `lumi-modules language server: unreadable message from the client (${problem}); ` +
        'exiting so that the client restarts the server\n',
    );
    process.exit(1);
  };
  const reader = new StreamMessageReader(process.stdin.pipe(frameChecker(fatal)));
  reader.onError((err) => {
    // A bad JSON body is skipped by the reader; only a bad header blocks the stream.
    if (/Content-Length|Header must provide/.test(err.message)) fatal(err.message.split('\n')[0]);
  });
  return { reader, writer: new StreamMessageWriter(process.stdout) };
}
const documents = new TextDocuments(TextDocument);

// Looked up by path, not by URI string: editors percent-encode URIs differently. Kept by path and
// by directory as documents open and close, so that a file-system question costs one lookup.
// A document whose URI is not a string (a malformed didOpen) is logged once and never looked at.
const openByPath = new Map<string, string>(); // path -> uri
const openByDir = new Map<string, Set<string>>(); // directory -> uris
const validDocuments = () => documents.all().filter((d) => typeof d.uri === 'string');
const openDocumentByPath = (path: string) => {
  const uri = openByPath.get(path);
  return uri === undefined ? undefined : documents.get(uri);
};
const openInDirectory = (dir: string) =>
  [...(openByDir.get(dir) ?? [])].map((uri) => documents.get(uri)).filter((d) => d !== undefined);
function trackOpened(uri: string): void {
  const path = uriToPath(uri);
  if (path === undefined) return;
  openByPath.set(path, uri);
  const dir = dirname(path);
  let uris = openByDir.get(dir);
  if (!uris) openByDir.set(dir, (uris = new Set()));
  uris.add(uri);
}
function trackClosed(uri: string): void {
  const path = uriToPath(uri);
  if (path === undefined) return;
  if (openByPath.get(path) === uri) openByPath.delete(path);
  const uris = openByDir.get(dirname(path));
  uris?.delete(uri);
  if (uris?.size === 0) openByDir.delete(dirname(path));
}
const openText = (path: string) => openDocumentByPath(path)?.getText();
const fs = overlayFileSystem(openText);
let settings: ServerSettings = defaultSettings;
let programs: ProgramSettings = { workspaceTrusted: true };
let refusedProgram: string | undefined;
let workspaceRoots: string[] = [];
let env: AnalysisEnv = makeEnvFromSettings();
let canPullConfiguration = false;
let canRegisterFileWatcher = false;

function makeEnvFromSettings(): AnalysisEnv {
  const choice = settings.shellcheck.enable
    ? chooseShellcheck(programs, process.env.PATH)
    : { path: undefined };
  if (choice.problem && choice.problem !== refusedProgram) connection.console.error(choice.problem);
  refusedProgram = choice.problem;
  const shellcheckPath = choice.path;
  logPrograms(connection, shellcheckPath, programs.workspaceTrusted);
  return envFromSettings(settings, fs, process.env, shellcheckPath, workspaceRoots[0]);
}

// Started at once: the first documents arrive in the same message burst as `initialize`.
const parsersReady = initBashParser().catch((err: unknown) =>
  connection.console.error(`bash parser failed to load: ${String(err)}`),
);

// No document is checked before the client's settings are known (the first pull, or the
// initializationOptions of a client that cannot be asked): findings under defaults would be wrong.
let settingsKnown!: () => void;
const firstSettings = new Promise<void>((resolve) => (settingsKnown = resolve));

const checker = new DocumentChecker({
  ready: Promise.all([parsersReady, firstSettings]).then(() => undefined),
  document: (uri) => documents.get(uri),
  openDocuments: validDocuments,
  openInDirectory,
  env: () => env,
  publish: (uri, version, findings) =>
    void connection.sendDiagnostics({ uri, version, diagnostics: toDiagnostics(findings, uri) }),
  log: (message) => connection.console.error(message),
  severityPolicy: (path) => severityPolicy(path),
});

const reportedConfigErrors = new Set<string>();

/** .lumi-modules.json nearest the file (read afresh: it may have changed), then the settings on top. */
function severityPolicy(path: string | undefined): SeverityPolicy {
  let project: SeverityPolicy = {};
  try {
    if (path) project = new ProjectConfigFinder(fs).forFile(path).severity;
    else if (workspaceRoots[0])
      project = new ProjectConfigFinder(fs).forDirectory(workspaceRoots[0]).severity;
  } catch (err) {
    // A malformed project file: said once per message, then only the settings apply.
    const message = String((err as Error).message);
    if (!reportedConfigErrors.has(message)) {
      reportedConfigErrors.add(message);
      connection.console.error(message);
      void connection.window.showWarningMessage(`lumi-modules: ${message}`);
    }
  }
  return { ...project, ...settings.diagnostics.severity };
}

/** Runs a request handler so that no input can take the server down: errors are logged, not thrown. */
function safely<A extends unknown[], R>(name: string, fallback: R, handler: (...args: A) => R | Promise<R>) {
  return async (...args: A): Promise<R | ResponseError> => {
    // After `shutdown` the protocol allows only `exit`: a request gets InvalidRequest.
    if (shutDown) return new ResponseError(ErrorCodes.InvalidRequest, `${name} after shutdown`);
    try {
      return await handler(...args);
    } catch (err) {
      connection.console.error(
        `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return fallback;
    }
  };
}

/**
 * safely() for a request about a document: it waits for the first settings, as the checks do (a
 * hover or completion under the defaults would contradict the user's settings: an unknown site
 * function, an unresolvable path).
 */
function documentRequest<A extends unknown[], R>(
  name: string,
  fallback: R,
  handler: (...args: A) => R | Promise<R>,
) {
  return safely(name, fallback, async (...args: A): Promise<R> => {
    await firstSettings;
    return handler(...args);
  });
}

function modulefileDocument(uri: string): TextDocument | undefined {
  const doc = documents.get(uri);
  // Editor features honour the same size limit as the diagnostics: a huge document is not analysed.
  if (!doc || isTooLarge(doc.getText())) return undefined;
  return checker.kindOf(doc) === 'modulefile' ? doc : undefined;
}

/** The client's settings; a value that is not valid keeps its previous one and is logged. */
function takeSettings(raw: unknown): ServerSettings {
  const parsed = parseSettingsReporting(raw, settings);
  for (const problem of parsed.problems) connection.console.warn(`setting lumiModules.${problem}: ignored`);
  return parsed.settings;
}

async function refreshSettings(pushed?: unknown): Promise<void> {
  if (canPullConfiguration) {
    settings = takeSettings(await connection.workspace.getConfiguration('lumiModules'));
  } else if (pushed !== undefined) {
    settings = takeSettings(pushed);
  }
  env = makeEnvFromSettings();
}

connection.onInitialize((params): InitializeResult => {
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  canRegisterFileWatcher = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  if (params.initializationOptions !== undefined) settings = takeSettings(params.initializationOptions);
  // Program paths come from the user's side only (see ProgramSettings), never from the folder.
  programs = parseProgramSettings(params.initializationOptions);
  workspaceRoots = (params.workspaceFolders ?? [])
    .map((f) => uriToPath(f.uri))
    .filter((p): p is string => p !== undefined);
  if (workspaceRoots.length === 0 && params.rootUri) {
    const root = uriToPath(params.rootUri);
    if (root) workspaceRoots.push(root);
  }
  env = makeEnvFromSettings();
  if (!canPullConfiguration) settingsKnown();
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['"', "'", '/', '.'] },
      hoverProvider: true,
      signatureHelpProvider: { triggerCharacters: ['(', ',', '{'] },
      definitionProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: DIAGNOSTIC_SOURCE },
  };
});

connection.onInitialized(
  safely('initialized', undefined, async () => {
    if (canPullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'lumiModules' });
      try {
        await refreshSettings();
      } finally {
        settingsKnown();
      }
    }
    if (canRegisterFileWatcher) {
      // Diagnostics depend on files beside the edited ones (images, load messages, wrappers, other modules).
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*' }],
      });
    }
    await parsersReady;
    checker.scheduleAll();
    // The module index lets a wrapper know which modules put it on PATH before they are opened:
    // filled in the background after the open documents, then those checked again.
    workspaceModulefiles = await findModulefiles(workspaceRoots);
    checker.scheduleAll(workspaceModulefiles);
    await checker.idle();
    checker.scheduleAll();
  }),
);

/** The workspace's modulefiles found at start-up (re-indexed when the settings change). */
let workspaceModulefiles: string[] = [];

connection.onDidChangeConfiguration(
  safely('didChangeConfiguration', undefined, async (change) => {
    await refreshSettings(change.settings);
    // In the background, open documents first: requests are answered meanwhile.
    checker.scheduleAll(workspaceModulefiles);
  }),
);

connection.onNotification(
  DID_CHANGE_WORKSPACE_TRUST,
  safely('didChangeWorkspaceTrust', undefined, (params: unknown) => {
    programs = parseProgramSettings(params);
    env = makeEnvFromSettings();
    checker.scheduleAll();
  }),
);

documents.onDidOpen((e) => {
  if (typeof e.document.uri !== 'string') {
    connection.console.error(
      `didOpen ignored: the document URI is not a string (${JSON.stringify(e.document.uri)})`,
    );
    return;
  }
  trackOpened(e.document.uri);
  checker.schedule(e.document.uri);
});
documents.onDidChangeContent((e) => {
  if (typeof e.document.uri === 'string') checker.schedule(e.document.uri);
});
documents.onDidClose((e) => {
  if (typeof e.document.uri === 'string') trackClosed(e.document.uri);
  checker.closed(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeWatchedFiles(
  safely('didChangeWatchedFiles', undefined, (params) => {
    const paths = params.changes
      .map((c) => (typeof c.uri === 'string' ? uriToPath(c.uri) : undefined))
      .filter((p): p is string => p !== undefined);
    if (paths.length > 0) checker.filesChanged(paths);
  }),
);

connection.onCompletion(
  documentRequest('completion', [], (params) => {
    const doc = modulefileDocument(params.textDocument.uri);
    if (!doc) return [];
    const entries = completeModulefile(
      doc.getText(),
      doc.offsetAt(params.position),
      uriToPath(doc.uri) ?? '',
      env,
      Object.keys({ ...process.env, ...settings.env }),
      checker.modulefileAnalysis(doc),
    );
    return entries.map((e) => toCompletionItem(e, doc));
  }),
);

connection.onHover(
  documentRequest('hover', null, (params) => {
    const doc = modulefileDocument(params.textDocument.uri);
    const hover =
      doc &&
      hoverModulefile(checker.modulefileAnalysis(doc), params.position, {
        text: doc.getText(),
        luaVersion: env.luaVersion,
      });
    // On a finding (a modulefile's or a wrapper's), its code's explanation after the hover.
    const why = hoverFindings(checker.findings(params.textDocument.uri), params.position);
    if (!hover && !why) return null;
    const markdown = [hover?.markdown, why?.markdown].filter(Boolean).join('\n\n---\n\n');
    return { contents: { kind: 'markdown' as const, value: markdown }, range: (hover ?? why)!.range };
  }),
);

connection.onSignatureHelp(
  documentRequest('signatureHelp', null, (params) => {
    const doc = modulefileDocument(params.textDocument.uri);
    const sig = doc && signatureModulefile(doc.getText(), doc.offsetAt(params.position));
    if (!sig) return null;
    return {
      signatures: [
        {
          label: sig.label,
          documentation: { kind: 'markdown' as const, value: sig.documentation },
          parameters: sig.parameters,
        },
      ],
      activeSignature: 0,
      activeParameter: sig.activeParameter,
    };
  }),
);

connection.onDefinition(
  documentRequest('definition', [] as Location[], (params) => {
    const doc = modulefileDocument(params.textDocument.uri);
    if (!doc) return [];
    const analysis = checker.modulefileAnalysis(doc);
    const local = definitionOfLocal(doc.getText(), doc.offsetAt(params.position), env.luaVersion, analysis);
    const targets = definitionModulefile(analysis, params.position, env);
    const start = { line: 0, character: 0 };
    // A local inside a path (`pathJoin(root, 'txt', 'load.txt')`): its declaration, then the files.
    return [
      ...(local ? [{ uri: doc.uri, range: local }] : []),
      ...targets.map((path) => ({ uri: pathToFileURL(path).href, range: { start, end: start } })),
    ];
  }),
);

connection.onPrepareRename(
  documentRequest('prepareRename', null, (params) => {
    const doc = modulefileDocument(params.textDocument.uri);
    if (!doc) return null;
    const target = prepareRenameLocal(doc.getText(), doc.offsetAt(params.position), env.luaVersion);
    if (!target) return null;
    // The client shows the message ("'x' is a global: only locals are renamed").
    if (!target.ok) return new ResponseError(ErrorCodes.InvalidRequest, target.message);
    return { range: target.range, placeholder: target.placeholder };
  }),
);

connection.onRenameRequest(
  documentRequest('rename', null, (params) => {
    const doc = modulefileDocument(params.textDocument.uri);
    if (!doc) return null;
    const result = renameLocal(doc.getText(), doc.offsetAt(params.position), params.newName, env.luaVersion);
    if (!result.ok) return new ResponseError(ErrorCodes.InvalidRequest, result.message);
    return { changes: { [doc.uri]: result.edits } };
  }),
);

connection.onDocumentSymbol(
  documentRequest('documentSymbol', [], (params) => {
    const doc = modulefileDocument(params.textDocument.uri);
    return doc ? checker.modulefileAnalysis(doc).symbols.map(toDocumentSymbol) : [];
  }),
);

connection.onCodeAction(
  documentRequest('codeAction', [], (params) =>
    quickFixes(
      params.textDocument.uri,
      checker.findings(params.textDocument.uri),
      params.context.diagnostics,
      (f) => checker.safeFixes(params.textDocument.uri, f),
    ),
  ),
);

registerCheckFolder(connection, () => firstSettings.then(() => env));
let shutDown = false;
connection.onShutdown(() => {
  shutDown = true;
  checker.dispose();
});

// Keep a single bad request or a bug from killing the server the editor depends on.
process.on('uncaughtException', (err) => connection.console.error(`uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => connection.console.error(`unhandled rejection: ${String(err)}`));

documents.listen(connection);
connection.listen();
