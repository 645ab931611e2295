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
import { runShellcheckFiles } from '../wrapper/shellcheck';
import { finalizeFindings, type CommentSyntax } from '../policy';
import { ProjectConfigFinder } from '../projectConfig';
import { fileState, recordingEnv, type CheckCache } from './checkCache';
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
  if (!header || header.length === 0 || header.includes(0)) return false;
  return header.subarray(0, 2).toString() === '#!' || env.fs.isExecutable(path);
}


function readText(path: string): string | undefined {
  const source = readSource(path);
  return source.ok ? source.text : undefined;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export interface CheckProjectOptions {
  /** Finds each file's `.lumi-modules.json` (one per run; a malformed file throws ProjectConfigError). */
  configs?: ProjectConfigFinder;
  /** `check --cache`: findings of unchanged files (and unchanged dependencies) reused. */
  cache?: CheckCache;
}

export async function checkProject(paths: readonly string[], cwd: string, env: AnalysisEnv, options: CheckProjectOptions = {}): Promise<FileFinding[]> {
  const { files, notes } = walkPaths(paths, cwd);
  const configs = options.configs ?? new ProjectConfigFinder(env.fs);
  const out: FileFinding[] = [];
  // Configuration is applied here, once per file, after every analyser (and ShellCheck) ran.
  const cache = options.cache;
  const push = (file: string, findings: readonly Finding[]) => {
    for (const f of findings) out.push({ file, range: f.range, severity: f.severity, code: f.code, message: f.message });
  };
  const add = (file: string, findings: Finding[], syntax: CommentSyntax = 'lua', text?: string): Finding[] => {
    const final = finalizeFindings(findings, { text, syntax, severity: configs.forFile(file).severity });
    push(file, final);
    return final;
  };
  const severityContext = (file: string) => JSON.stringify(configs.forFile(file).severity);
  for (const note of notes) add(note.file, [note]);

  const index = new ModuleIndex();
  const wrappers = new Map<string, string>(); // path -> text
  const wrapperNotes = new Map<string, Finding[]>();
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
      const state = cache ? fileState(file) : undefined;
      const context = cache ? severityContext(file) : '';
      const hit = cache?.lookup(file, state, context, () => readText(file));
      if (hit?.summary) {
        push(file, hit.findings);
        index.set(file, hit.summary);
        continue;
      }
      const source = readSource(file);
      if (!source.ok) {
        add(file, source.notes);
        continue;
      }
      const recorder = cache ? recordingEnv(env) : undefined;
      const analysis = analyzeModulefile(source.text, file, recorder?.env ?? env);
      const findings = add(file, [...source.notes, ...analysis.findings], 'lua', source.text);
      const summary = moduleSummary(analysis);
      index.set(file, summary);
      cache?.store(file, state, source.text, context, { findings, deps: recorder!.deps, summary });
      continue;
    }
    if (!isScriptCandidate(file, env) || !firstVisit(file)) continue;
    await initBashParser(); // only when there is a script to look at (once; cached)
    const source = readSource(file);
    if (source.ok && wrapperFacts(source.text).isContainerWrapper) {
      wrappers.set(file, source.text);
      wrapperNotes.set(file, source.notes);
    }
  }

  // Every script in a directory a checked module puts on PATH is a wrapper of that module.
  for (const dir of [...index.wrapperDirs()].sort()) {
    for (const name of (env.fs.listDir(dir) ?? []).sort()) {
      const path = join(dir, name);
      if (wrappers.has(path) || env.fs.kind(path) !== 'file' || !isScriptCandidate(path, env) || !firstVisit(path)) continue;
      const source = readSource(path);
      if (source.ok) {
        wrappers.set(path, source.text);
        wrapperNotes.set(path, source.notes);
      } else add(path, source.notes, 'shell');
    }
  }

  if (wrappers.size > 0) await initBashParser();
  const analyses = new Map<string, Finding[]>();
  const containerWrappers = new Map<string, string>();
  const wrapperContext = (path: string) => `${severityContext(path)}\u0000${index.modulesSettingWithConda(path).join('\u0000')}`;
  for (const [path, text] of wrappers) {
    const hit = cache?.lookup(path, fileState(path), wrapperContext(path), () => text);
    if (hit) {
      push(path, hit.findings);
      wrappers.delete(path);
      continue;
    }
    const analysis = analyzeWrapper(text, path, env, { modulesSettingWithConda: index.modulesSettingWithConda(path) });
    analyses.set(path, analysis.findings);
    if (analysis.facts.isContainerWrapper) containerWrappers.set(path, text);
  }
  // ShellCheck: many wrappers per process (its start-up would otherwise dominate a tree check).
  const shellcheck = await runShellcheckFiles(containerWrappers, env);
  for (const [path, text] of wrappers) {
    const state = cache ? fileState(path) : undefined;
    const findings = add(path, [...(wrapperNotes.get(path) ?? []), ...analyses.get(path)!, ...(shellcheck.get(path) ?? [])], 'shell', text);
    cache?.store(path, state, text, wrapperContext(path), { findings });
  }
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
