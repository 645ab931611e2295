// Plain data shared by the analysis, the CLI and the language server.
// No `vscode` and no LSP import here: positions follow LSP's convention (0-based line and
// UTF-16 character) so the server can pass them through unchanged.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** Plain code-unit order (not localeCompare): the same on every machine, and fast for big trees. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A quick fix: edits to the same file the finding is in. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** One diagnostic of one file. `code` is part of the public contract (README lists them). */
export interface Finding {
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  fixes?: Fix[];
}

/** A finding with the file it belongs to: the CLI's JSON output element (without `fixes`). */
export interface FileFinding extends Finding {
  file: string;
}

export const severityRank: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}
