// Checks a set of files together: modulefiles first, then the wrapper scripts they put on PATH
// (with what those modules set, e.g. WITH_CONDA) and any other container wrapper found.
// This is what `lumi-modules check` runs; the language server uses the same pieces per document.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisEnv } from '../env';
import type { FileFinding, Finding } from '../types';
import { compareStrings, severityRank } from '../types';
import { analyzeModulefile } from '../modulefile/analyze';
import { analyzeWrapper } from '../wrapper/analyze';
import { initBashParser } from '../wrapper/parser';
import { wrapperFacts } from '../wrapper/facts';
import { runShellcheck } from '../wrapper/shellcheck';
import { mayBeScript } from '../wrapper/shebang';
import { readHeader, readSource } from './readSource';
import { walkPaths } from './walk';
import { ModuleIndex, moduleSummary } from './moduleIndex';

export function isModulefilePath(path: string): boolean {
  return path.endsWith('.lua');
}

/**
 * A script that may be a wrapper: a shebang, or an executable text file. Decided from the first
 * bytes so that images and binaries in a project home are never read whole.
 */
function isScriptCandidate(path: string, env: AnalysisEnv): boolean {
  const header = readHeader(path);
  return header !== undefined && mayBeScript(header, () => env.fs.isExecutable(path));
}

/** ShellCheck runs as a process per wrapper: a few at a time. */
const SHELLCHECK_PROCESSES = 4;

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function checkProject(paths: readonly string[], cwd: string, env: AnalysisEnv): Promise<FileFinding[]> {
  const { files, notes } = walkPaths(paths, cwd);
  const out: FileFinding[] = [...notes];
  const add = (file: string, findings: Finding[]) => {
    for (const f of findings) {
      out.push({ file, range: f.range, severity: f.severity, code: f.code, message: f.message });
    }
  };

  const index = new ModuleIndex();
  const wrappers = new Map<string, string>(); // path -> text
  // python3, pip, pip3 are often links to one python wrapper: check the file once.
  const seenReal = new Set<string>();
  const firstVisit = (path: string) => {
    const real = realPath(path);
    if (seenReal.has(real)) return false;
    seenReal.add(real);
    return true;
  };
  for (const file of files) {
    if (isModulefilePath(file)) {
      const source = readSource(file);
      add(file, source.notes);
      if (!source.ok) continue;
      const analysis = analyzeModulefile(source.text, file, env);
      add(file, analysis.findings);
      index.set(file, moduleSummary(analysis));
      continue;
    }
    if (!isScriptCandidate(file, env) || !firstVisit(file)) continue;
    await initBashParser(); // only when there is a script to look at (once; cached)
    const source = readSource(file);
    if (source.ok && wrapperFacts(source.text).isContainerWrapper) {
      add(file, source.notes);
      wrappers.set(file, source.text);
    }
  }

  // Every script in a directory a checked module puts on PATH is a wrapper of that module.
  for (const dir of [...index.wrapperDirs()].sort()) {
    for (const name of (env.fs.listDir(dir) ?? []).sort()) {
      const path = join(dir, name);
      if (wrappers.has(path) || env.fs.kind(path) !== 'file' || !isScriptCandidate(path, env) || !firstVisit(path)) continue;
      const source = readSource(path);
      add(path, source.notes);
      if (source.ok) wrappers.set(path, source.text);
    }
  }

  if (wrappers.size > 0) await initBashParser();
  const wrapperResults = await mapConcurrently([...wrappers], SHELLCHECK_PROCESSES, async ([path, text]) => {
      const analysis = analyzeWrapper(text, path, { modulesSettingWithConda: index.modulesSettingWithConda(path) });
      const shellcheck = analysis.facts.isContainerWrapper ? await runShellcheck(text, env) : [];
      return { path, findings: [...analysis.findings, ...shellcheck] };
  });
  for (const r of wrapperResults) add(r.path, r.findings);
  return sortFindings(out);
}

export function sortFindings(findings: FileFinding[]): FileFinding[] {
  return findings.sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      severityRank[a.severity] - severityRank[b.severity] ||
      compareStrings(a.code, b.code),
  );
}
