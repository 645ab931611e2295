// `check`'s text output, as ESLint's stylish and codeframe formatters: per file a header, each
// finding as `line:col  severity  message  code` with its source line and a caret under the range,
// then one summary line. Names, messages and source lines pass through escapeControl (a file's
// name or content cannot drive the terminal or forge a line). Colour only when asked (colorWanted).
import { relative } from 'node:path';
import { escapeControl, quoteFileName } from '../core/common/terminalText';
import type { FileFinding, Severity } from '../core/analysis/types';

/** ANSI SGR colours; none when colour is off. */
interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  severity(severity: Severity, s: string): string;
}

const SGR = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const SEVERITY_SGR: Record<Severity, (s: string) => string> = {
  error: SGR(31, 39),
  warning: SGR(33, 39),
  information: SGR(36, 39),
  hint: SGR(2, 22),
};
const COLOR: Paint = { bold: SGR(1, 22), dim: SGR(2, 22), severity: (sev, s) => SEVERITY_SGR[sev](s) };
const PLAIN: Paint = { bold: (s) => s, dim: (s) => s, severity: (_sev, s) => s };

/**
 * Colour as ESLint and Node decide it: FORCE_COLOR (not 0/false) on, FORCE_COLOR=0/false off,
 * NO_COLOR (any non-empty value, no-color.org) off, else on a terminal that is not `dumb`.
 */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

/** Source lines wider than this are shown as a window around the finding. */
const MAX_SHOWN_LINE = 160;

export interface TextFormatOptions {
  cwd: string;
  color: boolean;
  /** The text of a checked file, for the code frame (undefined: no frame). */
  readText(file: string): string | undefined;
}

/** `a` and `b` pluralised by count: `1 error`, `2 warnings`. */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "3 problems (1 error, 2 warnings) in 2 files"; information and hints counted when there are any. */
export function summaryLine(findings: readonly FileFinding[]): string {
  const by: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of findings) by[f.severity]++;
  const parts = [count(by.error, 'error'), count(by.warning, 'warning')];
  if (by.information > 0) parts.push(`${by.information} information`);
  if (by.hint > 0) parts.push(count(by.hint, 'hint'));
  const files = new Set(findings.map((f) => f.file)).size;
  return `${count(findings.length, 'problem')} (${parts.join(', ')}) in ${count(files, 'file')}`;
}

/** A checked file's name as the header shows it: relative to cwd when under it. */
function shownName(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return quoteFileName(rel.startsWith('..') || rel === '' ? file : rel);
}

/**
 * The frame of one finding: its first source line (escaped, a window of a long line) and the caret
 * line under the range (to the end of that line when the range goes on). Tabs are kept in both
 * lines so the caret stays under its text.
 */
export function codeFrame(lines: readonly string[], f: FileFinding, paint: Paint): string[] {
  const raw = lines[f.range.start.line];
  if (raw === undefined) return [];
  const start = Math.min(f.range.start.character, raw.length);
  const end =
    f.range.end.line > f.range.start.line
      ? raw.length
      : Math.min(Math.max(f.range.end.character, start), raw.length);
  let from = 0;
  let to = raw.length;
  if (raw.length > MAX_SHOWN_LINE) {
    from = Math.max(0, Math.min(start - 40, raw.length - MAX_SHOWN_LINE));
    to = Math.min(raw.length, from + MAX_SHOWN_LINE);
  }
  let text = from > 0 ? '…' : '';
  let marker = from > 0 ? ' ' : '';
  for (let i = from; i < to; i++) {
    const c = raw[i];
    const shown = c === '\t' ? c : escapeControl(c);
    text += shown;
    const mark = i >= start && (i < end || (i === start && end === start)) ? '^' : c === '\t' ? '\t' : ' ';
    marker += mark === '^' ? '^'.repeat(shown.length) : mark === '\t' ? '\t' : ' '.repeat(shown.length);
  }
  if (to < raw.length) text += '…';
  if (start >= to) marker += '^'; // a range at the end of the line (or past the window)
  const number = String(f.range.start.line + 1);
  const gutter = (s: string) => paint.dim(`${s.padStart(6)} | `);
  return [gutter(number) + text, gutter('') + paint.severity(f.severity, marker.trimEnd())];
}

/** The whole text output; '' when there is no finding. */
export function formatText(findings: readonly FileFinding[], options: TextFormatOptions): string {
  if (findings.length === 0) return '';
  const paint = options.color ? COLOR : PLAIN;
  const out: string[] = [];
  const byFile = new Map<string, FileFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, list] of byFile) {
    out.push(paint.bold(shownName(file, options.cwd)));
    const text = options.readText(file);
    // Lines as our positions count them (LF; a CR before it is no part of the line).
    const lines =
      text === undefined ? [] : text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    const widest = Math.max(
      ...list.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1}`.length),
    );
    for (const f of list) {
      const at = `${f.range.start.line + 1}:${f.range.start.character + 1}`.padEnd(widest);
      const severity = paint.severity(f.severity, f.severity.padEnd(11));
      out.push(`  ${at}  ${severity}  ${escapeControl(f.message)}  ${paint.dim(f.code)}`);
      out.push(...codeFrame(lines, f, paint));
    }
    out.push('');
  }
  const worst = findings.some((f) => f.severity === 'error')
    ? 'error'
    : findings.some((f) => f.severity === 'warning')
      ? 'warning'
      : 'information';
  out.push(paint.bold(paint.severity(worst, summaryLine(findings))));
  return out.join('\n');
}
