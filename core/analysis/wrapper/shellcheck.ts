// ShellCheck's findings for a wrapper (code SCnnnn), when installed and enabled. The text goes on
// stdin so unsaved editor buffers are checked; never throws, a timeout kills it.
import { loadExeca } from '../../common/execa';
import type { AnalysisEnv } from '../env';
import type { Finding, Severity } from '../types';
import { shellOfShebang } from './shebang';

const TIMEOUT_MS = 10_000;
const LEVELS: Record<string, Severity> = { error: 'error', warning: 'warning', info: 'information', style: 'hint' };

interface ShellcheckComment {
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  level: string;
  code: number;
  message: string;
  /** ShellCheck's own fix (e.g. SC2086 quotes a variable): replacements in json1 coordinates. */
  fix?: { replacements: { line: number; endLine: number; column: number; endColumn: number; replacement: string }[] } | null;
}

/** ShellCheck's json1 columns are 1-based and count code points (a tab is one); LSP counts UTF-16 units. */
export function shellcheckColumnToCharacter(lineText: string, column: number): number {
  let col = 1;
  let i = 0;
  while (i < lineText.length && col < column) {
    const code = lineText.codePointAt(i)!;
    col++;
    i += code > 0xffff ? 2 : 1;
  }
  return i;
}

export async function runShellcheck(text: string, env: AnalysisEnv, timeoutMs = TIMEOUT_MS): Promise<Finding[]> {
  if (!env.shellcheck.enabled) return [];
  try {
    const { execa } = await loadExeca();
    // Exit 1 means "findings"; a missing program, a crash or the timeout (SIGKILL) leave no JSON.
    const result = await execa(env.shellcheck.path, ['--format=json1', '--norc', '--shell', shellOfShebang(text) ?? 'bash', '-'], {
      input: text,
      stderr: 'ignore',
      reject: false,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    if (result.timedOut || typeof result.stdout !== 'string') return [];
    const lines = text.split('\n');
    const toRange = (r: { line: number; endLine: number; column: number; endColumn: number }) => ({
      start: { line: r.line - 1, character: shellcheckColumnToCharacter(lines[r.line - 1] ?? '', r.column) },
      end: { line: r.endLine - 1, character: shellcheckColumnToCharacter(lines[r.endLine - 1] ?? '', r.endColumn) },
    });
    const comments = (JSON.parse(result.stdout) as { comments: ShellcheckComment[] }).comments;
    return comments.map((c): Finding => ({
      range: toRange(c),
      severity: LEVELS[c.level] ?? 'information',
      code: `SC${c.code}`,
      message: c.message,
      fixes: c.fix?.replacements.length
        ? [{ title: `Apply ShellCheck's fix for SC${c.code}`, edits: c.fix.replacements.map((r) => ({ range: toRange(r), newText: r.replacement })) }]
        : undefined,
    }));
  } catch {
    return [];
  }
}
