// Maps analysis results (plain data) to LSP types. Positions are already LSP-shaped.
import {
  CodeAction,
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  SymbolKind,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionEntry } from '../core/analysis/features/completion';
import type { ModuleSymbol } from '../core/analysis/modulefile/types';
import type { Finding, Fix, Severity } from '../core/analysis/types';
import { docsUrl } from '../core/analysis/diagnosticDocs';

export const DIAGNOSTIC_SOURCE = 'lumi-modules';

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding): Diagnostic {
  const source = /^SC\d+$/.test(finding.code) ? 'shellcheck' : DIAGNOSTIC_SOURCE;
  const href = docsUrl(finding.code);
  return {
    range: finding.range,
    severity: severities[finding.severity],
    code: finding.code,
    ...(href ? { codeDescription: { href } } : {}),
    source,
    message: finding.message,
  };
}

/** At most this many other places listed under one diagnostic. */
const MAX_RELATED = 20;

/**
 * The diagnostics of one document. Identical findings (same code and message, e.g. one getenv
 * without fallback used four times) stay at their places, so their quick fixes stay there, and
 * each lists the others as relatedInformation ("also here"): the Problems panel shows them as one
 * story.
 */
export function toDiagnostics(findings: readonly Finding[], uri: string): Diagnostic[] {
  const same = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.code}\u0000${f.message}`;
    const list = same.get(key);
    if (list) list.push(f);
    else same.set(key, [f]);
  }
  return findings.map((f) => {
    const diagnostic = toDiagnostic(f);
    const group = same.get(`${f.code}\u0000${f.message}`)!;
    if (group.length > 1)
      diagnostic.relatedInformation = group
        .filter((other) => other !== f)
        .slice(0, MAX_RELATED)
        .map((other) => ({
          location: { uri, range: other.range },
          message: `also here (${group.length} in all)`,
        }));
    return diagnostic;
  });
}

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/**
 * Quick fixes for the diagnostics the client asks about, from the findings last published;
 * `safeFixes` gives the fixes of one finding that passed the re-check (checker.safeFixes).
 */
export async function quickFixes(
  uri: string,
  findings: readonly Finding[],
  diagnostics: readonly Diagnostic[],
  safeFixes: (finding: Finding) => Promise<Fix[]>,
): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const finding = findings.find((f) => f.code === diagnostic.code && sameRange(f.range, diagnostic.range));
    if (!finding) continue;
    for (const [i, fix] of (await safeFixes(finding)).entries()) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0 && !fix.title.startsWith('Ignore '),
        edit: { changes: { [uri]: fix.edits } },
      });
    }
  }
  return actions;
}

const completionKinds: Record<CompletionEntry['kind'], CompletionItemKind> = {
  function: CompletionItemKind.Function,
  variable: CompletionItemKind.Variable,
  file: CompletionItemKind.File,
  folder: CompletionItemKind.Folder,
  module: CompletionItemKind.Module,
};

export function toCompletionItem(entry: CompletionEntry, document: TextDocument): CompletionItem {
  const item: CompletionItem = {
    label: entry.label,
    kind: completionKinds[entry.kind],
    detail: entry.detail,
    documentation: entry.documentation ? { kind: 'markdown', value: entry.documentation } : undefined,
    insertTextFormat: entry.isSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  const newText = entry.insertText ?? entry.label;
  if (entry.replace) {
    item.textEdit = {
      range: { start: document.positionAt(entry.replace.start), end: document.positionAt(entry.replace.end) },
      newText,
    };
  } else {
    item.insertText = newText;
  }
  return item;
}

const symbolKinds: Record<ModuleSymbol['kind'], SymbolKind> = {
  local: SymbolKind.Variable,
  env: SymbolKind.Constant,
  path: SymbolKind.Array,
  function: SymbolKind.Function,
  dependency: SymbolKind.Module,
  message: SymbolKind.String,
};

export function toDocumentSymbol(symbol: ModuleSymbol): DocumentSymbol {
  return {
    name: symbol.name || '(unnamed)',
    kind: symbolKinds[symbol.kind],
    detail: symbol.detail,
    range: symbol.range,
    selectionRange: symbol.selectionRange,
  };
}
