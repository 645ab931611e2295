// What a file's findings rest on besides its text: the questions its analysis asked the world
// (file kinds, texts, listings, environment variables) with the answers. The check engine records
// them (checkFile.ts); a result cache asks them again before it reuses findings (checkCache.ts).
import { createHash } from 'node:crypto';
import type { AnalysisEnv, FileSystemView } from '../env';

/** One recorded question and its answer: [kind, argument, answer]. */
// k: kind, r: text, s: size, h: first bytes (arg `N:path`), x: executable, l: listing, e: getenv.
export const DEPENDENCY_KINDS = ['k', 'r', 's', 'h', 'x', 'l', 'e'] as const;
export type Dependency = [(typeof DEPENDENCY_KINDS)[number], string, string | boolean | null];

/** A short key for a long text (file contents, directory listings). */
export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
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
