// What the analysis may know of the world outside the text it checks. The CLI builds one from
// `--env` and the real file system; the language server from its settings; tests from fixtures.
import { accessSync, constants, readdirSync, readlinkSync, statSync } from 'node:fs';
import { readBounded } from '../common/boundedRead';
import { join } from 'node:path';
import type * as SitePackageModule from './modulefile/sitePackage';
import type * as ImageFactsModule from '../image/facts';
import type { ImageFacts } from '../image/facts';
import type * as ImageLocateModule from '../image/locate';
import type { InImagePath } from '../image/locate';

/** The Lua grammars a modulefile can be checked with (lumiModules.luaVersion, check --lua-version). */
export const LUA_VERSIONS = ['5.1', '5.2', '5.3', 'LuaJIT'] as const;
export type LuaVersion = (typeof LUA_VERSIONS)[number];
export const isLuaVersion = (value: string): value is LuaVersion =>
  (LUA_VERSIONS as readonly string[]).includes(value);

export type FileKind = 'file' | 'dir' | 'other' | 'missing';

/** Read-only view of the checked file system. Every method must never throw. */
export interface FileSystemView {
  kind(path: string): FileKind;
  /** UTF-8 text of a regular file within the read limit (1 MiB), or undefined. */
  readText(path: string): string | undefined;
  /** Size in bytes of a file, or undefined when it cannot be stat'ed (to skip big files unread). */
  size(path: string): number | undefined;
  /** The first `bytes` bytes of a regular file, as text (latin1: bytes stay bytes), or undefined. */
  readStart?(path: string, bytes: number): string | undefined;
  isExecutable(path: string): boolean;
  /** Entry names of a directory, or undefined when unreadable. */
  listDir(path: string): string[] | undefined;
  /** What a container image holds (core/image, read without running it), or why it was not read. */
  imageFacts?(path: string): ImageFactsOutcome;
  /**
   * What each of PATHS is inside the image at IMAGE, links followed inside it, anything under one
   * of HOST_PREFIXES (bind targets, host roots) being the host's (core/image/locate.ts).
   */
  imageLookup?(image: string, paths: readonly string[], hostPrefixes: readonly string[]): InImagePath[];
  /** A symbolic link's target as written (readlink), or undefined when `path` is no link. */
  linkTarget?(path: string): string | undefined;
}

export type ImageFactsOutcome =
  | { ok: true; facts: ImageFacts }
  /** placeholder: an empty file, no image at all (a stand-in in a test or a fresh project). */
  | { ok: false; message: string; placeholder: boolean };

export interface AnalysisEnv {
  /** Value for `os.getenv(name)`; undefined means unknown (paths using it are unresolvable). */
  getenv(name: string): string | undefined;
  /** 'asked': the user gave the value (`--env`, settings); messages then may show it. */
  getenvOrigin?(name: string): 'asked' | 'environment';
  fs: FileSystemView;
  luaVersion: LuaVersion;
  shellcheck: { enabled: boolean; path: string };
  /** Functions a site's SitePackage.lua registers (besides LUMI's, known out of the box). */
  siteFunctions?: { names: readonly string[]; origin: string };
  /** MODULEPATH entries: a .lua file under one is a modulefile whatever its directory's name. */
  modulePath?: readonly string[];
  /** LMOD_MODULERC / LMOD_MODULERCFILE / MODULERCFILE entries: system modulerc files or directories. */
  modulercPaths?: readonly string[];
}

export const realFileSystem: FileSystemView = {
  kind(path) {
    try {
      // throwIfNoEntry: a missing path is the common case and exceptions are slow.
      const st = statSync(path, { throwIfNoEntry: false });
      return st === undefined ? 'missing' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch {
      return 'missing';
    }
  },
  readText(path) {
    // Regular files only, bounded: a capture('cat /dev/zero') or a huge file on PATH reads nothing.
    const read = readBounded(path);
    return read.ok && !read.truncated ? read.bytes.toString('utf8') : undefined;
  },
  readStart(path, bytes) {
    const read = readBounded(path, bytes);
    return read.ok ? read.bytes.toString('latin1') : undefined;
  },
  size(path) {
    try {
      return statSync(path, { throwIfNoEntry: false })?.size;
    } catch {
      return undefined;
    }
  },
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
  imageFacts(path) {
    // Loaded on the first image only: a check of modules without images never loads the reader.
    const outcome = (require('../image/facts') as typeof ImageFactsModule).localImageFacts(path);
    if (outcome.ok) return { ok: true, facts: outcome.facts };
    // An empty file has no bytes to be an image by: a stand-in (a test tree, a project whose
    // images come later). Any other file is judged by its first bytes (the SIF or squashfs magic).
    return {
      ok: false,
      message: outcome.error.message,
      placeholder: outcome.error.kind === 'not-an-image' && this.size(path) === 0,
    };
  },
  imageLookup(image, paths, hostPrefixes) {
    return (require('../image/locate') as typeof ImageLocateModule).localImageLookup(
      image,
      paths,
      hostPrefixes,
    );
  },
  linkTarget(path) {
    try {
      return readlinkSync(path);
    } catch {
      return undefined;
    }
  },
};

/**
 * Memoizes a view for one batch run (a CLI check sees the file system as a snapshot; thousands of
 * modules name the same root, image and bin directories). The language server takes one per
 * analysis only: files change under an editor.
 */
export function snapshotFileSystem(base: FileSystemView): FileSystemView {
  const kinds = new Map<string, FileKind>();
  const texts = new Map<string, string | undefined>();
  const sizes = new Map<string, number | undefined>();
  const executables = new Map<string, boolean>();
  const listings = new Map<string, string[] | undefined>();
  const starts = new Map<string, string | undefined>();
  const links = new Map<string, string | undefined>();
  // get() first: one lookup for the common hit (has() then get() is two).
  const memo = <T>(map: Map<string, T>, path: string, compute: (p: string) => T): T => {
    const known = map.get(path);
    if (known !== undefined || map.has(path)) return known as T;
    const value = compute(path);
    map.set(path, value);
    return value;
  };
  const kind = base.kind.bind(base);
  const readText = base.readText.bind(base);
  const size = base.size.bind(base);
  const isExecutable = base.isExecutable.bind(base);
  const listDir = base.listDir.bind(base);
  const images = new Map<string, ImageFactsOutcome>();
  const lookups = new Map<string, InImagePath[]>();
  return {
    imageFacts: base.imageFacts && ((path) => memo(images, path, (p) => base.imageFacts!(p))),
    imageLookup:
      base.imageLookup &&
      ((image, paths, prefixes) =>
        memo(lookups, [image, ...paths, '', ...prefixes].join('\0'), () =>
          base.imageLookup!(image, paths, prefixes),
        )),
    kind: (path) => memo(kinds, path, kind),
    readText: (path) => memo(texts, path, readText),
    size: (path) => memo(sizes, path, size),
    readStart:
      base.readStart &&
      ((path, bytes) => memo(starts, `${bytes}:${path}`, () => base.readStart!(path, bytes))),
    isExecutable: (path) => memo(executables, path, isExecutable),
    listDir: (path) => memo(listings, path, listDir),
    linkTarget: base.linkTarget && ((path) => memo(links, path, (p) => base.linkTarget!(p))),
  };
}

/** What an environment is made of (plain data besides `fs`: a tree check's workers rebuild it). */
export interface MakeEnvOptions {
  vars?: Record<string, string>;
  processEnv?: Record<string, string | undefined>;
  luaVersion?: LuaVersion;
  shellcheck?: { enabled: boolean; path: string };
  fs?: FileSystemView;
  /**
   * A SitePackage.lua to read registered function names from; else `$LMOD_PACKAGE_PATH/SitePackage.lua` when
   * set.
   */
  sitePackage?: string;
}

/**
 * A batch run's environment (`check` and its worker threads, which must see the same): the real
 * file system as one snapshot.
 */
export function batchEnv(options: Omit<MakeEnvOptions, 'fs'>): AnalysisEnv {
  return makeEnv({ ...options, fs: snapshotFileSystem(realFileSystem) });
}

/** An environment over the real file system; `vars` wins over `processEnv`. */
export function makeEnv(options: MakeEnvOptions): AnalysisEnv {
  const vars = options.vars ?? {};
  const processEnv = options.processEnv ?? {};
  const fs = options.fs ?? realFileSystem;
  const getenv = (name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : processEnv[name];
  const packagePath = getenv('LMOD_PACKAGE_PATH');
  const sitePackage = options.sitePackage || (packagePath ? join(packagePath, 'SitePackage.lua') : undefined);
  // Loaded only when there is one: it needs the Lua parser, which a full cache hit never loads.
  const names = sitePackage
    ? (require('./modulefile/sitePackage') as typeof SitePackageModule).readSitePackage(sitePackage, fs)
    : undefined;
  return {
    getenv,
    getenvOrigin: (name) => (Object.prototype.hasOwnProperty.call(vars, name) ? 'asked' : 'environment'),
    fs,
    luaVersion: options.luaVersion ?? '5.3',
    shellcheck: options.shellcheck ?? { enabled: false, path: 'shellcheck' },
    siteFunctions: sitePackage && names ? { names, origin: sitePackage } : undefined,
    modulePath: (getenv('MODULEPATH') ?? '').split(':').filter((p) => p.startsWith('/')),
    modulercPaths: ['LMOD_MODULERC', 'LMOD_MODULERCFILE', 'MODULERCFILE']
      .flatMap((v) => (getenv(v) ?? '').split(':'))
      .filter((p) => p.startsWith('/')),
  };
}
