// What checks, hover, scaffold and `inspect` want to know of an image, read without running it:
// the environment as Singularity builds it (the OCI config's Env, then /.singularity.d/env/*.sh
// in name order, their simple export lines interpreted statically), so PATH inside the container
// and WITH_CONDA; which of python, python3, pip resolve on that PATH and to what; Python versions;
// conda installations and their envs; venvs; labels; the SBOM's packages; the run script.
// Cached by the image's identity (where, size, mtime, SIF UUID): a changed image is read again.
import { LocalFileSource, type ByteSource } from './byteSource';
import { ImageError } from './errors';
import { openImage, tykkyImage, type OpenedImage } from './image';
import { runAsync, runSync, type Io } from './io';
import { DATA_DEFFILE, DATA_ENVVAR, DATA_GENERIC_JSON, DATA_LABELS, DATA_SBOM, readObject } from './sif';
import type { Inode } from './squashfs';
import { interpretEnvScript, parseEnvList } from './envScript';

/** Small files read for facts (env scripts, os-release, pyvenv.cfg, JSON objects). */
const SMALL_FILE = 256 * 1024;
/** SBOMs are larger (thousands of packages). */
const SBOM_LIMIT = 16 * 1024 * 1024;
const SBOM_PACKAGES_KEPT = 20;
const RUNSCRIPT_KEPT = 4096;
/** Singularity's PATH when the image sets none. */
export const DEFAULT_CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const CONDA_DIRS = ['conda', 'miniconda3', 'miniconda', 'miniforge3', 'miniforge', 'mambaforge', 'anaconda3'];
const PROGRAMS = ['python', 'python3', 'pip'] as const;

export interface ResolvedProgram {
  /** Where PATH finds it. */
  path: string;
  /** What that is after following symbolic links inside the image. */
  resolved: string;
}

export interface CondaInstallation {
  root: string;
  /** Env names under envs/ (with a conda-meta directory). */
  envs: string[];
  /** `source <root>/bin/activate [env]` works. */
  activate: boolean;
  /** `source <root>/etc/profile.d/conda.sh && conda activate env` works. */
  profileScript: boolean;
  /** Python versions of the base and each env (lib/pythonX.Y). */
  pythonVersions: Record<string, string[]>;
}

export interface Venv {
  path: string;
  /** pyvenv.cfg's version (version_info in newer venvs). */
  version?: string;
  home?: string;
}

export interface ImageFacts {
  image: string;
  format: 'sif' | 'squashfs';
  /** A Tykky installation directory the image belongs to. */
  tykky?: string;
  size: number;
  mtimeMs: number;
  compression: string;
  blockSize: number;
  sif?: {
    uuid: string;
    arch: string;
    createdAt: number;
    objects: { id: number; type: string; name: string; size: number }[];
  };
  /** When it was built (SIF creation time, else the squashfs' time), seconds since the epoch. */
  builtAt: number;
  os?: { id?: string; versionId?: string; prettyName?: string };
  /** The environment inside the container, as the image sets it. */
  env: Record<string, string>;
  /** Env scripts that were read, in the order Singularity sources them. */
  envFiles: string[];
  /** Lines of those scripts that were not interpreted (control flow, commands). */
  envSkipped: number;
  path: string[];
  withConda?: string;
  programs: Partial<Record<(typeof PROGRAMS)[number], ResolvedProgram>>;
  pythonVersions: string[];
  conda: CondaInstallation[];
  venvs: Venv[];
  labels: Record<string, string>;
  sbom?: { format: string; total: number; packages: { name: string; version?: string }[] };
  runscript?: string;
  /** Python is on no PATH entry, but a conda env has one: it is reachable only after activation. */
  pythonOnlyAfterConda?: { root: string; env?: string; python: string };
  /** What reading cost. */
  bytesRead: number;
}

function text(b: Buffer): string {
  return b.toString('utf8');
}

function parseJson(b: Buffer | undefined): unknown {
  if (!b) return undefined;
  try {
    return JSON.parse(text(b)) as unknown;
  } catch {
    return undefined;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function parseOsRelease(t: string): ImageFacts['os'] {
  const values: Record<string, string> = {};
  for (const line of t.split('\n')) {
    const m = /^([A-Z_]+)=(?:"([^"]*)"|'([^']*)'|(.*))$/.exec(line.trim());
    if (m) values[m[1]] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return { id: values.ID, versionId: values.VERSION_ID, prettyName: values.PRETTY_NAME };
}

function sbomPackages(doc: unknown): ImageFacts['sbom'] {
  if (!doc || typeof doc !== 'object') return undefined;
  const d = doc as Record<string, unknown>;
  const pick = (list: unknown, format: string, versionKey: string) => {
    if (!Array.isArray(list)) return undefined;
    const packages = list
      .filter(
        (p): p is Record<string, unknown> =>
          !!p && typeof p === 'object' && typeof (p as { name?: unknown }).name === 'string',
      )
      .map((p) => ({
        name: p.name as string,
        version: typeof p[versionKey] === 'string' ? (p[versionKey] as string) : undefined,
      }));
    return { format, total: packages.length, packages: packages.slice(0, SBOM_PACKAGES_KEPT) };
  };
  return (
    pick(d.components, 'CycloneDX', 'version') ??
    pick(d.packages, 'SPDX', 'versionInfo') ??
    pick(d.artifacts, 'syft', 'version')
  );
}

/** Everything below reads through these, so a missing path is `undefined`, never an error. */
class Walker {
  constructor(readonly img: OpenedImage) {}

  *find(path: string, follow = true): Io<{ inode: Inode; path: string } | undefined> {
    try {
      return yield* this.img.fs.lookup(path, follow);
    } catch (err) {
      if (err instanceof ImageError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  *read(path: string, limit = SMALL_FILE, prefix = false): Io<Buffer | undefined> {
    const found = yield* this.find(path);
    if (!found || found.inode.kind !== 'file') return undefined;
    if (found.inode.size > limit && !prefix) return undefined;
    return yield* this.img.fs.readFile(found.inode, limit, prefix);
  }

  *names(path: string): Io<{ name: string; kind: string }[]> {
    const found = yield* this.find(path);
    if (!found || found.inode.kind !== 'dir') return [];
    return yield* this.img.fs.list(found.inode);
  }

  *isDir(path: string): Io<boolean> {
    return (yield* this.find(path))?.inode.kind === 'dir';
  }

  *isFile(path: string): Io<boolean> {
    return (yield* this.find(path))?.inode.kind === 'file';
  }

  *pythonVersions(prefix: string): Io<string[]> {
    const names = yield* this.names(`${prefix}/lib`);
    return names
      .map((e) => /^python(\d+\.\d+)$/.exec(e.name)?.[1])
      .filter((v): v is string => v !== undefined);
  }
}

function* gatherFacts(img: OpenedImage, imageName: string): Io<Omit<ImageFacts, 'bytesRead' | 'tykky'>> {
  const w = new Walker(img);
  const sif = img.sif;
  const objects = sif?.descriptors ?? [];
  const objectNamed = function* (type: number, name?: string) {
    const d = objects.find((o) => o.dataType === type && (name === undefined || o.name === name));
    return d ? yield* readObject(d, type === DATA_SBOM ? SBOM_LIMIT : SMALL_FILE) : undefined;
  };
  // The environment: OCI Env first (what the OCI image says), then the env scripts in name order.
  const env: Record<string, string> = { PATH: DEFAULT_CONTAINER_PATH };
  const ociConfig = parseJson(yield* objectNamed(DATA_GENERIC_JSON, 'oci-config.json')) as
    { Env?: unknown; config?: { Env?: unknown }; Labels?: unknown; config_labels?: unknown } | undefined;
  const ociEnv = ociConfig?.Env ?? ociConfig?.config?.Env;
  Object.assign(env, parseEnvList(ociEnv));
  const envFiles: string[] = [];
  let envSkipped = 0;
  const scripts = (yield* w.names('/.singularity.d/env'))
    .filter((e) => e.name.endsWith('.sh'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of scripts) {
    const body = yield* w.read(`/.singularity.d/env/${name}`);
    if (!body) continue;
    envFiles.push(`/.singularity.d/env/${name}`);
    envSkipped += interpretEnvScript(text(body), env).skipped;
  }
  // A SIF's own env object (data type 0x4002) holds the same, for images built that way.
  const envObject = yield* objectNamed(DATA_ENVVAR);
  if (envObject) envSkipped += interpretEnvScript(text(envObject), env).skipped;
  const path = (env.PATH ?? '').split(':').filter((p) => p.startsWith('/'));
  const programs: ImageFacts['programs'] = {};
  for (const program of PROGRAMS) {
    for (const dir of path) {
      const at = `${dir.replace(/\/+$/, '')}/${program}`;
      const found = yield* w.find(at);
      if (found && found.inode.kind === 'file') {
        programs[program] = { path: at, resolved: found.path };
        break;
      }
    }
  }
  // Conda installations: the usual places under /opt and at the top (Tykky's /miniforge).
  const conda: CondaInstallation[] = [];
  const candidates = new Set<string>();
  for (const e of yield* w.names('/opt')) if (e.kind === 'dir') candidates.add(`/opt/${e.name}`);
  for (const name of CONDA_DIRS) candidates.add(`/${name}`);
  candidates.add('/usr/local');
  for (const root of [...candidates].sort()) {
    if (!(yield* w.isDir(`${root}/conda-meta`))) continue;
    const envs: string[] = [];
    for (const e of yield* w.names(`${root}/envs`))
      if (yield* w.isDir(`${root}/envs/${e.name}/conda-meta`)) envs.push(e.name);
    const versions: Record<string, string[]> = { base: yield* w.pythonVersions(root) };
    for (const e of envs) versions[e] = yield* w.pythonVersions(`${root}/envs/${e}`);
    conda.push({
      root,
      envs,
      activate: yield* w.isFile(`${root}/bin/activate`),
      profileScript: yield* w.isFile(`${root}/etc/profile.d/conda.sh`),
      pythonVersions: versions,
    });
  }
  // venvs: a pyvenv.cfg under /opt/* or at the top.
  const venvs: Venv[] = [];
  const venvCandidates = [...candidates].filter((c) => c !== '/usr/local');
  for (const root of venvCandidates) {
    const cfg = yield* w.read(`${root}/pyvenv.cfg`);
    if (!cfg) continue;
    const values = Object.fromEntries(
      text(cfg)
        .split('\n')
        .map((l) => /^\s*([\w.-]+)\s*=\s*(.*?)\s*$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    venvs.push({ path: root, version: values.version_info ?? values.version, home: values.home });
  }
  const versions = new Set<string>();
  for (const prefix of ['/usr', '/usr/local', ...venvs.map((v) => v.path)])
    for (const v of yield* w.pythonVersions(prefix)) versions.add(v);
  for (const c of conda)
    for (const list of Object.values(c.pythonVersions)) for (const v of list) versions.add(v);
  const python = programs.python ?? programs.python3;
  let pythonOnlyAfterConda: ImageFacts['pythonOnlyAfterConda'];
  if (!python) {
    for (const c of conda) {
      for (const e of [...c.envs, undefined]) {
        const bin = e ? `${c.root}/envs/${e}/bin/python` : `${c.root}/bin/python`;
        if (yield* w.isFile(bin)) {
          pythonOnlyAfterConda = { root: c.root, env: e, python: bin };
          break;
        }
      }
      if (pythonOnlyAfterConda) break;
    }
  }
  const labels = {
    ...stringRecord(parseJson(yield* w.read('/.singularity.d/labels.json'))),
    ...stringRecord(parseJson(yield* objectNamed(DATA_LABELS))),
    ...stringRecord((ociConfig as { Labels?: unknown; config?: { Labels?: unknown } } | undefined)?.Labels),
  };
  const sbomBytes = (yield* objectNamed(DATA_SBOM)) ?? (yield* w.read('/.sbom.json', SBOM_LIMIT));
  const osRelease = (yield* w.read('/etc/os-release')) ?? (yield* w.read('/usr/lib/os-release'));
  const runscript = yield* w.read('/.singularity.d/runscript', RUNSCRIPT_KEPT, true);
  const definition = yield* objectNamed(DATA_DEFFILE);
  void definition;
  const sb = img.fs.superblock;
  return {
    image: imageName,
    format: img.format,
    size: img.source.size,
    mtimeMs: img.source.mtimeMs,
    compression: sb.compression,
    blockSize: sb.blockSize,
    sif: sif && {
      uuid: sif.uuid,
      arch: sif.arch,
      createdAt: sif.createdAt,
      objects: sif.descriptors.map((d) => ({
        id: d.id,
        type: `0x${d.dataType.toString(16)}`,
        name: d.name,
        size: d.size,
      })),
    },
    builtAt: sif?.createdAt || sb.modTime,
    os: osRelease ? parseOsRelease(text(osRelease)) : undefined,
    env,
    envFiles,
    envSkipped,
    path,
    withConda: env.WITH_CONDA,
    programs,
    pythonVersions: [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    conda,
    venvs,
    labels,
    sbom: sbomPackages(parseJson(sbomBytes)),
    runscript: runscript ? text(runscript) : undefined,
    pythonOnlyAfterConda,
  };
}

/** Facts of an opened image (any source), asynchronously. */
export async function factsOf(img: OpenedImage, name = img.source.name): Promise<ImageFacts> {
  const before = img.source.bytesRead;
  const facts = await runAsync(gatherFacts(img, name), img.source);
  return { ...facts, bytesRead: img.source.bytesRead - before };
}

/** Opens SOURCE and reads its facts (async: SFTP). */
export async function readImageFacts(source: ByteSource): Promise<ImageFacts> {
  const img = await runAsync(openImage(source), source);
  return factsOf(img);
}

export type FactsOutcome =
  { ok: true; facts: ImageFacts; cached: boolean } | { ok: false; error: ImageError };

const cache = new Map<string, ImageFacts>();
const CACHE_ENTRIES = 32;

/**
 * Facts of the local image at PATH (a .sif, a .sqsh, or a Tykky installation directory),
 * synchronously, cached by identity: path, size, mtime and, for a SIF, its UUID.
 */
export function localImageFacts(path: string): FactsOutcome {
  const file = tykkyImage(path) ?? path;
  let source: LocalFileSource | undefined;
  try {
    source = LocalFileSource.open(file);
    const img = runSync(openImage(source), source);
    const key = `${file}\0${source.size}\0${source.mtimeMs}\0${img.sif?.uuid ?? ''}`;
    const known = cache.get(key);
    if (known) return { ok: true, facts: known, cached: true };
    const before = source.bytesRead;
    const gathered = runSync(gatherFacts(img, path), source);
    const facts: ImageFacts = {
      ...gathered,
      tykky: file !== path ? path : undefined,
      bytesRead: source.bytesRead,
    };
    void before;
    cache.set(key, facts);
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    return { ok: true, facts, cached: false };
  } catch (err) {
    return { ok: false, error: err instanceof ImageError ? err : new ImageError('corrupt', String(err)) };
  } finally {
    source?.close();
  }
}

/** Forgets every cached image (tests, benchmarks). */
export function clearImageFactsCache(): void {
  cache.clear();
}
