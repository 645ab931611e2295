// Checks a set of files together: modulefiles first, then the wrapper scripts they put on PATH
// (with what those modules set, e.g. WITH_CONDA) and any other container wrapper found.
// This is what `lumi-modules check` runs. Each file is checked by the one engine (checkFile.ts), as
// in the language server; this file decides only which files are checked, with what context.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { directoryOf } from '../../common/paths';
import type { AnalysisEnv } from '../env';
import type { FileFinding, Finding } from '../types';
import { compareStrings, severityRank } from '../types';
import { mayBeScript } from '../wrapper/shebang';
import { ShellcheckBatches } from '../wrapper/shellcheck';
import { finalizeFindings, type SeverityPolicy } from '../policy';
import { ProjectConfigFinder } from '../projectConfig';
import type { FileCheck, ShellcheckStage } from './checkFile';
import type { FileState } from './checkCache';
import type { ModulefileJob, ModulefileResult } from './modulefileJob';
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

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * What the tree check asks of its files' checks. The engine answers everything itself
 * (engineOnly); a result cache (checkCache.ts) is a layer with the same face around it, answering
 * what it can and handing the rest to the engine.
 */
export interface TreeCheckLayer {
  /** Whether the walk should stat files (size and mtime) for it. */
  readonly wantsFileStates: boolean;
  /** The walk's file states (when wanted), before the first question. */
  begin(states: ReadonlyMap<string, FileState>): void;
  /** A script's text: 'container-wrapper' when known as one, 'answered' when its findings are likely kept. */
  knows(path: string, text: string): 'container-wrapper' | 'answered' | undefined;
  /** The modulefiles' results, in order: the layer's, and `run`'s (the engine on every core) for the rest. */
  modulefiles(
    job: ModulefileJob,
    run: (job: ModulefileJob) => Promise<ModulefileResult[]>,
  ): Promise<ModulefileResult[]>;
  /** A wrapper's check: the layer's, or `run`'s. */
  wrapper(
    path: string,
    text: string,
    context: WrapperCheckContext,
    run: () => Promise<FileCheck>,
  ): Promise<FileCheck>;
}

/** What a wrapper's findings depend on besides its text (the same for a whole directory). */
export interface WrapperCheckContext {
  severity: SeverityPolicy;
  modulesSettingWithConda: readonly string[];
  /** The value each of those gives WITH_CONDA, where folded: whether a wrapper must eval it. */
  withCondaValues: ReadonlyMap<string, string>;
  /** A checked module puts the wrapper's directory (or a link's) on PATH (wrapper/scriptKind.ts). */
  onModulePath: boolean;
}

/** No layer: every file is checked. */
export const engineOnly: TreeCheckLayer = {
  wantsFileStates: false,
  begin: () => undefined,
  knows: () => undefined,
  modulefiles: (job, run) => run(job),
  wrapper: (_path, _text, _context, run) => run(),
};

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
  /** A layer around the engine: `check --cache` (checkCache.ts). */
  layer?: TreeCheckLayer;
  /** Modulefiles analysed in worker threads too (the CLI; see parallel.ts). */
  parallel?: ParallelOptions;
  /** Filled with how many modulefiles and container wrappers were checked (`check`: "none found"). */
  counts?: { modulefiles: number; wrappers: number };
}

/**
 * ShellCheck for a tree: the files found by the walk start at once (ShellCheck works on the other
 * core while the modules are analysed); the engine's stage adds the rest, and the files asked for
 * in one turn of the event loop are checked together, a batch per process.
 */
class TreeShellcheck {
  private readonly batches: ShellcheckBatches;
  private round: Promise<Map<string, Finding[]>> | undefined;

  constructor(env: AnalysisEnv) {
    this.batches = new ShellcheckBatches(env);
  }

  early(path: string, text: string): void {
    this.batches.add(path, text);
  }

  start(): void {
    this.batches.startWaiting();
  }

  readonly stage: ShellcheckStage = (path, text) => {
    this.batches.add(path, text); // a no-op when queued early
    // A file asked for after a round began collecting is in the next round.
    this.round ??= new Promise((resolve) => setImmediate(resolve)).then(() => {
      this.round = undefined;
      return this.batches.collect();
    });
    return this.round.then((found) => found.get(path) ?? []);
  };
}

export async function checkProject(
  paths: readonly string[],
  cwd: string,
  env: AnalysisEnv,
  options: CheckProjectOptions = {},
): Promise<FileFinding[]> {
  const layer = options.layer ?? engineOnly;
  const { files, states, listings, notes } = walkPaths(paths, cwd, { fileStates: layer.wantsFileStates });
  layer.begin(states);
  const configs = options.configs ?? new ProjectConfigFinder(withWalkListings(env.fs, listings));
  const out: FileFinding[] = [];
  const push = (file: string, findings: readonly Finding[]) => {
    for (const f of findings)
      out.push({ file, range: f.range, severity: f.severity, code: f.code, message: f.message });
  };
  // The walk gives a directory's files one after another: its configuration is looked up once.
  let lastDir: string | undefined;
  let lastSeverity: SeverityPolicy = {};
  const severityOf = (file: string) => {
    const dir = directoryOf(file);
    if (dir !== lastDir) {
      lastSeverity = configs.forDirectory(dir).severity;
      lastDir = dir;
    }
    return lastSeverity;
  };
  // What is found about a file that no check of its text made (the walk's notes, an unreadable
  // script) is configured like the findings of a check.
  const note = (file: string, findings: Finding[]) =>
    push(file, finalizeFindings(findings, { syntax: 'shell', severity: severityOf(file) }));
  for (const n of notes) note(n.file, [n]);

  const index = new ModuleIndex();
  const wrappers = new Map<string, string>(); // path -> text
  const wrapperNotes = new Map<string, Finding[]>();
  const shellcheck = new TreeShellcheck(env);
  const shellcheckEarly = (path: string, text: string) => {
    if (layer.knows(path, text) === undefined) shellcheck.early(path, text);
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
  const aliasesOf = (path: string) => aliases.get(path) ?? [path];
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
  shellcheck.start();
  // The analysers, once loaded (awaited only the first time); `withBash` also starts the bash parser.
  let analysers: Analysers | undefined;
  const withBash = async () => {
    analysers ??= await loadAnalysers();
    if (!analysers.bashParserReady()) await analysers.initBashParser();
    return analysers;
  };
  for (const { file, text, notes } of candidates) {
    // The layer may know whether this very text was a container wrapper: no parse needed.
    if (
      layer.knows(file, text) !== 'container-wrapper' &&
      !(await withBash()).wrapperFacts(text).isContainerWrapper
    )
      continue;
    wrappers.set(file, text);
    wrapperNotes.set(file, notes);
  }

  // Modulefiles: each with its configuration, checked on every core (or answered by the layer).
  const modulefiles = files.filter(isModulefilePath);
  const severities: SeverityPolicy[] = [];
  const severityNumbers = new Map<SeverityPolicy, number>();
  const job: ModulefileJob = {
    files: modulefiles,
    severities,
    severityOf: modulefiles.map((file) => {
      const severity = severityOf(file);
      let n = severityNumbers.get(severity);
      if (n === undefined) severityNumbers.set(severity, (n = severities.push(severity) - 1));
      return n;
    }),
    forCache: layer !== engineOnly,
  };
  if (modulefiles.length > 0) {
    const results = await layer.modulefiles(job, async (rest) => {
      analysers ??= await loadAnalysers();
      return checkModulefiles(rest, env, analysers, options.parallel);
    });
    modulefiles.forEach((file, i) => {
      const result = results[i];
      push(file, result.findings);
      if (result.readable && result.summary) index.set(file, result.summary);
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
      } else note(path, source.notes);
    }
  }

  // A wrapper's context depends on its directory only (its configuration, the modules that own
  // it): made once per directory, as a bin/ holds hundreds of wrappers.
  const contextsByDir = new Map<string, WrapperCheckContext>();
  const wrapperContext = (path: string) => {
    // A wrapper reached through links in other directories has a context of its own.
    const dir = aliasesOf(path).length > 1 ? path : directoryOf(path);
    let context = contextsByDir.get(dir);
    if (context === undefined) {
      const modulesSettingWithConda = index.modulesSettingWithCondaAny(aliasesOf(path));
      contextsByDir.set(
        dir,
        (context = {
          severity: severityOf(path),
          modulesSettingWithConda,
          withCondaValues: index.withCondaValues(modulesSettingWithConda),
          onModulePath: aliasesOf(path).some((p) => index.owners(p).length > 0),
        }),
      );
    }
    return context;
  };
  if (options.counts) {
    options.counts.modulefiles = modulefiles.length;
    options.counts.wrappers = wrappers.size;
  }
  if (wrappers.size > 0) {
    // Every wrapper's check is asked for in one turn: ShellCheck's stage batches them together.
    const checks = [...wrappers].map(([path, text]) => {
      const context = wrapperContext(path);
      return layer
        .wrapper(path, text, context, async () =>
          (await withBash()).checkFile(text, path, {
            kind: 'wrapper',
            env,
            severity: context.severity,
            notes: wrapperNotes.get(path),
            modulesSettingWithConda: context.modulesSettingWithConda,
            withCondaValues: context.withCondaValues,
            onModulePath: context.onModulePath,
            shellcheck: shellcheck.stage,
          }),
        )
        .then((check) => push(path, check.findings));
    });
    await Promise.all(checks);
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
