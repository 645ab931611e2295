// Checks open documents as they change: debounced per document, modulefile analyses cached for
// hover/definition/symbols, and dependants re-checked (a wrapper's diagnostics depend on the
// modules that put it on PATH, a module's on its wrappers).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { snapshotFileSystem, type AnalysisEnv } from '../core/analysis/env';
import { analyzeModulefile } from '../core/analysis/modulefile/analyze';
import type { ModulefileAnalysis } from '../core/analysis/modulefile/types';
import { ModuleIndex, moduleSummary } from '../core/analysis/project/moduleIndex';
import { MAX_CHECKED_BYTES, tooLargeNote } from '../core/analysis/project/readSource';
import type { Finding } from '../core/analysis/types';
import { checkFile, memoizedShellcheck, type FileCheck } from '../core/analysis/project/checkFile';
import { applyEdits, fixIsSafe, ignoreFix } from '../core/analysis/fixes';
import type { SeverityPolicy } from '../core/analysis/policy';
import type { Fix } from '../core/analysis/types';
import { documentKind, type DocumentKind } from './documentKind';

export interface CheckerHost {
  document(uri: string): TextDocument | undefined;
  openDocuments(): TextDocument[];
  /** The open documents in a directory (found without looking at the others). */
  openInDirectory?(dir: string): TextDocument[];
  env(): AnalysisEnv;
  publish(uri: string, version: number, findings: Finding[]): void;
  log(message: string): void;
  /** Per-code severity for a file: its .lumi-modules.json with the editor settings on top. */
  severityPolicy?(path: string | undefined): SeverityPolicy;
  /** Settles when the parsers and the first settings are ready (documents opened earlier wait for it). */
  ready?: Promise<void>;
}

const pathsOfUris = new Map<string, string | undefined>();

/** The path of a file: URI (remembered: the server asks for the same open documents' paths often). */
export function uriToPath(uri: string): string | undefined {
  if (typeof uri !== 'string' || !uri.startsWith('file:')) return undefined;
  if (pathsOfUris.has(uri)) return pathsOfUris.get(uri);
  let path: string | undefined;
  try {
    path = fileURLToPath(uri);
  } catch {
    path = undefined;
  }
  if (pathsOfUris.size >= 100_000) pathsOfUris.clear();
  pathsOfUris.set(uri, path);
  return path;
}

/** Over the size limit of the CLI (UTF-8 bytes); the length bounds the byte count from both sides. */
export function isTooLarge(text: string): boolean {
  if (text.length > MAX_CHECKED_BYTES) return true;
  if (text.length * 3 <= MAX_CHECKED_BYTES) return false;
  return Buffer.byteLength(text) > MAX_CHECKED_BYTES;
}

/** Findings of a text too large to analyse interactively (same limit as the CLI). */
function tooLarge(text: string): Finding[] | undefined {
  return isTooLarge(text) ? [tooLargeNote(Buffer.byteLength(text))] : undefined;
}

export class DocumentChecker {
  readonly index = new ModuleIndex();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Analyses by document, keyed by the text they are of (a version number can repeat). */
  private readonly modulefileCache = new Map<string, { text: string; analysis: ModulefileAnalysis }>();
  private readonly published = new Map<string, Finding[]>();
  /** ShellCheck's stage of the engine: unchanged text (same ShellCheck) is not checked again. */
  private readonly shellcheck = memoizedShellcheck(() => this.host.env());
  /** Re-checks that wait their turn (settings changed): one at a time, requests answered between. */
  private readonly background = new Set<string>();
  /** Modulefiles on disk to re-index after the open documents (the workspace scan, settings changes). */
  private readonly backgroundIndex = new Set<string>();
  private backgroundRunning = false;

  /** Before the parsers are ready an analysis lacks wrapper facts: it is not cached. */
  private parsersReady: boolean;

  constructor(
    private readonly host: CheckerHost,
    private readonly debounceMs = 25,
  ) {
    this.parsersReady = host.ready === undefined;
    void host.ready?.then(() => (this.parsersReady = true));
  }

  kindOf(doc: TextDocument): DocumentKind {
    return documentKind(doc.languageId, uriToPath(doc.uri) ?? doc.uri, doc.getText());
  }

  /** Findings last published for a document (quick fixes are looked up here). */
  findings(uri: string): Finding[] {
    return this.published.get(uri) ?? [];
  }

  /**
   * The modulefile analysis of the document's current text (cached; `fresh`: analysed again,
   * other files changed). The previous text's analysis is handed on: what still holds is reused.
   */
  modulefileAnalysis(doc: TextDocument, fresh = false): ModulefileAnalysis {
    const text = doc.getText();
    const cached = this.modulefileCache.get(doc.uri);
    if (cached && cached.text === text && !fresh) return cached.analysis;
    const analysis = analyzeModulefile(text, uriToPath(doc.uri) ?? doc.uri, this.analysisEnv(), {
      previous: cached?.analysis,
    });
    if (this.parsersReady) this.modulefileCache.set(doc.uri, { text, analysis });
    return analysis;
  }

  /** Index a modulefile that is not open (workspace scan, closed document). */
  indexFromDisk(path: string): void {
    const text = this.host.env().fs.readText(path);
    if (text === undefined || tooLarge(text)) {
      this.index.delete(path);
      return;
    }
    this.index.set(path, moduleSummary(analyzeModulefile(text, path, this.analysisEnv())));
  }

  /**
   * The environment for one modulefile analysis: the file system seen as one snapshot, so a path
   * the module names many times (its root, image and bin directories) is looked at once. Never
   * kept: the next analysis sees the disk and the open documents afresh.
   */
  private analysisEnv(): AnalysisEnv {
    const env = this.host.env();
    return { ...env, fs: snapshotFileSystem(env.fs) };
  }

  schedule(uri: string, cause: 'edit' | 'dependant' = 'edit'): void {
    this.background.delete(uri);
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.check(uri, cause).catch((err: unknown) =>
          this.host.log(`check of ${uri} failed: ${String(err)}`),
        );
      }, this.debounceMs),
    );
  }

  /**
   * Files changed on disk (the client's file watcher): re-check the open documents whose
   * findings depend on them (paths a module names, files in directories it names, wrappers),
   * and re-index modulefiles that are not open.
   */
  filesChanged(paths: readonly string[]): void {
    const open = new Set(this.host.openDocuments().map((d) => uriToPath(d.uri)));
    const touches = (value: string) =>
      paths.some((p) => p === value || p.startsWith(value.endsWith('/') ? value : value + '/'));
    for (const path of paths) if (path.endsWith('.lua') && !open.has(path)) this.indexFromDisk(path);
    for (const doc of this.host.openDocuments()) {
      if (this.kindOf(doc) === 'modulefile') {
        const cached = this.modulefileCache.get(doc.uri)?.analysis;
        const depends =
          !cached ||
          cached.paths.some((p) => p.value !== undefined && touches(p.value)) ||
          cached.wrapperDirs.some(touches);
        if (depends) this.schedule(doc.uri, 'dependant');
      } else if (this.kindOf(doc) === 'wrapper') {
        // A wrapper's findings depend on the modules that put it on PATH (re-indexed above).
        if (paths.some((p) => p.endsWith('.lua'))) this.schedule(doc.uri, 'dependant');
      }
    }
  }

  /**
   * Re-check every open document (settings changed, index filled) in the background: one check at
   * a time with the event loop free between them, so requests (hover, completion) are answered
   * meanwhile; `reindex`, modulefiles on disk, are re-indexed after the open documents.
   */
  scheduleAll(reindex: readonly string[] = []): void {
    for (const doc of this.host.openDocuments()) if (!this.timers.has(doc.uri)) this.background.add(doc.uri);
    for (const path of reindex) this.backgroundIndex.add(path);
    if (this.backgroundRunning) return;
    this.backgroundRunning = true;
    void this.runBackground().finally(() => (this.backgroundRunning = false));
  }

  /** Settles when the background re-checks queued so far are done (tests, benches). */
  async idle(): Promise<void> {
    while (this.backgroundRunning || this.timers.size > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async runBackground(): Promise<void> {
    if (this.host.ready) await this.host.ready;
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    while (this.background.size > 0 || this.backgroundIndex.size > 0) {
      await turn();
      const uri = this.background.values().next().value;
      if (uri !== undefined) {
        this.background.delete(uri);
        await this.check(uri, 'dependant').catch((err: unknown) =>
          this.host.log(`check of ${uri} failed: ${String(err)}`),
        );
        continue;
      }
      const path = this.backgroundIndex.values().next().value!;
      this.backgroundIndex.delete(path);
      const open = this.host.openInDirectory?.(dirname(path)).some((d) => uriToPath(d.uri) === path);
      if (!open) this.indexFromDisk(path);
    }
  }

  closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.background.delete(uri);
    this.modulefileCache.delete(uri);
    this.published.delete(uri);
    const path = uriToPath(uri);
    if (path && path.endsWith('.lua')) this.indexFromDisk(path);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.background.clear();
    this.backgroundIndex.clear();
  }

  /** The one engine's check of a text (core/analysis/project/checkFile.ts), as the CLI runs it. */
  private checkText(
    path: string,
    kind: 'modulefile' | 'wrapper',
    text: string,
    options: { previous?: ModulefileAnalysis; onAnalysed?: (check: FileCheck) => void } = {},
  ): Promise<FileCheck> {
    const env = kind === 'modulefile' ? this.analysisEnv() : this.host.env();
    const withConda = kind === 'wrapper' ? this.index.modulesSettingWithConda(path) : undefined;
    return checkFile(text, path, {
      kind,
      env,
      severity: this.host.severityPolicy?.(path),
      modulesSettingWithConda: withConda,
      withCondaValues: withConda && this.index.withCondaValues(withConda),
      shellcheck: this.shellcheck,
      document: kind === 'modulefile' ? { previous: options.previous } : undefined,
      onAnalysed: options.onAnalysed,
    });
  }

  /** Every finding of a text (ShellCheck's included), without publishing: what a fix is checked against. */
  async findingsOfText(path: string, kind: DocumentKind, text: string): Promise<Finding[]> {
    const large = tooLarge(text);
    if (large) return large;
    if (kind === 'other') return [];
    return (await this.checkText(path, kind, text)).findings;
  }

  /**
   * The fixes of a finding that may be offered: its own and "ignore on this line", each applied to
   * the text and re-analysed; a fix that adds a finding or leaves its own is dropped.
   */
  async safeFixes(uri: string, finding: Finding): Promise<Fix[]> {
    const doc = this.host.document(uri);
    if (!doc) return [];
    const path = uriToPath(uri) ?? uri;
    const kind = this.kindOf(doc);
    if (kind === 'other') return [];
    const text = doc.getText();
    const ignore = ignoreFix(finding, text, kind === 'wrapper' ? 'shell' : 'lua');
    const candidates = [...(finding.fixes ?? []), ...(ignore ? [ignore] : [])];
    if (candidates.length === 0) return [];
    const before = await this.findingsOfText(path, kind, text);
    const verdicts = await Promise.all(
      candidates.map(async (fix) =>
        fixIsSafe(finding, before, await this.findingsOfText(path, kind, applyEdits(text, fix.edits))),
      ),
    );
    return candidates.filter((_, i) => verdicts[i]);
  }

  async check(uri: string, cause: 'edit' | 'dependant'): Promise<void> {
    // A document opened in the first message burst waits for the parsers and the first settings.
    if (this.host.ready) await this.host.ready;
    const doc = this.host.document(uri);
    if (!doc) return;
    const version = doc.version;
    const path = uriToPath(uri) ?? uri;
    const kind = this.kindOf(doc);
    const text = doc.getText();
    const large = tooLarge(text);
    if (large) return this.publish(uri, version, text, large);
    if (kind === 'other') return this.publish(uri, version, text, []);

    if (kind === 'modulefile') {
      // Analysed again: a check means this text or another file changed (the previous analysis
      // is handed on, so what still holds is reused).
      const cached = this.modulefileCache.get(uri);
      const check = await this.checkText(path, kind, text, { previous: cached?.analysis });
      if (this.parsersReady && check.analysis)
        this.modulefileCache.set(uri, { text, analysis: check.analysis });
      const before = this.index.wrapperDirs();
      const summary = check.summary!;
      this.index.set(path, summary);
      this.publish(uri, version, text, check.findings);
      if (cause === 'edit')
        this.scheduleDependants(
          [...new Set([...before, ...summary.wrapperDirs])],
          'wrapper',
          (p) => before.has(dirname(p)) || summary.wrapperDirs.includes(dirname(p)),
        );
      return;
    }

    // A wrapper: our findings go out first, ShellCheck's (tens of milliseconds) follow.
    const check = await this.checkText(path, kind, text, {
      onAnalysed: (ours) => this.publish(uri, version, text, ours.findings),
    });
    this.publish(uri, version, text, check.findings);
    if (cause === 'edit') {
      const owners = new Set(this.index.owners(path));
      this.scheduleDependants(
        [...owners].map((o) => dirname(o)),
        'modulefile',
        (p) => owners.has(p),
      );
    }
  }

  private scheduleDependants(
    dirs: readonly string[],
    kind: DocumentKind,
    matches: (path: string) => boolean,
  ): void {
    const docs = this.host.openInDirectory
      ? dirs.flatMap((dir) => this.host.openInDirectory!(dir))
      : this.host.openDocuments();
    for (const doc of docs) {
      const path = uriToPath(doc.uri);
      if (path && matches(path) && this.kindOf(doc) === kind) this.schedule(doc.uri, 'dependant');
    }
  }

  /** Published only while the document still has the checked text (versions can repeat). */
  private publish(uri: string, version: number, text: string, findings: Finding[]): void {
    if (this.host.document(uri)?.getText() !== text) return; // a newer text will publish
    this.published.set(uri, findings);
    this.host.publish(uri, version, findings);
  }
}
