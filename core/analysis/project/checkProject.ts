// Checks a set of files together: modulefiles first, then the wrapper scripts they put on PATH
// (with what those modules set, e.g. WITH_CONDA) and any other container wrapper found.
// This is what `lumi-modules check` runs; the language server uses the same pieces per document.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { directoryOf } from '../../common/paths';
import type { AnalysisEnv } from '../env';
import type { FileFinding, Finding } from '../types';
import { compareStrings, severityRank } from '../types';
import { mayBeScript } from '../wrapper/shebang';
import { ShellcheckBatches } from '../wrapper/shellcheck';
import type { WrapperAnalysis } from '../wrapper/analyze';
import { finalizeFindings, type CommentSyntax } from '../policy';
import { ProjectConfigFinder } from '../projectConfig';
import { fileState, sha1, type CheckCache, type FileState } from './checkCache';
import { checkModulefiles, type ParallelOptions } from './parallel';
import { readHeader, readSource } from './readSource';
import { walkPaths, withWalkListings } from './walk';
import { ModuleIndex } from './moduleIndex';

type Analysers = typeof import('./analysers');
let analysersLoading: Promise<Analysers> | undefined;
/** Loaded on first need (see analysers.ts): a full cache hit costs no parser start-up. */
function loadAnalysers(): Promise<Analysers> {
  analysersLoading ??= import('./analysers');
  return analysersLoading;
}

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

/** What every container wrapper mentions (facts.ts decides on the code without comments). */
const CONTAINER_WORDS = /singularity|apptainer|SING_IMAGE/;

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

/**
 * The file a link names, its own links followed but not its directories' (a tree reached through a
 * linked directory keeps its paths): `bin/pip -> python` is `bin/python`.
 */
export function ownFile(path: string): string {
  let file = path;
  for (let hops = 0; hops < 40; hops++) {
    let target: string;
    try {
      if (!lstatSync(file).isSymbolicLink()) return file;
      target = readlinkSync(file);
    } catch {
      return file;
    }
    file = resolve(dirname(file), target);
  }
  return file;
}

export interface CheckProjectOptions {
  /** Finds each file's `.lumi-modules.json` (one per run; a malformed file throws ProjectConfigError). */
  configs?: ProjectConfigFinder;
  /** `check --cache`: findings of unchanged files (and unchanged dependencies) reused. */
  cache?: CheckCache;
  /** Modulefiles analysed in worker threads too (the CLI; see parallel.ts). */
  parallel?: ParallelOptions;
}

export async function checkProject(
  paths: readonly string[],
  cwd: string,
  env: AnalysisEnv,
  options: CheckProjectOptions = {},
): Promise<FileFinding[]> {
  const { files, states, listings, notes } = walkPaths(paths, cwd, {
    fileStates: options.cache !== undefined,
  });
  const configs = options.configs ?? new ProjectConfigFinder(withWalkListings(env.fs, listings));
  const out: FileFinding[] = [];
  // Configuration is applied here, once per file, after every analyser (and ShellCheck) ran.
  const cache = options.cache;
  const push = (file: string, findings: readonly Finding[]) => {
    for (const f of findings)
      out.push({ file, range: f.range, severity: f.severity, code: f.code, message: f.message });
  };
  const add = (
    file: string,
    findings: Finding[],
    syntax: CommentSyntax = 'lua',
    text?: string,
  ): Finding[] => {
    const final = finalizeFindings(findings, { text, syntax, severity: configs.forFile(file).severity });
    push(file, final);
    return final;
  };
  const contexts = new WeakMap<object, string>();
  // The walk gives a directory's files one after another: its context is looked up once.
  let lastDir: string | undefined;
  let lastContext = '';
  const severityContext = (file: string) => {
    const dir = directoryOf(file);
    if (dir === lastDir) return lastContext;
    const severity = configs.forDirectory(dir).severity;
    let context = contexts.get(severity);
    if (context === undefined) contexts.set(severity, (context = JSON.stringify(severity)));
    lastDir = dir;
    lastContext = context;
    return context;
  };
  for (const note of notes) add(note.file, [note]);

  const index = new ModuleIndex();
  const wrappers = new Map<string, string>(); // path -> text
  const wrapperNotes = new Map<string, Finding[]>();
  // ShellCheck starts on container wrappers as they are found and works on the other core while the
  // rest is analysed; wrappers whose cached findings will likely be reused are left out for now.
  const shellcheck = new ShellcheckBatches(env);
  const shellcheckEarly = (path: string, text: string) => {
    if (!cache?.hasContent(path, text)) shellcheck.add(path, text);
  };
  // python3, pip, pip3 are often links to one python wrapper: the file is checked once, under its
  // own path (findings land on the wrapper, not on the first link to it); `aliases` keeps every path
  // it was reached by, for the modules that put any of their directories on PATH.
  const aliases = new Map<string, string[]>();
  const seenReal = new Map<string, string>(); // real path -> the file's own path
  const firstVisit = (path: string): string | undefined => {
    const real = realPath(path);
    const own = seenReal.get(real);
    if (own !== undefined) {
      const known = aliases.get(own)!;
      if (!known.includes(path)) known.push(path);
      return undefined;
    }
    const file = ownFile(path);
    seenReal.set(real, file);
    aliases.set(file, file === path ? [path] : [file, path]);
    return file;
  };
  const settingWithConda = (path: string) => index.modulesSettingWithCondaAny(aliases.get(path) ?? [path]);
  // Scripts first: ShellCheck can start on container wrappers (another core) while the bash parser
  // loads and the modules are analysed. A script that mentions no container runtime at all is no
  // container wrapper; the others are decided by the parser.
  const candidates: { file: string; text: string; notes: Finding[] }[] = [];
  for (const found of files) {
    if (isModulefilePath(found) || !isScriptCandidate(found, env)) continue;
    const file = firstVisit(found);
    if (file === undefined) continue;
    const source = readSource(file, file === found);
    if (!source.ok || !CONTAINER_WORDS.test(source.text)) continue;
    candidates.push({ file, text: source.text, notes: source.notes });
    shellcheckEarly(file, source.text);
  }
  shellcheck.startWaiting();
  // The analysers, once loaded (awaited only the first time); `withBash` also starts the bash parser.
  let analysers: Analysers | undefined;
  const withBash = async () => {
    analysers ??= await loadAnalysers();
    if (!analysers.bashParserReady()) await analysers.initBashParser();
    return analysers;
  };
  for (const { file, text, notes } of candidates) {
    // The cache knows whether this very text was a container wrapper: no parse needed.
    if (
      !cache?.knownContainerWrapper(file, text) &&
      !(await withBash()).wrapperFacts(text).isContainerWrapper
    )
      continue;
    wrappers.set(file, text);
    wrapperNotes.set(file, notes);
  }

  // Modulefiles: findings of unchanged ones from the cache, the others analysed (on every core).
  const toCheck: { file: string; state?: FileState; context: string }[] = [];
  for (const file of files) {
    if (!isModulefilePath(file)) continue;
    const state = cache ? states.get(file) : undefined;
    const context = cache ? severityContext(file) : '';
    const hit = cache?.lookup(file, state, context, () => readText(file));
    if (hit?.summary) {
      push(file, hit.findings);
      index.set(file, hit.summary);
    } else toCheck.push({ file, state, context });
  }
  if (toCheck.length > 0) {
    analysers ??= await loadAnalysers();
    const results = await checkModulefiles(
      toCheck.map((c) => c.file),
      env,
      analysers,
      cache !== undefined,
      options.parallel,
    );
    toCheck.forEach(({ file, state, context }, i) => {
      const result = results[i];
      if (!result.readable) {
        add(file, result.findings);
        return;
      }
      const findings = add(file, result.findings, 'lua', result.text);
      index.set(file, result.summary!);
      cache?.store(file, state, result.text!, context, {
        findings,
        deps: result.deps,
        summary: result.summary,
      });
    });
  }

  // Every script in a directory a checked module puts on PATH is a wrapper of that module.
  for (const dir of [...index.wrapperDirs()].sort()) {
    for (const name of (env.fs.listDir(dir) ?? []).sort()) {
      const listed = join(dir, name);
      if (wrappers.has(listed) || env.fs.kind(listed) !== 'file' || !isScriptCandidate(listed, env)) continue;
      const path = firstVisit(listed);
      if (path === undefined) continue;
      const source = readSource(path);
      if (source.ok) {
        wrappers.set(path, source.text);
        wrapperNotes.set(path, source.notes);
        // (shellcheckEarly leaves out texts the cache has anyway: no parse for those.)
        if (
          !cache?.hasContent(path, source.text) &&
          (await withBash()).wrapperFacts(source.text).isContainerWrapper
        )
          shellcheckEarly(path, source.text);
      } else add(path, source.notes, 'shell');
    }
  }

  const analyses = new Map<string, WrapperAnalysis>();
  // A wrapper's context depends on its directory only (its severity configuration, the modules that
  // own it): made once per directory, as a bin/ holds hundreds of wrappers. The owners setting
  // WITH_CONDA are hashed: a bin/ shared by 10,000 modules would put their paths in the cache file.
  const contextsByDir = new Map<string, string>();
  const wrapperContext = (path: string) => {
    const dir = directoryOf(path);
    let context = contextsByDir.get(dir);
    if (context === undefined)
      contextsByDir.set(
        dir,
        (context = `${severityContext(path)}\u0000${sha1(settingWithConda(path).join('\u0000'))}`),
      );
    return context;
  };
  // Stat'ed once: by the walk, or now for a wrapper found through a module's PATH.
  const wrapperStates = new Map<string, FileState | undefined>();
  for (const [path, text] of wrappers) {
    const state = cache ? (states.get(path) ?? fileState(path)) : undefined;
    wrapperStates.set(path, state);
    const hit = cache?.lookup(path, state, wrapperContext(path), () => text);
    if (hit) {
      push(path, hit.findings);
      wrappers.delete(path);
      continue;
    }
    const analysis = (await withBash()).analyzeWrapper(text, path, {
      modulesSettingWithConda: settingWithConda(path),
      onModulePath: (aliases.get(path) ?? [path]).some((p) => index.owners(p).length > 0),
    });
    analyses.set(path, analysis);
    if (analysis.facts.isContainerWrapper) shellcheck.add(path, text); // no-op when already queued
  }
  const shellcheckFindings = await shellcheck.collect();
  for (const [path, text] of wrappers) {
    const state = wrapperStates.get(path);
    const analysis = analyses.get(path)!;
    const findings = add(
      path,
      [...(wrapperNotes.get(path) ?? []), ...analysis.findings, ...(shellcheckFindings.get(path) ?? [])],
      'shell',
      text,
    );
    cache?.store(path, state, text, wrapperContext(path), {
      findings,
      containerWrapper: analysis.facts.isContainerWrapper,
    });
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
