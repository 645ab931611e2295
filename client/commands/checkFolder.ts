// "LUMI: Check Folder": the language server runs the tree check (what `lumi-modules check` runs) over
// the workspace folders; the findings go to the Problems panel (files open in an editor excepted: the
// server reports those as they change), with a cancellable progress notification and a status bar
// summary. `lumiModules.checkFolder.onOpen` runs it when a workspace with a module tree opens.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FileFinding } from '../../core/analysis/types';
import type { Ctx } from '../ctx';
import { readSettings } from '../settings';

const CHECK_FOLDER_REQUEST = 'lumiModules/checkFolder';

const SEVERITY: Record<FileFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** "3 errors, 1 warning in 2 files" (the counts that are not zero). */
export function summary(findings: readonly FileFinding[]): string {
  const count = (s: FileFinding['severity']) => findings.filter((f) => f.severity === s).length;
  const parts = (
    [
      [count('error'), 'error'],
      [count('warning'), 'warning'],
      [count('information'), 'note'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  const files = new Set(findings.map((f) => f.file)).size;
  return parts.length === 0 ? 'no problems' : `${parts.join(', ')} in ${files} file${files === 1 ? '' : 's'}`;
}

/** A folder holding a module tree: DIR/modules or DIR/bin/modules with a NAME/VERSION.lua. */
function hasModuleTree(dir: string): boolean {
  for (const tree of [join(dir, 'modules'), join(dir, 'bin', 'modules')]) {
    if (!existsSync(tree)) continue;
    try {
      for (const e of readdirSync(tree, { withFileTypes: true }))
        if (e.isDirectory() && readdirSync(join(tree, e.name)).some((f) => f.endsWith('.lua'))) return true;
    } catch {
      // unreadable: not a tree to check on open
    }
  }
  return false;
}

export class FolderCheck implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('lumi-modules-folder');
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 20);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.status.command = 'workbench.actions.view.problems';
    this.status.name = 'LUMI: Check Folder';
    // An opened file is the server's to report (as it is edited): its folder-check entry goes.
    this.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => this.collection.delete(d.uri)));
  }

  /** On activation: check when the setting asks for it and a folder holds a module tree. */
  checkOnOpen(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0 || !readSettings(folders[0].uri).checkFolder.onOpen) return;
    if (folders.some((f) => hasModuleTree(f.uri.fsPath))) void this.run();
  }

  async run(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (folders.length === 0) {
      void vscode.window.showErrorMessage('LUMI: open a folder to check it.');
      return;
    }
    const paths = folders.map((f) => f.uri.fsPath);
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `LUMI: checking ${folders.map((f) => f.name).join(', ')}`,
        cancellable: true,
      },
      async (progress, token) => {
        progress.report({ message: 'modulefiles and wrapper scripts' });
        const started = Date.now();
        this.ctx.log(`Check Folder: ${paths.join(', ')}`);
        let findings: FileFinding[] | null;
        try {
          findings = await this.ctx.request<FileFinding[] | null>(CHECK_FOLDER_REQUEST, { paths }, token);
        } catch (err) {
          if (token.isCancellationRequested) findings = null;
          else {
            this.ctx.log(`Check Folder failed: ${(err as Error).message}`);
            void vscode.window.showErrorMessage(`LUMI: the folder check failed. See LUMI: Show Output.`);
            return;
          }
        }
        if (findings === null || token.isCancellationRequested) {
          this.ctx.log('Check Folder: cancelled');
          return;
        }
        this.show(findings);
        this.ctx.log(`Check Folder: ${summary(findings)} (${Date.now() - started} ms)`);
      },
    );
  }

  private show(findings: readonly FileFinding[]): void {
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.fsPath));
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of findings) {
      if (open.has(f.file)) continue;
      const r = f.range;
      const d = new vscode.Diagnostic(
        new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
        f.message,
        SEVERITY[f.severity],
      );
      d.source = 'lumi-modules';
      d.code = f.code;
      const list = byFile.get(f.file) ?? [];
      list.push(d);
      byFile.set(f.file, list);
    }
    this.collection.clear();
    this.collection.set([...byFile].map(([file, d]) => [vscode.Uri.file(file), d]));
    const errors = findings.filter((f) => f.severity === 'error').length;
    this.status.text = `${errors > 0 ? '$(error)' : '$(check)'} LUMI: ${summary(findings)}`;
    this.status.tooltip = 'LUMI: Check Folder found these (click: the Problems panel)';
    this.status.show();
  }

  dispose(): void {
    this.collection.dispose();
    this.status.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
