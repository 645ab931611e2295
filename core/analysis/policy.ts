// What users configure about findings, applied in ONE place after the analysers (the CLI's
// checkProject and the language server's checker both call finalizeFindings): our finding that
// ShellCheck already reports dropped, inline suppressions, per-code severity and `off`.
// Rules never look at configuration.
import type { Finding, Range, Severity } from './types';
import { withValue } from './messages';

export type SeverityOverride = Severity | 'off';

/** Per-code severity overrides (`{ "unused-local": "off", "SC2086": "error" }`). */
export type SeverityPolicy = Readonly<Record<string, SeverityOverride>>;

/** Comment syntax of the checked file: Lua modulefiles (`--`) or shell wrappers (`#`). */
export type CommentSyntax = 'lua' | 'shell';

export const SEVERITY_OVERRIDES: readonly SeverityOverride[] = [
  'error',
  'warning',
  'information',
  'hint',
  'off',
];

export const UNUSED_SUPPRESSION = 'unused-suppression';

const COMMENT_START: Record<CommentSyntax, string> = { lua: '--', shell: '#' };

/** `-- lumi-modules: ignore CODE[, CODE]...` (Lua) / `# lumi-modules: ignore CODE...` (shell). */
function directivePattern(syntax: CommentSyntax): RegExp {
  return new RegExp(
    `${COMMENT_START[syntax]}\\s*lumi-modules:\\s*ignore\\s+([A-Za-z0-9_-]+(?:\\s*[, ]\\s*[A-Za-z0-9_-]+)*)`,
  );
}

export interface Suppression {
  /** 0-based line of the comment; it covers findings starting on this line and the next. */
  line: number;
  codes: string[];
  /** The directive's range (from the comment start to the end of the code list). */
  range: Range;
}

/** Suppression comments of a text. A line is read only when it mentions `lumi-modules:` (fast path). */
export function findSuppressions(text: string, syntax: CommentSyntax): Suppression[] {
  if (!text.includes('lumi-modules:')) return [];
  const pattern = directivePattern(syntax);
  const out: Suppression[] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const m = pattern.exec(lines[line]);
    if (!m) continue;
    out.push({
      line,
      codes: m[1].split(/[\s,]+/).filter(Boolean),
      range: { start: { line, character: m.index }, end: { line, character: m.index + m[0].length } },
    });
  }
  return out;
}

/** ShellCheck codes that report the same unquoted `$@`/`$*` as our wrapper-unquoted-args. */
const SHELLCHECK_UNQUOTED_ARGS = new Set(['SC2068', 'SC2048', 'SC2086', 'SC2145']);

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) =>
    x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Our wrapper-unquoted-args where ShellCheck reports the same expansion: reported once, as ShellCheck's. */
export function dropShellcheckDuplicates(findings: readonly Finding[]): Finding[] {
  const shellcheck = findings.filter((f) => SHELLCHECK_UNQUOTED_ARGS.has(f.code));
  if (shellcheck.length === 0) return [...findings];
  return findings.filter(
    (f) => f.code !== 'wrapper-unquoted-args' || !shellcheck.some((s) => overlaps(s.range, f.range)),
  );
}

export interface FinalizeOptions {
  /** The checked text (for suppression comments); undefined: no suppressions are read. */
  text?: string;
  syntax: CommentSyntax;
  severity?: SeverityPolicy;
}

/**
 * The findings a user sees: duplicates of ShellCheck dropped, findings on a line with (or below)
 * a matching suppression comment dropped, a hint for each suppressed code that suppressed
 * nothing, then per-code severity (`off` removes).
 */
export function finalizeFindings(findings: readonly Finding[], options: FinalizeOptions): Finding[] {
  let out = dropShellcheckDuplicates(findings);
  const suppressions = options.text === undefined ? [] : findSuppressions(options.text, options.syntax);
  if (suppressions.length > 0) {
    const used = new Set<string>(); // `${line}:${code}`
    out = out.filter((f) => {
      const line = f.range.start.line;
      const s = suppressions.find(
        (x) => (x.line === line || x.line === line - 1) && x.codes.includes(f.code),
      );
      if (!s) return true;
      used.add(`${s.line}:${f.code}`);
      return false;
    });
    for (const s of suppressions) {
      for (const code of s.codes) {
        if (used.has(`${s.line}:${code}`)) continue;
        out.push({
          range: s.range,
          severity: 'hint',
          code: UNUSED_SUPPRESSION,
          message: withValue('this suppression suppresses nothing on this line or the next', code),
          fixes: [
            {
              title: `Remove the unused suppression of ${code}`,
              edits: [removeCodeEdit(options.text!, s, code)],
            },
          ],
        });
      }
    }
  }
  const policy = options.severity;
  if (!policy || Object.keys(policy).length === 0) return out;
  const result: Finding[] = [];
  for (const f of out) {
    const override = Object.prototype.hasOwnProperty.call(policy, f.code) ? policy[f.code] : undefined;
    if (override === 'off') continue;
    result.push(override ? { ...f, severity: override } : f);
  }
  return result;
}

/** The edit that drops one code from a directive, or the whole comment when it was the only one. */
function removeCodeEdit(text: string, s: Suppression, code: string): { range: Range; newText: string } {
  const lineText = text.split('\n')[s.line];
  if (s.codes.length > 1) {
    const rest = s.codes.filter((c) => c !== code);
    const directive = lineText.slice(s.range.start.character, s.range.end.character);
    const listStart = directive.search(/ignore\s+/) + (/ignore\s+/.exec(directive)?.[0].length ?? 0);
    return {
      range: { start: { line: s.line, character: s.range.start.character + listStart }, end: s.range.end },
      newText: rest.join(', '),
    };
  }
  // The whole comment: with the blanks before it; and the line itself when nothing else is on it.
  const before = lineText.slice(0, s.range.start.character);
  if (before.trim() === '' && lineText.slice(s.range.end.character).trim() === '') {
    return {
      range: { start: { line: s.line, character: 0 }, end: { line: s.line + 1, character: 0 } },
      newText: '',
    };
  }
  const start = before.trimEnd().length;
  return {
    range: { start: { line: s.line, character: start }, end: { line: s.line, character: lineText.length } },
    newText: '',
  };
}
