// ShellCheck's findings for a wrapper (code SCnnnn), when installed and enabled. The text goes on
// stdin so unsaved editor buffers are checked (the CLI passes files, many per process);
// never throws, a timeout kills it.
import { loadExeca } from '../../common/execa';
import type { AnalysisEnv } from '../env';
import type { Finding, Severity } from '../types';
import { shellOfShebang } from './shebang';

const TIMEOUT_MS = 10_000;
const LEVELS: Record<string, Severity> = {
  error: 'error',
  warning: 'warning',
  info: 'information',
  style: 'hint',
};

interface ShellcheckComment {
  /** The file (json1 names it when ShellCheck checks several). */
  file?: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  level: string;
  code: number;
  message: string;
  /** ShellCheck's own fix (e.g. SC2086 quotes a variable): replacements in json1 coordinates. */
  fix?: {
    replacements: { line: number; endLine: number; column: number; endColumn: number; replacement: string }[];
  } | null;
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

function shellFromShebang(text: string): string {
  return shellOfShebang(text) ?? 'bash';
}

/** ShellCheck's json1 comments as findings of `text`. */
function toFindings(comments: readonly ShellcheckComment[], text: string): Finding[] {
  const lines = text.split('\n');
  const toRange = (r: { line: number; endLine: number; column: number; endColumn: number }) => ({
    start: { line: r.line - 1, character: shellcheckColumnToCharacter(lines[r.line - 1] ?? '', r.column) },
    end: {
      line: r.endLine - 1,
      character: shellcheckColumnToCharacter(lines[r.endLine - 1] ?? '', r.endColumn),
    },
  });
  return comments.map((c): Finding => ({
    range: toRange(c),
    severity: LEVELS[c.level] ?? 'information',
    code: `SC${c.code}`,
    message: c.message,
    fixes: c.fix?.replacements.length
      ? [
          {
            title: `Apply ShellCheck's fix for SC${c.code}`,
            edits: c.fix.replacements.map((r) => ({ range: toRange(r), newText: r.replacement })),
          },
        ]
      : undefined,
  }));
}

/**
 * Runs ShellCheck once; resolves with its json1 comments, or undefined when it could not run. Never rejects.
 */
async function spawnShellcheck(
  path: string,
  args: string[],
  stdinText: string | undefined,
  timeoutMs: number,
): Promise<ShellcheckComment[] | undefined> {
  try {
    const { execa } = await loadExeca();
    // Exit 1 means "findings"; a missing program, a crash or the timeout (SIGKILL) leave no JSON.
    const result = await execa(path, ['--format=json1', '--norc', ...args], {
      input: stdinText ?? '',
      stderr: 'ignore',
      reject: false,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    if (result.timedOut || typeof result.stdout !== 'string') return undefined;
    return (JSON.parse(result.stdout) as { comments: ShellcheckComment[] }).comments;
  } catch {
    return undefined;
  }
}

/** ShellCheck on one text (an editor buffer, unsaved): the text goes on stdin. */
export async function runShellcheck(
  text: string,
  env: AnalysisEnv,
  timeoutMs = TIMEOUT_MS,
): Promise<Finding[]> {
  if (!env.shellcheck.enabled) return [];
  const comments = await spawnShellcheck(
    env.shellcheck.path,
    ['--shell', shellFromShebang(text), '-'],
    text,
    timeoutMs,
  );
  return comments ? toFindings(comments, text) : [];
}

/**
 * Files per ShellCheck process at most: its start-up (tens of ms) is paid once per batch, not per wrapper.
 */
const BATCH_SIZE = 100;
/** Files per process at least when splitting: a few files are not worth another start-up. */
const MIN_BATCH = 8;

/**
 * ShellCheck on many files on disk, a batch per process (json1 names each comment's file), grouped
 * by the shell of their shebang. The check starts the files found by its walk (startWaiting) before
 * it analyses the modules, so ShellCheck works on the other core meanwhile; the rest at collect().
 * A file whose batch failed gets no ShellCheck findings, as with one run.
 */
export class ShellcheckBatches {
  private readonly texts = new Map<string, string>();
  /** Text -> the first path queued with it: ShellCheck checks each distinct text once. */
  private readonly firstWithText = new Map<string, string>();
  /** First path -> later paths with the same text (python, pip, torchrun are often one script). */
  private readonly sameText = new Map<string, string[]>();
  private readonly waiting = new Map<string, string[]>(); // shell -> paths not yet in a batch
  private readonly queued: { shell: string; paths: string[] }[] = [];
  private readonly results = new Map<string, Finding[]>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly env: AnalysisEnv,
    private readonly concurrency = 2,
  ) {}

  /** Queues a file (its text as read, for column mapping). */
  add(path: string, text: string): void {
    if (!this.env.shellcheck.enabled || this.texts.has(path)) return;
    this.texts.set(path, text);
    const first = this.firstWithText.get(text);
    if (first !== undefined) {
      // Findings of a text do not depend on its file's name (no rc file, no sourced files followed).
      const copies = this.sameText.get(first);
      if (copies) copies.push(path);
      else this.sameText.set(first, [path]);
      return;
    }
    this.firstWithText.set(text, path);
    const shell = shellFromShebang(text);
    const paths = this.waiting.get(shell) ?? [];
    paths.push(path);
    this.waiting.set(shell, paths);
  }

  /**
   * Starts ShellCheck on the files added so far, in batches of even size, one per process that may
   * run (batches of unequal size leave a core idle at the end: 32+32 then 32+4 of 100 wrappers).
   */
  startWaiting(): void {
    for (const [shell, paths] of this.waiting) {
      const batches = Math.max(
        1,
        Math.min(this.concurrency, Math.floor(paths.length / MIN_BATCH)),
        Math.ceil(paths.length / BATCH_SIZE),
      );
      const size = Math.ceil(paths.length / batches);
      for (let i = 0; i < paths.length; i += size)
        this.queued.push({ shell, paths: paths.slice(i, i + size) });
    }
    this.waiting.clear();
    this.startQueued();
  }

  /** Runs what is left and resolves with every queued file's findings. */
  async collect(): Promise<Map<string, Finding[]>> {
    this.startWaiting();
    while (this.running.size > 0) await Promise.race(this.running);
    return this.results;
  }

  private startQueued(): void {
    while (this.running.size < this.concurrency && this.queued.length > 0) {
      const { shell, paths } = this.queued.shift()!;
      const run = this.runBatch(shell, paths).finally(() => {
        this.running.delete(run);
        this.startQueued();
      });
      this.running.add(run);
    }
  }

  private async runBatch(shell: string, paths: string[]): Promise<void> {
    const comments = await spawnShellcheck(
      this.env.shellcheck.path,
      ['--shell', shell, '--', ...paths],
      undefined,
      TIMEOUT_MS * 4,
    );
    if (!comments) return;
    const byFile = new Map<string, ShellcheckComment[]>(paths.map((p) => [p, []]));
    for (const c of comments) byFile.get(c.file ?? '')?.push(c);
    for (const [path, list] of byFile) {
      const text = this.texts.get(path)!;
      this.results.set(path, toFindings(list, text));
      for (const copy of this.sameText.get(path) ?? []) this.results.set(copy, toFindings(list, text));
    }
  }
}

/** ShellCheck on many files on disk in batches (see ShellcheckBatches). */
export async function runShellcheckFiles(
  files: ReadonlyMap<string, string>,
  env: AnalysisEnv,
  concurrency = 2,
): Promise<Map<string, Finding[]>> {
  const batches = new ShellcheckBatches(env, concurrency);
  for (const [path, text] of files) batches.add(path, text);
  return batches.collect();
}

/** `shellcheck --version`'s version line, cached per executable (part of cache keys). */
const versions = new Map<string, Promise<string>>();
export function shellcheckVersion(path: string): Promise<string> {
  let v = versions.get(path);
  if (!v) {
    v = (async () => {
      try {
        const { execa } = await loadExeca();
        const r = await execa(path, ['--version'], { timeout: TIMEOUT_MS, reject: false, stdin: 'ignore' });
        if (r.failed || typeof r.stdout !== 'string') return 'unavailable';
        return /version:\s*(\S+)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
      } catch {
        return 'unavailable';
      }
    })();
    versions.set(path, v);
  }
  return v;
}
