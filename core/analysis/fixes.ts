// Quick fixes that are always safe: "ignore CODE on this line" for every finding (ShellCheck's as
// `# shellcheck disable=SCnnnn`), and the check every fix must pass before it is offered: applied to
// the text and re-analysed, it must remove its own finding and add none.
import type { CommentSyntax } from './policy';
import type { Finding, Fix, Position, TextEdit } from './types';

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** LSP position (UTF-16 units, as JS strings count) to an offset, clamped to the text. */
function offsetAt(text: string, starts: number[], p: Position): number {
  if (p.line >= starts.length) return text.length;
  const lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] : text.length;
  return Math.min(starts[Math.max(0, p.line)] + Math.max(0, p.character), lineEnd);
}

/** The text with the edits applied (non-overlapping, as LSP requires; applied back to front). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits
    .map((e, i) => ({
      start: offsetAt(text, starts, e.range.start),
      end: offsetAt(text, starts, e.range.end),
      newText: e.newText,
      i,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

const isShellcheckCode = (code: string) => /^SC\d+$/.test(code);

/**
 * "Ignore CODE on this line": a directive on the line above the finding, or the code added to the
 * directive already there (as vscode-eslint extends an eslint-disable-next-line comment).
 * Undefined where no comment can go (the shebang line).
 */
export function ignoreFix(finding: Finding, text: string, syntax: CommentSyntax): Fix | undefined {
  const lines = text.split('\n');
  const line = finding.range.start.line;
  if (line >= lines.length) return undefined;
  if (line === 0 && lines[0].startsWith('#!')) return undefined;
  const code = finding.code;
  const shellcheck = syntax === 'shell' && isShellcheckCode(code);
  const above = line > 0 ? lines[line - 1] : undefined;
  const existing =
    above === undefined
      ? null
      : shellcheck
        ? /^\s*#\s*shellcheck\s+disable=[A-Za-z0-9,]+/.exec(above)
        : syntax === 'lua'
          ? /^\s*--\s*lumi-modules:\s*ignore\s+[A-Za-z0-9_-]+(?:\s*[, ]\s*[A-Za-z0-9_-]+)*/.exec(above)
          : /^\s*#\s*lumi-modules:\s*ignore\s+[A-Za-z0-9_-]+(?:\s*[, ]\s*[A-Za-z0-9_-]+)*/.exec(above);
  const title = `Ignore ${code} on this line`;
  if (existing) {
    const at = { line: line - 1, character: existing[0].length };
    return {
      title,
      edits: [{ range: { start: at, end: at }, newText: shellcheck ? `,${code}` : `, ${code}` }],
    };
  }
  const indent = /^[ \t]*/.exec(lines[line])![0];
  const directive = shellcheck
    ? `# shellcheck disable=${code}`
    : `${syntax === 'lua' ? '--' : '#'} lumi-modules: ignore ${code}`;
  const at = { line, character: 0 };
  return { title, edits: [{ range: { start: at, end: at }, newText: `${indent}${directive}\n` }] };
}

/**
 * Codes that name one problem, told apart by what the module shows: an unset WITH_CONDA for a
 * readable conda image is image-python-needs-conda until a wrapper on PATH applies it, then
 * missing-with-conda (a fix that puts the wrappers on PATH moves it from one to the other).
 */
const SAME_PROBLEM: Record<string, string> = { 'image-python-needs-conda': 'missing-with-conda' };

function countByCode(findings: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) {
    const code = SAME_PROBLEM[f.code] ?? f.code;
    m.set(code, (m.get(code) ?? 0) + 1);
  }
  return m;
}

/**
 * Whether a fix may be offered: after it, there is one fewer finding of its code and no code has
 * more findings than before. Counted by code: a fix moves ranges, and a finding's message may change
 * with what the fix repairs (missing-with-conda names the wrapper once PATH is set) without being new.
 */
export function fixIsSafe(target: Finding, before: readonly Finding[], after: readonly Finding[]): boolean {
  const b = countByCode(before);
  const a = countByCode(after);
  const code = SAME_PROBLEM[target.code] ?? target.code;
  if ((a.get(code) ?? 0) >= (b.get(code) ?? 0)) return false;
  for (const [code, n] of a) if (n > (b.get(code) ?? 0)) return false;
  return true;
}
