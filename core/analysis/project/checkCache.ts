// `lumi-modules check --cache` (modelled on ESLint's --cache, lib/cli-engine/lint-result-cache.js):
// the findings of a file are reused while the file, everything its findings rest on and the run's
// configuration are unchanged.
// - A file is unchanged when its size and mtime are (ESLint's default "metadata" strategy), or else
//   when its content hash is.
// - A modulefile's findings rest on what the analysis asked the world while checking it: every
//   env.getenv(NAME) and env.fs query (the kind of each resolved path, the texts of its wrappers,
//   directory listings) is recorded with its answer and asked again on reuse.
// - A wrapper's findings rest on its text, the modules that put it on PATH and set WITH_CONDA, and
//   ShellCheck (path and version, in the run key).
// - The run key: our version, Node's version, the analysis environment's settings (Lua version,
//   ShellCheck) and each file's severity configuration.
// A cache that cannot be read is ignored (and rebuilt); one that cannot be written is reported.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AnalysisEnv, FileSystemView } from '../env';
import type { Finding, Severity } from '../types';
import type { ModuleSummary } from './moduleIndex';

const FORMAT = 3;

/** One recorded question and its answer: [kind|text|exec|list|env, argument, answer]. */
// k: kind, r: text, s: size, h: first bytes (arg `N:path`), x: executable, l: listing, e: getenv.
type Dependency = ['k' | 'r' | 's' | 'h' | 'x' | 'l' | 'e', string, string | boolean | null];

type StoredFinding = Omit<Finding, 'fixes'>;

/** What a hit gives back. */
export interface Entry {
  findings: StoredFinding[];
  summary?: ModuleSummary;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/**
 * An entry as stored: strings are indexes into the file's string table (paths, messages and
 * hashes repeat across thousands of modules), findings are 7 numbers each
 * (line, character, end line, end character, severity, code, message).
 */
type StoredEntry = [
  size: number,
  mtimeMs: number,
  hash: string,
  context: number,
  findings: number[],
  /** kind letter, argument, answer (a string index, a boolean or null) per dependency, flat. */
  deps: (string | number | boolean | null)[],
  /** Module summary: wrapper directories (indexes) and whether it sets WITH_CONDA; for a wrapper 1 when it is a container wrapper, else 0. */
  summary: [number[], boolean] | 0 | 1,
];

interface CacheFile {
  format: number;
  key: string;
  strings: string[];
  files: Record<string, StoredEntry>;
}

export interface FileState {
  size: number;
  mtimeMs: number;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** JSON with Sets and Maps as arrays, so that any data the environment carries is part of the key. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v instanceof Map ? [...v].sort() : v));
}

/** The run key: what every finding depends on besides its file. */
export function runKey(env: AnalysisEnv, toolVersion: string, shellcheckVersion: string): string {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v !== 'function' && k !== 'fs') data[k] = v;
  return sha1(stableJson({ format: FORMAT, toolVersion, node: process.version, env: data, shellcheckVersion }));
}

export function fileState(path: string): FileState | undefined {
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/** An environment that records what the analysis asks, with the answers. */
export function recordingEnv(env: AnalysisEnv): { env: AnalysisEnv; deps: Dependency[] } {
  const deps: Dependency[] = [];
  const seen = new Set<string>();
  const record = (kind: Dependency[0], arg: string, answer: Dependency[2]) => {
    const key = `${kind}\u0000${arg}`;
    if (seen.has(key)) return;
    seen.add(key);
    deps.push([kind, arg, answer]);
  };
  const fs: FileSystemView = {
    kind: (p) => {
      const k = env.fs.kind(p);
      record('k', p, k);
      return k;
    },
    readText: (p) => {
      const t = env.fs.readText(p);
      record('r', p, t === undefined ? null : sha1(t));
      return t;
    },
    size: (p) => {
      const n = env.fs.size(p);
      record('s', p, n === undefined ? null : String(n));
      return n;
    },
    readStart: (p, bytes) => {
      const t = env.fs.readStart?.(p, bytes);
      record('h', `${bytes}:${p}`, t === undefined ? null : sha1(t));
      return t;
    },
    isExecutable: (p) => {
      const x = env.fs.isExecutable(p);
      record('x', p, x);
      return x;
    },
    listDir: (p) => {
      const l = env.fs.listDir(p);
      record('l', p, l === undefined ? null : sha1(l.join('\u0000')));
      return l;
    },
  };
  return {
    deps,
    env: {
      ...env,
      fs,
      getenv: (name) => {
        const v = env.getenv(name);
        record('e', name, v ?? null);
        return v;
      },
    },
  };
}

export class CheckCache {
  private readonly strings: string[];
  private readonly stringIndex = new Map<string, number>();
  private readonly files: Record<string, StoredEntry>;
  private readonly textHashes = new Map<string, string | null>();
  private dirty = false;

  private constructor(readonly location: string, private readonly key: string, data: CacheFile | undefined, private readonly env: AnalysisEnv) {
    this.strings = data?.strings ?? [];
    this.files = data?.files ?? {};
    this.dirty = data === undefined;
  }

  /** Loads the cache at `location`; a missing, unreadable or other run's cache starts empty. */
  static load(location: string, key: string, env: AnalysisEnv): CheckCache {
    let data: CacheFile | undefined;
    try {
      const parsed = JSON.parse(readFileSync(location, 'utf8')) as CacheFile;
      if (parsed.format === FORMAT && parsed.key === key && Array.isArray(parsed.strings) && typeof parsed.files === 'object' && parsed.files !== null) data = parsed;
    } catch {
      // none yet, or not ours: rebuilt
    }
    return new CheckCache(location, key, data, env);
  }

  private intern(text: string): number {
    if (this.stringIndex.size === 0 && this.strings.length > 0) this.strings.forEach((t, i) => this.stringIndex.set(t, i));
    let i = this.stringIndex.get(text);
    if (i === undefined) {
      i = this.strings.push(text) - 1;
      this.stringIndex.set(text, i);
    }
    return i;
  }

  /** Whether a file with this text has an entry (its findings will probably be reused). */
  hasContent(path: string, text: string): boolean {
    const entry = Object.prototype.hasOwnProperty.call(this.files, path) ? this.files[path] : undefined;
    return Array.isArray(entry) && entry[2] === sha1(text);
  }

  /** Whether a script with this text was a container wrapper when stored (its facts need no parse). */
  knownContainerWrapper(path: string, text: string): boolean {
    const entry = Object.prototype.hasOwnProperty.call(this.files, path) ? this.files[path] : undefined;
    return Array.isArray(entry) && entry[6] === 1 && entry[2] === sha1(text);
  }

  /** The findings of an unchanged file (same state or same content, same context, same answers), else undefined. */
  lookup(path: string, state: FileState | undefined, context: string, readText: () => string | undefined): Entry | undefined {
    const entry = Object.prototype.hasOwnProperty.call(this.files, path) ? this.files[path] : undefined;
    if (!entry || !state || !Array.isArray(entry) || this.strings[entry[3]] !== context) return undefined;
    if (entry[0] !== state.size || entry[1] !== state.mtimeMs) {
      const text = readText();
      if (text === undefined || sha1(text) !== entry[2]) return undefined;
      entry[0] = state.size;
      entry[1] = state.mtimeMs;
      this.dirty = true;
    }
    const deps = entry[5];
    for (let i = 0; i < deps.length; i += 3) {
      const stored = deps[i + 2];
      const answer = this.answer(deps[i] as Dependency[0], this.strings[deps[i + 1] as number]);
      if ((typeof stored === 'number' ? this.strings[stored] : stored) !== answer) return undefined;
    }
    const f = entry[4];
    const findings: StoredFinding[] = [];
    for (let i = 0; i < f.length; i += 7) {
      findings.push({
        range: { start: { line: f[i], character: f[i + 1] }, end: { line: f[i + 2], character: f[i + 3] } },
        severity: SEVERITIES[f[i + 4]],
        code: this.strings[f[i + 5]],
        message: this.strings[f[i + 6]],
      });
    }
    const summary = !Array.isArray(entry[6]) ? undefined : { wrapperDirs: entry[6][0].map((d) => this.strings[d]), setsWithConda: entry[6][1] };
    return { findings, summary };
  }

  store(path: string, state: FileState | undefined, text: string, context: string, data: { findings: readonly Finding[]; deps?: Dependency[]; summary?: ModuleSummary; containerWrapper?: boolean }): void {
    if (!state) return;
    const findings: number[] = [];
    for (const f of data.findings) {
      findings.push(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character, SEVERITIES.indexOf(f.severity), this.intern(f.code), this.intern(f.message));
    }
    const deps: (string | number | boolean | null)[] = [];
    for (const [kind, arg, answer] of data.deps ?? []) deps.push(kind, this.intern(arg), typeof answer === 'string' ? this.intern(answer) : answer);
    const summary: StoredEntry[6] = data.summary ? [data.summary.wrapperDirs.map((d) => this.intern(d)), data.summary.setsWithConda] : data.containerWrapper ? 1 : 0;
    this.files[path] = [state.size, state.mtimeMs, sha1(text), this.intern(context), findings, deps, summary];
    this.dirty = true;
  }

  /** Writes the cache when anything changed (entries of files not checked this run are kept). Throws on a write error. */
  save(): void {
    if (!this.dirty) return;
    const data: CacheFile = { format: FORMAT, key: this.key, strings: this.strings, files: this.files };
    mkdirSync(dirname(this.location), { recursive: true });
    const temp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(data));
    renameSync(temp, this.location);
  }

  /**
   * Hashed answers (a listing, a file's first bytes) asked this run: thousands of modules ask them
   * of one shared bin/ and its wrapper. The others come from the run's file-system snapshot already.
   */
  private readonly hashedAnswers = new Map<string, string | null>();

  private answer(kind: Dependency[0], arg: string): string | boolean | null {
    if (kind !== 'l' && kind !== 'h') return this.freshAnswer(kind, arg);
    const key = kind + arg;
    let answer = this.hashedAnswers.get(key);
    if (answer === undefined) {
      answer = this.freshAnswer(kind, arg) as string | null;
      this.hashedAnswers.set(key, answer);
    }
    return answer;
  }

  private freshAnswer(kind: Dependency[0], arg: string): string | boolean | null {
    const fs = this.env.fs;
    switch (kind) {
      case 'k':
        return fs.kind(arg);
      case 'r': {
        if (!this.textHashes.has(arg)) {
          const t = fs.readText(arg);
          this.textHashes.set(arg, t === undefined ? null : sha1(t));
        }
        return this.textHashes.get(arg)!;
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
      case 'e':
        return this.env.getenv(arg) ?? null;
      default:
        return 'unknown dependency';
    }
  }
}
