// `lumi-modules check --cache` (modelled on ESLint's --cache, lib/cli-engine/lint-result-cache.js):
// the findings of a file are reused while the file, everything its findings rest on and the run's
// configuration are unchanged.
// - A file is unchanged when its size and mtime are (ESLint's default "metadata" strategy), or else
//   when its content hash is.
// - A modulefile's findings rest on what the analysis asked the world while checking it: every
//   env.getenv(NAME) and env.fs query (the kind of each resolved path, the texts of its wrappers,
//   directory listings) is recorded with its answer and asked again on reuse.
// - A wrapper's findings rest on its text, the modules that put it on PATH and set WITH_CONDA with
//   the values they give it, and ShellCheck (path and version, in the run key).
// - The run key: our version, Node's version, the analysis environment's settings (Lua version,
//   ShellCheck) and each file's severity configuration.
// A cache that cannot be read is ignored (and rebuilt); one that cannot be written is reported.
// Saved only when something changed; compacted when the tables grew by half or files went.
import { createHmac, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AnalysisEnv } from '../env';
import type { SeverityPolicy } from '../policy';
import type { Finding, Severity } from '../types';
import type { TreeCheckLayer, WrapperCheckContext } from './checkProject';
import type { FileCheck } from './checkFile';
import { DEPENDENCY_KINDS, sha1, type Dependency } from './dependencies';
import type { ModuleSummary } from './moduleIndex';
import type { ModulefileJob, ModulefileResult } from './modulefileJob';
import { readSource } from './readSource';

const FORMAT = 6;

type StoredFinding = Omit<Finding, 'fixes'>;

/** What a hit gives back (shared by the files whose stored findings are the same: read only). */
export interface Entry {
  findings: readonly StoredFinding[];
  summary?: ModuleSummary;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** StoredEntry's role of a wrapper script; a modulefile's is its summary's index (>= 0). */
const WRAPPER = -1;
const CONTAINER_WRAPPER = -2;

/**
 * A stored summary's first slot: the module sets no WITH_CONDA, or sets it to a value not folded;
 * else the value's string index.
 */
const NO_WITH_CONDA = -2;
const WITH_CONDA_UNKNOWN = -1;

/**
 * An entry as stored. Strings are indexes into the file's string table (paths, messages and
 * hashes repeat across thousands of modules); findings, dependency sets and module summaries are
 * indexes into tables of their own, as thousands of modules share them (a cached run checks each
 * dependency once, not once per module).
 */
type StoredEntry = [
  size: number,
  mtimeMs: number,
  hash: string,
  context: number,
  findings: number,
  deps: number,
  role: number,
];

interface CacheFile {
  format: number;
  key: string;
  /**
   * This cache's own random key: environment values are stored as their HMAC under it, never
   * as themselves (a module may name GITHUB_TOKEN; the cache file may be uploaded by CI).
   */
  secret: string;
  strings: string[];
  /**
   * Dependencies, 3 slots each: kind letter, argument (a string index), answer (a string index, a boolean or
   * null).
   */
  deps: (string | number | boolean | null)[];
  /** Sets of dependencies (numbers of the dependencies in `deps`). */
  depSets: number[][];
  /** Lists of findings, 7 numbers each: line, character, end line, end character, severity, code, message. */
  findingLists: number[][];
  /**
   * Module summaries: what it sets WITH_CONDA to (NO_WITH_CONDA, WITH_CONDA_UNKNOWN or the value's
   * string index, environment values in it as in paths), then its wrapper directories (string indexes).
   */
  summaries: number[][];
  files: Record<string, StoredEntry>;
  /** The tables' lengths when the file was last compacted (see save). */
  compactedSizes?: number[];
}

const TABLES = ['strings', 'deps', 'depSets', 'findingLists', 'summaries'] as const;

/** Interns values by a key: their index in a table, which may come from the cache file. */
class Interner<T> {
  private index: Map<string, number> | undefined;

  constructor(
    readonly table: T[],
    private readonly keyOf: (value: T) => string,
  ) {}

  intern(value: T): number {
    // Built on the first store only: a run that stores nothing never indexes the loaded table.
    this.index ??= new Map(this.table.map((v, i) => [this.keyOf(v), i]));
    const key = this.keyOf(value);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.table.push(value) - 1;
      this.index.set(key, i);
    }
    return i;
  }
}

const KNOWN_KINDS: ReadonlySet<unknown> = new Set(DEPENDENCY_KINDS);

const isIndex = (v: unknown, length: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < length;

const isWithCondaSlot = (v: unknown, nStrings: number): boolean =>
  v === NO_WITH_CONDA || v === WITH_CONDA_UNKNOWN || isIndex(v, nStrings);

/**
 * The first value of a parsed cache file (format and key already matched) that its schema does not
 * allow, else undefined. Everything the cache later reads is checked here, once, so that a hostile
 * or damaged file that is valid JSON can neither crash a check nor replay made-up findings.
 */
function cacheFileProblem(data: Partial<CacheFile>): string | undefined {
  if (typeof data.secret !== 'string' || !/^[0-9a-f]{64}$/.test(data.secret)) return 'secret';
  for (const t of TABLES) if (!Array.isArray(data[t])) return `${t} is not a list`;
  const { strings, deps, depSets, findingLists, summaries, files } = data as CacheFile;
  if (!strings.every((s) => typeof s === 'string')) return 'strings';
  const nStrings = strings.length;
  if (deps.length % 3 !== 0) return 'deps';
  for (let d = 0; d < deps.length; d += 3) {
    const answer = deps[d + 2];
    if (
      !KNOWN_KINDS.has(deps[d]) ||
      !isIndex(deps[d + 1], nStrings) ||
      !(answer === null || typeof answer === 'boolean' || isIndex(answer, nStrings))
    )
      return `deps[${d / 3}]`;
  }
  const nDeps = deps.length / 3;
  for (const [i, set] of depSets.entries())
    if (!Array.isArray(set) || !set.every((d) => isIndex(d, nDeps))) return `depSets[${i}]`;
  for (const [i, list] of findingLists.entries()) {
    const ok =
      Array.isArray(list) &&
      list.length % 7 === 0 &&
      list.every((v, j) =>
        j % 7 === 4
          ? isIndex(v, SEVERITIES.length)
          : j % 7 >= 5
            ? isIndex(v, nStrings)
            : isIndex(v, Number.MAX_SAFE_INTEGER),
      );
    if (!ok) return `findingLists[${i}]`;
  }
  for (const [i, summary] of summaries.entries()) {
    const ok =
      Array.isArray(summary) &&
      summary.length >= 1 &&
      summary.every((v, j) => (j === 0 ? isWithCondaSlot(v, nStrings) : isIndex(v, nStrings)));
    if (!ok) return `summaries[${i}]`;
  }
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return 'files';
  for (const [path, entry] of Object.entries(files)) {
    const ok =
      Array.isArray(entry) &&
      entry.length === 7 &&
      isIndex(entry[0], Number.MAX_SAFE_INTEGER) &&
      typeof entry[1] === 'number' &&
      Number.isFinite(entry[1]) &&
      typeof entry[2] === 'string' &&
      isIndex(entry[3], nStrings) &&
      isIndex(entry[4], findingLists.length) &&
      isIndex(entry[5], depSets.length) &&
      (entry[6] === WRAPPER || entry[6] === CONTAINER_WRAPPER || isIndex(entry[6], summaries.length));
    if (!ok) return `the entry of ${path}`;
  }
  const sizes = data.compactedSizes;
  if (
    sizes !== undefined &&
    !(Array.isArray(sizes) && sizes.every((n) => isIndex(n, Number.MAX_SAFE_INTEGER)))
  )
    return 'compactedSizes';
  return undefined;
}

/** A dependency's key in the flat `deps` table: kind, argument and answer (string indexes already). */
function dependencyKey(kind: unknown, arg: unknown, answer: unknown): string {
  const shown = typeof answer === 'number' ? `#${answer}` : String(answer);
  return `${String(kind)}\u0000${String(arg)}\u0000${shown}`;
}

/** The tables of a cache file, each with its index (built on first use): what entries are added to. */
class CacheTables {
  readonly strings: Interner<string>;
  readonly depSets: Interner<number[]>;
  readonly findingLists: Interner<number[]>;
  readonly summaries: Interner<number[]>;
  private depNumbers: Map<string, number> | undefined;

  constructor(private readonly data: CacheFile) {
    this.strings = new Interner(data.strings, (t) => t);
    this.depSets = new Interner(data.depSets, (set) => set.join());
    this.findingLists = new Interner(data.findingLists, (list) => list.join());
    this.summaries = new Interner(data.summaries, (summary) => summary.join());
  }

  /** The number of a dependency in `deps` (3 slots each), added when new. */
  dependency(kind: string, arg: number, answer: number | boolean | null): number {
    const { deps } = this.data;
    if (!this.depNumbers) {
      this.depNumbers = new Map();
      for (let d = 0; 3 * d + 2 < deps.length; d++)
        this.depNumbers.set(dependencyKey(deps[3 * d], deps[3 * d + 1], deps[3 * d + 2]), d);
    }
    const key = dependencyKey(kind, arg, answer);
    let d = this.depNumbers.get(key);
    if (d === undefined) {
      d = deps.push(kind, arg, answer) / 3 - 1;
      this.depNumbers.set(key, d);
    }
    return d;
  }
}

/**
 * The cache as saved: the entries KEEP keeps, and in the tables only what they refer to. A run
 * only ever appends to the tables (a changed message is a new string, a changed answer a new
 * dependency), so without this the file would grow with every change over the months a project
 * keeps it. An entry whose references are broken is left out (checked again next time).
 */
function compacted(data: CacheFile, keep: (path: string) => boolean): CacheFile {
  const out: CacheFile = {
    format: data.format,
    key: data.key,
    secret: data.secret,
    strings: [],
    deps: [],
    depSets: [],
    findingLists: [],
    summaries: [],
    files: {},
  };
  const outTables = new CacheTables(out);
  const { strings, depSets, findingLists, summaries } = outTables;
  // The tables were validated on load (cacheFileProblem) or built here: every index resolves.
  const text = (i: number): number => strings.intern(data.strings[i]);
  const dependency = (d: number): number => {
    const stored = data.deps[3 * d + 2] as number | boolean | null;
    const answer = typeof stored === 'number' ? text(stored) : stored;
    return outTables.dependency(data.deps[3 * d] as string, text(data.deps[3 * d + 1] as number), answer);
  };
  for (const [path, entry] of Object.entries(data.files)) {
    if (!keep(path)) continue;
    const [size, mtimeMs, hash, context, findings, deps, role] = entry;
    // Finding slots 5 and 6 (code, message) and a summary's directories are string indexes, and its
    // WITH_CONDA value when known.
    const list = data.findingLists[findings].map((v, i) => (i % 7 >= 5 ? text(v) : v));
    const summary =
      role >= 0 ? data.summaries[role].map((v, i) => (i > 0 || v >= 0 ? text(v) : v)) : undefined;
    out.files[path] = [
      size,
      mtimeMs,
      hash,
      text(context),
      findingLists.intern(list),
      depSets.intern(data.depSets[deps].map(dependency)),
      summary ? summaries.intern(summary) : role,
    ];
  }
  return out;
}

/** Writes a new file, mode 0600, that nobody else made first; removed again when a write fails. */
function writeExclusively(path: string, text: string): void {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  const fd = openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
    const bytes = Buffer.from(text);
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
}

export interface FileState {
  size: number;
  mtimeMs: number;
}

/** JSON with Sets and Maps as arrays, so that any data the environment carries is part of the key. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Set ? [...v].sort() : v instanceof Map ? [...v].sort() : v,
  );
}

/** The run key: what every finding depends on besides its file. */
export function runKey(env: AnalysisEnv, toolVersion: string, shellcheckVersion: string): string {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v !== 'function' && k !== 'fs') data[k] = v;
  return sha1(
    stableJson({ format: FORMAT, toolVersion, node: process.version, env: data, shellcheckVersion }),
  );
}

export function fileState(path: string): FileState | undefined {
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

export class CheckCache implements TreeCheckLayer {
  private readonly data: CacheFile;
  private readonly tables: CacheTables;
  /** Paths looked up or stored this run. */
  private readonly visited = new Set<string>();
  /** Per dependency number / dependency set / finding list: checked (or decoded) once per run. */
  private readonly depVerdicts: boolean[] = [];
  private readonly setVerdicts: boolean[] = [];
  private readonly decodedFindings: StoredFinding[][] = [];
  private readonly decodedSummaries: ModuleSummary[] = [];
  /** Fresh answers by kind and argument: many modules ask the same of one shared bin/ and wrapper. */
  private readonly answers = new Map<string, string | boolean | null>();
  private dirty = false;

  private constructor(
    readonly location: string,
    key: string,
    data: CacheFile | undefined,
    private readonly env: AnalysisEnv,
  ) {
    this.data = data ?? {
      format: FORMAT,
      key,
      secret: randomBytes(32).toString('hex'),
      strings: [],
      deps: [],
      depSets: [],
      findingLists: [],
      summaries: [],
      files: {},
    };
    this.dirty = data === undefined;
    this.tables = new CacheTables(this.data);
  }

  /**
   * Why the cache read by the last `load` was dropped whole (not JSON, or a value its schema does not
   * allow), for one line to the user; undefined when it was used, missing, or another run's.
   */
  dropped: string | undefined;

  /**
   * Loads the cache at `location`. A missing cache or another run's (other version, settings) starts
   * empty; one that is not JSON or fails its schema is dropped whole (`dropped` says why).
   */
  static load(location: string, key: string, env: AnalysisEnv): CheckCache {
    let text: string;
    try {
      text = readFileSync(location, 'utf8');
    } catch {
      return new CheckCache(location, key, undefined, env); // none yet (or unreadable: rebuilt)
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return CheckCache.droppedWith(location, key, env, 'it is not JSON');
    }
    const record = parsed as Partial<CacheFile> | null;
    if (typeof record !== 'object' || record === null || record.format !== FORMAT || record.key !== key)
      return new CheckCache(location, key, undefined, env); // another version's or run's: rebuilt
    const problem = cacheFileProblem(record);
    if (problem !== undefined) return CheckCache.droppedWith(location, key, env, problem);
    return new CheckCache(location, key, record as CacheFile, env);
  }

  private static droppedWith(location: string, key: string, env: AnalysisEnv, why: string): CheckCache {
    const cache = new CheckCache(location, key, undefined, env);
    cache.dropped = why;
    return cache;
  }

  private entry(path: string): StoredEntry | undefined {
    // One lookup: what a path could inherit from Object.prototype is no array.
    const entry = this.data.files[path];
    return Array.isArray(entry) ? entry : undefined;
  }

  readonly wantsFileStates = true;
  private states: ReadonlyMap<string, FileState> = new Map();
  private readonly severityKeys = new Map<SeverityPolicy, string>();
  private readonly wrapperKeys = new WeakMap<WrapperCheckContext, string>();

  begin(states: ReadonlyMap<string, FileState>): void {
    this.states = states;
  }

  /** A script with this text: stored as a container wrapper (its facts need no parse), or stored. */
  knows(path: string, text: string): 'container-wrapper' | 'answered' | undefined {
    const entry = this.entry(path);
    if (entry === undefined || entry[2] !== sha1(text)) return undefined;
    return entry[6] === CONTAINER_WRAPPER ? 'container-wrapper' : 'answered';
  }

  private severityKey(severity: SeverityPolicy): string {
    let key = this.severityKeys.get(severity);
    if (key === undefined) this.severityKeys.set(severity, (key = JSON.stringify(severity)));
    return key;
  }

  /** Unchanged modulefiles answered from the cache, the others checked by `run` and stored. */
  async modulefiles(
    job: ModulefileJob,
    run: (job: ModulefileJob) => Promise<ModulefileResult[]>,
  ): Promise<ModulefileResult[]> {
    const results: ModulefileResult[] = new Array(job.files.length);
    const misses: number[] = [];
    job.files.forEach((file, i) => {
      const context = this.severityKey(job.severities[job.severityOf[i]]);
      const hit = this.lookup(file, this.states.get(file), context, () => {
        const source = readSource(file);
        return source.ok ? source.text : undefined;
      });
      if (hit?.summary)
        results[i] = { readable: true, findings: hit.findings as Finding[], summary: hit.summary };
      else misses.push(i);
    });
    if (misses.length === 0) return results;
    const checked = await run({
      ...job,
      files: misses.map((i) => job.files[i]),
      severityOf: misses.map((i) => job.severityOf[i]),
      forCache: true,
    });
    misses.forEach((i, k) => {
      const result = checked[k];
      results[i] = result;
      const file = job.files[i];
      if (result.readable && result.contentHash !== undefined)
        this.store(
          file,
          this.states.get(file),
          result.contentHash,
          this.severityKey(job.severities[job.severityOf[i]]),
          {
            findings: result.findings,
            deps: result.deps,
            summary: result.summary,
          },
        );
    });
    return results;
  }

  /** An unchanged wrapper (same text, configuration, owners) answered; another checked by `run`, stored. */
  wrapper(
    path: string,
    text: string,
    context: WrapperCheckContext,
    run: () => Promise<FileCheck>,
  ): Promise<FileCheck> {
    let key = this.wrapperKeys.get(context);
    if (key === undefined) {
      // The owners setting WITH_CONDA and their values are hashed: a bin/ shared by 10,000 modules
      // would put their paths in the cache file; keyed, as a value may come from the environment.
      const owners = this.envHash(
        context.modulesSettingWithConda
          .map((m) => {
            const value = context.withCondaValues.get(m);
            return value === undefined ? `${m}\u0000?` : `${m}\u0000=${value}`;
          })
          .join('\u0000'),
      );
      // Whether a module puts it on PATH decides which rules apply (wrapper/scriptKind.ts).
      const onPath = context.onModulePath ? '' : '\u0000off-path';
      key = `${this.severityKey(context.severity)}\u0000${owners}${onPath}`;
      this.wrapperKeys.set(context, key);
    }
    const state = this.states.get(path) ?? fileState(path);
    const hit = this.lookup(path, state, key, () => text);
    if (hit) return Promise.resolve({ findings: hit.findings as Finding[] });
    return run().then((check) => {
      this.store(path, state, sha1(text), key, {
        findings: check.findings,
        containerWrapper: check.containerWrapper,
      });
      return check;
    });
  }

  /** Called once, at the first lookup (the files are known: answering them begins). */
  onFirstLookup: (() => void) | undefined;

  /** Called once, at the first lookup that finds nothing to reuse (the run analyses after all). */
  onFirstMiss: (() => void) | undefined;

  /**
   * The findings of an unchanged file (same state or same content, same context, same answers), else
   * undefined.
   */
  lookup(
    path: string,
    state: FileState | undefined,
    context: string,
    readText: () => string | undefined,
  ): Entry | undefined {
    if (this.onFirstLookup) {
      const onFirstLookup = this.onFirstLookup;
      this.onFirstLookup = undefined;
      onFirstLookup();
    }
    this.visited.add(path);
    const hit = this.reusable(path, state, context, readText);
    if (!hit && this.onFirstMiss) {
      const onFirstMiss = this.onFirstMiss;
      this.onFirstMiss = undefined;
      onFirstMiss();
    }
    return hit;
  }

  private reusable(
    path: string,
    state: FileState | undefined,
    context: string,
    readText: () => string | undefined,
  ): Entry | undefined {
    const entry = this.entry(path);
    const { strings } = this.data;
    if (!entry || !state || strings[entry[3]] !== context) return undefined;
    if (entry[0] !== state.size || entry[1] !== state.mtimeMs) {
      const text = readText();
      if (text === undefined || sha1(text) !== entry[2]) return undefined;
      entry[0] = state.size;
      entry[1] = state.mtimeMs;
      this.dirty = true;
    }
    if (!this.setStillHolds(entry[5])) return undefined;
    const findings = this.findings(entry[4]);
    if (entry[6] < 0) return { findings };
    return { findings, summary: this.summary(entry[6]) };
  }

  /** Whether every dependency of the set still has its stored answer (each checked once per run). */
  private setStillHolds(set: number): boolean {
    let holds = this.setVerdicts[set];
    if (holds === undefined) {
      const members = this.data.depSets[set];
      holds = members.every((d) => this.depStillHolds(d));
      this.setVerdicts[set] = holds;
    }
    return holds;
  }

  private depStillHolds(d: number): boolean {
    let holds = this.depVerdicts[d];
    if (holds === undefined) {
      const { deps, strings } = this.data;
      const [kind, arg, stored] = [deps[3 * d], deps[3 * d + 1], deps[3 * d + 2]];
      holds =
        (typeof stored === 'number' ? strings[stored] : stored) ===
        this.answer(kind as Dependency[0], this.expand(strings[arg as number]));
      this.depVerdicts[d] = holds;
    }
    return holds;
  }

  // The tables were validated whole on load (cacheFileProblem) and only grow by what `store`
  // writes: every index an entry holds points into them.
  private findings(list: number): StoredFinding[] {
    let findings = this.decodedFindings[list];
    if (findings === undefined) {
      const f = this.data.findingLists[list];
      const { strings } = this.data;
      findings = [];
      for (let i = 0; i < f.length; i += 7) {
        findings.push({
          range: { start: { line: f[i], character: f[i + 1] }, end: { line: f[i + 2], character: f[i + 3] } },
          severity: SEVERITIES[f[i + 4]],
          code: strings[f[i + 5]],
          message: strings[f[i + 6]],
        });
      }
      this.decodedFindings[list] = findings;
    }
    return findings;
  }

  private summary(index: number): ModuleSummary {
    let summary = this.decodedSummaries[index];
    if (summary === undefined) {
      const stored = this.data.summaries[index];
      const withConda = stored[0];
      summary = {
        setsWithConda: withConda !== NO_WITH_CONDA,
        wrapperDirs: stored.slice(1).map((d) => this.expand(this.data.strings[d])),
        ...(withConda >= 0 ? { withConda: this.expand(this.data.strings[withConda]) } : {}),
      };
      this.decodedSummaries[index] = summary;
    }
    return summary;
  }

  /** A stored path with the environment variables it held put back (see store). */
  private expand(text: string): string {
    if (typeof text !== 'string' || !text.includes('\u0000')) return text;
    // Split on the NUL that brackets each name: odd parts are names.
    return text
      .split('\u0000')
      .map((part, i) => (i % 2 === 1 ? (this.env.getenv(part) ?? '') : part))
      .join('');
  }

  /** An environment value as stored and compared: its keyed hash. */
  private envHash(value: string): string {
    return createHmac('sha256', this.data.secret).update(value).digest('hex');
  }

  /** The number of a dependency in `deps`, its strings interned (an environment value as its hash). */
  private dependency([kind, arg, answer]: Dependency): number {
    const kept = kind === 'e' && typeof answer === 'string' ? this.envHash(answer) : answer;
    const stored = typeof kept === 'string' ? this.tables.strings.intern(kept) : kept;
    return this.tables.dependency(kind, this.tables.strings.intern(arg), stored);
  }

  store(
    path: string,
    state: FileState | undefined,
    contentHash: string,
    context: string,
    data: {
      findings: readonly Finding[];
      deps?: Dependency[];
      summary?: ModuleSummary;
      containerWrapper?: boolean;
    },
  ): void {
    this.visited.add(path);
    if (!state) return;
    const { strings, summaries, findingLists, depSets } = this.tables;
    const findings: number[] = [];
    for (const f of data.findings) {
      findings.push(
        f.range.start.line,
        f.range.start.character,
        f.range.end.line,
        f.range.end.character,
        SEVERITIES.indexOf(f.severity),
        strings.intern(f.code),
        strings.intern(f.message),
      );
    }
    // Environment values inside paths (pathJoin(os.getenv('TOKEN'), 'bin')) are stored as the
    // variable's name, expanded again on reuse (after the variable's hash was found unchanged).
    const values = (data.deps ?? [])
      .filter((d) => d[0] === 'e' && typeof d[2] === 'string' && d[2] !== '')
      .map((d) => [d[1], d[2] as string] as const)
      .sort((a, b) => b[1].length - a[1].length);
    const template = (text: string) =>
      values.reduce((t, [name, value]) => t.split(value).join(`\u0000${name}\u0000`), text);
    const depSet = (data.deps ?? []).map(([kind, arg, answer]) =>
      this.dependency([kind, kind === 'e' ? arg : template(arg), answer]),
    );
    const withConda = data.summary?.withConda;
    const role = data.summary
      ? summaries.intern([
          !data.summary.setsWithConda
            ? NO_WITH_CONDA
            : withConda === undefined
              ? WITH_CONDA_UNKNOWN
              : strings.intern(template(withConda)),
          ...data.summary.wrapperDirs.map((d) => strings.intern(template(d))),
        ])
      : data.containerWrapper
        ? CONTAINER_WRAPPER
        : WRAPPER;
    this.data.files[path] = [
      state.size,
      state.mtimeMs,
      contentHash,
      strings.intern(context),
      findingLists.intern(findings),
      depSets.intern(depSet),
      role,
    ];
    this.dirty = true;
  }

  /**
   * Writes the cache when anything changed (entries of files not checked this run are kept). Throws on a
   * write error.
   */
  save(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.location), { recursive: true });
    // A random name, created exclusively (O_EXCL, no link followed): in a group-writable project
    // directory another member cannot plant a link where the cache is written.
    const temp = join(
      dirname(this.location),
      `.${basename(this.location)}.${randomBytes(12).toString('hex')}.tmp`,
    );
    // Files not looked at this run keep their entries while they exist (`check a/` then `check b/`).
    const gone = Object.keys(this.data.files).filter((path) => !this.visited.has(path) && !existsSync(path));
    // Compacting rewrites every table: done only when a file went or the tables grew by half.
    const grown = TABLES.some(
      (t, i) => this.data[t].length > 1.5 * (this.data.compactedSizes?.[i] ?? 0) + 64,
    );
    let saved = this.data;
    if (gone.length > 0 || grown) {
      const goneSet = new Set(gone);
      saved = compacted(this.data, (path) => !goneSet.has(path));
      saved.compactedSizes = TABLES.map((t) => saved[t].length);
    }
    writeExclusively(temp, JSON.stringify(saved));
    try {
      // A link planted at the location is replaced, never followed.
      renameSync(temp, this.location);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
  }

  private answer(kind: Dependency[0], arg: string): string | boolean | null {
    const key = kind + arg;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.freshAnswer(kind, arg);
      this.answers.set(key, answer);
    }
    return answer;
  }

  private freshAnswer(kind: Dependency[0], arg: string): string | boolean | null {
    const fs = this.env.fs;
    switch (kind) {
      case 'k':
        return fs.kind(arg);
      case 'r': {
        const t = fs.readText(arg);
        return t === undefined ? null : sha1(t);
      }
      case 's': {
        const n = fs.size(arg);
        return n === undefined ? null : String(n);
      }
      case 'h': {
        const colon = arg.indexOf(':');
        const t = fs.readStart?.(arg.slice(colon + 1), Number(arg.slice(0, colon)));
        return t === undefined ? null : sha1(t);
      }
      case 'x':
        return fs.isExecutable(arg);
      case 'l': {
        const l = fs.listDir(arg);
        return l === undefined ? null : sha1(l.join('\u0000'));
      }
      case 'e': {
        const value = this.env.getenv(arg);
        return value === undefined ? null : this.envHash(value);
      }
      default:
        return 'unknown dependency';
    }
  }
}
