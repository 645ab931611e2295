// Checks a set of files together: modulefiles first, then the wrapper scripts they put on PATH
// (with what those modules set, e.g. WITH_CONDA) and any other container wrapper found.
// This is what `lumi-modules check` runs; the language server uses the same pieces per document.
import { join } from 'node:path';
import type { AnalysisEnv } from '../env';
import type { FileFinding, Finding } from '../types';
import { severityRank } from '../types';
import { analyzeModulefile } from '../modulefile/analyze';
import { analyzeWrapper, looksLikeShellScript } from '../wrapper/analyze';
import { initBashParser } from '../wrapper/parser';
import { wrapperFacts } from '../wrapper/facts';
import { runShellcheck } from '../wrapper/shellcheck';
import { readSource } from './readSource';
import { walkPaths } from './walk';
import { ModuleIndex, moduleSummary } from './moduleIndex';

export function isModulefilePath(path: string): boolean {
  return path.endsWith('.lua');
}

/** A script that is a candidate wrapper: executable or with a shell shebang. */
function isScriptCandidate(path: string, text: string, env: AnalysisEnv): boolean {
  return looksLikeShellScript(text) || env.fs.isExecutable(path);
}

export async function checkProject(paths: readonly string[], cwd: string, env: AnalysisEnv): Promise<FileFinding[]> {
  await initBashParser();
  const { files, notes } = walkPaths(paths, cwd);
  const out: FileFinding[] = [...notes];
  const add = (file: string, findings: Finding[]) => {
    for (const f of findings) {
      out.push({ file, range: f.range, severity: f.severity, code: f.code, message: f.message });
    }
  };

  const index = new ModuleIndex();
  const wrappers = new Map<string, string>(); // path -> text
  for (const file of files) {
    const source = readSource(file);
    add(file, source.notes);
    if (!source.ok) continue;
    if (isModulefilePath(file)) {
      const analysis = analyzeModulefile(source.text, file, env);
      add(file, analysis.findings);
      index.set(file, moduleSummary(analysis));
    } else if (isScriptCandidate(file, source.text, env) && wrapperFacts(source.text).isContainerWrapper) {
      wrappers.set(file, source.text);
    }
  }

  // Every script in a directory a checked module puts on PATH is a wrapper of that module.
  for (const dir of [...index.wrapperDirs()].sort()) {
    for (const name of (env.fs.listDir(dir) ?? []).sort()) {
      const path = join(dir, name);
      if (wrappers.has(path) || env.fs.kind(path) !== 'file') continue;
      const source = readSource(path);
      if (!source.ok) continue;
      if (isScriptCandidate(path, source.text, env)) {
        add(path, source.notes);
        wrappers.set(path, source.text);
      }
    }
  }

  const wrapperResults = await Promise.all(
    [...wrappers].map(async ([path, text]) => {
      const analysis = analyzeWrapper(text, path, env, { modulesSettingWithConda: index.modulesSettingWithConda(path) });
      const shellcheck = analysis.facts.isContainerWrapper ? await runShellcheck(text, path, env) : [];
      return { path, findings: [...analysis.findings, ...shellcheck] };
    }),
  );
  for (const r of wrapperResults) add(r.path, r.findings);
  return sortFindings(out);
}

export function sortFindings(findings: FileFinding[]): FileFinding[] {
  return findings.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      severityRank[a.severity] - severityRank[b.severity] ||
      a.code.localeCompare(b.code),
  );
}
