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
import { analyzeWrapper } from '../core/analysis/wrapper/analyze';
import { runShellcheck, shellcheckVersion } from '../core/analysis/wrapper/shellcheck';
import { applyEdits, fixIsSafe, ignoreFix } from '../core/analysis/fixes';
import { finalizeFindings, type SeverityPolicy } from '../core/analysis/policy';
import type { Fix } from '../core/analysis/types';
import { createHash } from 'node:crypto';
import { documentKind, type DocumentKind } from './documentKind';

export interface CheckerHost {
  document(uri: string): TextDocument | undefined;
  openDocuments(): TextDocument[];
  env(): AnalysisEnv;
  publish(uri: string, version: number, findings: Finding[]): void;
  log(message: string): void;
  /** Per-code severity for a file: its .lumi-modules.json with the editor settings on top. */
  severityPolicy?(path: string | undefined): SeverityPolicy;
  /** Settles when the parsers are ready (documents opened earlier wait for it). */
  ready?: Promise<void>;
}

export function uriToPath(uri: string): string | undefined {
  if (typeof uri !== 'string' || !uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
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
  private readonly modulefileCache = new Map<string, { version: number; analysis: ModulefileAnalysis }>();
  private readonly published = new Map<string, Finding[]>();
  /**
   * ShellCheck's findings by wrapper text (and ShellCheck path and version): unchanged text is not
   * re-checked.
   */
  private readonly shellcheckCache = new Map<string, Finding[]>();

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
   * The modulefile analysis of the document's current version (cached; `fresh`: analysed again,
   * other files changed). The previous version's analysis is handed on: what still holds is reused.
   */
  modulefileAnalysis(doc: TextDocument, fresh = false): ModulefileAnalysis {
    const cached = this.modulefileCache.get(doc.uri);
    if (cached && cached.version === doc.version && !fresh) return cached.analysis;
    const analysis = analyzeModulefile(doc.getText(), uriToPath(doc.uri) ?? doc.uri, this.analysisEnv(), {
      previous: cached?.analysis,
    });
    if (this.parsersReady) this.modulefileCache.set(doc.uri, { version: doc.version, analysis });
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

  /** Re-check every open document (settings changed, index filled). */
  scheduleAll(): void {
    for (const doc of this.host.openDocuments()) this.schedule(doc.uri, 'dependant');
  }

  closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.modulefileCache.delete(uri);
    this.published.delete(uri);
    const path = uriToPath(uri);
    if (path && path.endsWith('.lua')) this.indexFromDisk(path);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Findings as the user sees them: configuration applied once, after the analysers. */
  private finalize(path: string, kind: DocumentKind, text: string, findings: Finding[]): Finding[] {
    return finalizeFindings(findings, {
      text,
      syntax: kind === 'wrapper' ? 'shell' : 'lua',
      severity: this.host.severityPolicy?.(path),
    });
  }

  /** ShellCheck for a wrapper text, reused while the text, ShellCheck's path and version stay the same. */
  async shellcheck(text: string, path: string, env: AnalysisEnv): Promise<Finding[]> {
    if (!env.shellcheck.enabled) return [];
    const version = await shellcheckVersion(env.shellcheck.path);
    const key = createHash('sha256')
      .update(`${env.shellcheck.path}\0${version}\0`)
      .update(text)
      .digest('hex');
    const cached = this.shellcheckCache.get(key);
    if (cached) return cached;
    const findings = await runShellcheck(text, env);
    if (this.shellcheckCache.size >= 500)
      this.shellcheckCache.delete(this.shellcheckCache.keys().next().value!);
    this.shellcheckCache.set(key, findings);
    return findings;
  }

  /** Every finding of a text (ShellCheck's included), without publishing: what a fix is checked against. */
  async findingsOfText(path: string, kind: DocumentKind, text: string): Promise<Finding[]> {
    const large = tooLarge(text);
    if (large) return large;
    const env = this.host.env();
    if (kind === 'modulefile')
      return this.finalize(path, kind, text, analyzeModulefile(text, path, this.analysisEnv()).findings);
    if (kind !== 'wrapper') return [];
    const analysis = analyzeWrapper(text, path, {
      modulesSettingWithConda: this.index.modulesSettingWithConda(path),
    });
    const shellcheck = analysis.facts.isContainerWrapper ? await this.shellcheck(text, path, env) : [];
    return this.finalize(path, kind, text, [...analysis.findings, ...shellcheck]);
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
    // A document opened in the first message burst waits for the bash parser, not for an edit.
    if (this.host.ready) await this.host.ready;
    const doc = this.host.document(uri);
    if (!doc) return;
    const version = doc.version;
    const path = uriToPath(uri) ?? uri;
    const kind = this.kindOf(doc);
    const text = doc.getText();
    const large = tooLarge(text);
    if (large) return this.publish(uri, version, large);

    if (kind === 'modulefile') {
      // A dependant check means another file changed: the cached analysis of this version is stale.
      const analysis = this.modulefileAnalysis(doc, cause === 'dependant');
      const before = this.index.wrapperDirs();
      this.index.set(path, moduleSummary(analysis));
      this.publish(uri, version, this.finalize(path, kind, text, analysis.findings));
      if (cause === 'edit')
        this.scheduleDependants(
          (p) => before.has(dirname(p)) || analysis.wrapperDirs.includes(dirname(p)),
          'wrapper',
        );
      return;
    }
    if (kind !== 'wrapper') return this.publish(uri, version, []);

    const env = this.host.env();
    const analysis = analyzeWrapper(text, path, {
      modulesSettingWithConda: this.index.modulesSettingWithConda(path),
    });
    this.publish(uri, version, this.finalize(path, kind, text, analysis.findings));
    if (cause === 'edit') {
      const owners = new Set(this.index.owners(path));
      this.scheduleDependants((p) => owners.has(p), 'modulefile');
    }
    if (!analysis.facts.isContainerWrapper || !env.shellcheck.enabled) return;
    // ShellCheck takes tens of milliseconds: our findings go out first, its findings follow.
    const shellcheck = await this.shellcheck(text, path, env);
    if (this.host.document(uri)?.version === version && shellcheck.length > 0) {
      this.publish(uri, version, this.finalize(path, kind, text, [...analysis.findings, ...shellcheck]));
    }
  }

  private scheduleDependants(matches: (path: string) => boolean, kind: DocumentKind): void {
    for (const doc of this.host.openDocuments()) {
      const path = uriToPath(doc.uri);
      if (path && matches(path) && this.kindOf(doc) === kind) this.schedule(doc.uri, 'dependant');
    }
  }

  private publish(uri: string, version: number, findings: Finding[]): void {
    if (this.host.document(uri)?.version !== version) return; // a newer edit will publish
    this.published.set(uri, findings);
    this.host.publish(uri, version, findings);
  }
}
