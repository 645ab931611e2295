// Writes a scaffold plan, all or nothing. First every target is looked at (nothing written yet):
// a byte-identical file or the same link is reused, a differing one is a conflict (refused without
// force, with a short diff; with force replaced after a numbered backup FILE.~N~), a symlink where
// a file goes is refused (with force the link itself is replaced, never written through), a
// directory where a file goes and a non-directory where a directory goes are refused always.
// Then files are written: each one to a fresh random name in its own directory (created
// exclusively, never following a link, mode set on the open descriptor) and renamed into place,
// the modulefile last so that a kill never leaves a module without its wrappers. A failure takes
// back what this call did (new files and directories removed, backups put back).
// The file system is a ScaffoldTarget: node's fs for the CLI, vscode.workspace.fs in the editor.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { inUserWords, ScaffoldWriteError } from './errors';
import type { PlannedFile } from './plan';

export class ScaffoldConflictError extends Error {
  constructor(
    readonly paths: string[],
    /** A short diff per differing file (old lines `-`, new lines `+`). */
    readonly diffs: string[] = [],
  ) {
    super(
      `refusing to overwrite existing file${paths.length === 1 ? '' : 's'} (use --force): ` +
        paths.join(', '),
    );
  }
}

/** A target that no --force can make writable (a directory where a file goes, and the like). */
export class ScaffoldBlockedError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export type TargetKind = 'file' | 'dir' | 'symlink' | 'other';

export interface ScaffoldTarget {
  /** What is at PATH (without following a final symlink); undefined when nothing. */
  stat(path: string): Promise<{ kind: TargetKind; linkTarget?: string } | undefined>;
  /** The content of the regular file at PATH, or undefined when it is longer than LIMIT bytes. */
  readFile(path: string, limit: number): Promise<Buffer | undefined>;
  /** Creates one directory (its parent exists); fails when something is there. */
  mkdir(path: string): Promise<void>;
  /**
   * Writes CONTENT with MODE to a new file at a fresh random name in PATH's directory (never
   * following a link, mode set on the open file) and renames it to PATH, replacing what is there.
   */
  writeFile(path: string, content: string, mode: number): Promise<void>;
  /** Makes PATH a symlink to TARGET, replacing what is there (a file system without links may copy). */
  symlink(target: string, path: string): Promise<void>;
  /** A second name for what is at PATH (a hard link, or a copy), which must not exist yet. */
  keepCopy(path: string, copy: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes the file or link at PATH (not a directory); no error when nothing is there. */
  remove(path: string): Promise<void>;
  /** Removes the empty directory PATH; no error when it is not empty or gone. */
  rmdir(path: string): Promise<void>;
  /** Names in directory PATH ([] when it is not one). */
  list(path: string): Promise<string[]>;
}

/**
 * Our temporary names: `.NAME.lumi-<16 hex>.tmp` beside NAME (and `.NAME.lumi-<pid>.tmp` of
 * earlier versions); a killed run leaves them behind.
 */
export const TEMP_NAME = /^\.(.+)\.lumi-(?:[0-9a-f]{16}|\d+)\.tmp$/;

export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.lumi-${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * Writes CONTENT to the new file TMP (created exclusively: a file or link someone planted at that
 * name makes this fail instead of being written through) with MODE less the umask and group/world
 * write, and
 * renames TMP to PATH (rename replaces a link at PATH itself, never writes through it).
 */
export async function writeThroughTemp(
  path: string,
  tmp: string,
  content: string,
  mode: number,
): Promise<void> {
  // Created with the mode itself, so the umask applies (umask 077: 0600/0700), never group or
  // world writable whatever the umask (000 included).
  const handle = await fs.open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode & 0o755,
  );
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** node's fs. */
export const nodeTarget: ScaffoldTarget = {
  async stat(path) {
    let s;
    try {
      s = await fs.lstat(path);
    } catch {
      return undefined;
    }
    if (s.isSymbolicLink()) return { kind: 'symlink', linkTarget: await fs.readlink(path) };
    return { kind: s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other' };
  },
  async readFile(path, limit) {
    // O_NOFOLLOW + fstat: a link or a FIFO swapped in after stat is neither followed nor opened blocking.
    const handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const s = await handle.stat();
      if (!s.isFile() || s.size > limit) return undefined;
      const buffer = Buffer.alloc(limit + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > limit) return undefined;
      }
      return buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  },
  // 0755 less the umask: never group or world writable.
  mkdir: (path) => fs.mkdir(path, 0o755),
  writeFile: (path, content, mode) => writeThroughTemp(path, tempNameFor(path), content, mode),
  async symlink(target, path) {
    const tmp = tempNameFor(path);
    await fs.symlink(target, tmp); // fails when the random name exists
    try {
      await fs.rename(tmp, path);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  },
  async keepCopy(path, copy) {
    try {
      await fs.link(path, copy); // link(2) does not follow a symlink at PATH: the link is kept
    } catch {
      const s = await fs.lstat(path);
      if (s.isSymbolicLink()) await fs.symlink(await fs.readlink(path), copy);
      else await fs.copyFile(path, copy, constants.COPYFILE_EXCL);
    }
  },
  rename: (from, to) => fs.rename(from, to),
  async remove(path) {
    const s = await nodeTarget.stat(path);
    if (s !== undefined && s.kind !== 'dir') await fs.unlink(path);
  },
  rmdir: (path) => fs.rmdir(path).catch(() => undefined),
  list: (path) => fs.readdir(path).catch(() => []),
};

/** What the writer did, per planned entry. */
export interface ScaffoldResult {
  written: PlannedFile[];
  /** Byte-identical files and identical links already there. */
  reused: PlannedFile[];
  /** Replaced targets (with --force) and where their old content was kept. */
  backups: { path: string; backup: string }[];
  /** Stale temporary files of an interrupted run, removed. */
  removedTemps: string[];
}

const COMPARE_LIMIT = 4 << 20;
const DIFF_LINES = 12;

/** A short line diff of OLD against NEW: the first differing lines, `-` old, `+` new. */
export function shortDiff(path: string, old: string, now: string): string {
  const a = old.split('\n');
  const b = now.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const lines = [...a.slice(start, endA).map((l) => `-${l}`), ...b.slice(start, endB).map((l) => `+${l}`)];
  const shown = lines.slice(0, DIFF_LINES);
  if (lines.length > shown.length) shown.push(`... (${lines.length - shown.length} more changed lines)`);
  return `--- ${path} (existing)\n+++ ${path} (scaffold)\n@@ line ${start + 1} @@\n${shown.join('\n')}`;
}

function isText(b: Buffer): boolean {
  return !b.includes(0);
}

/** First FILE.~N~ that does not exist. */
async function backupName(path: string, target: ScaffoldTarget, taken: Set<string>): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = `${path}.~${n}~`;
    if (!taken.has(candidate) && (await target.stat(candidate)) === undefined) return candidate;
  }
}

/** Directories from ROOT (exclusive) down to DIR (inclusive), outermost first. */
function dirsBelow(root: string, dir: string): string[] {
  const rel = relative(root, dir);
  if (rel === '' || rel.startsWith('..')) return [];
  const parts = rel.split(sep);
  return parts.map((_, i) => join(root, ...parts.slice(0, i + 1)));
}

export async function writeScaffold(
  plan: readonly PlannedFile[],
  options: { force: boolean; target?: ScaffoldTarget; root: string },
): Promise<ScaffoldResult> {
  try {
    return await checkAndWrite(plan, options);
  } catch (err) {
    throw inUserWords(err);
  }
}

async function checkAndWrite(
  plan: readonly PlannedFile[],
  options: { force: boolean; target?: ScaffoldTarget; root: string },
): Promise<ScaffoldResult> {
  const target = options.target ?? nodeTarget;
  const result: ScaffoldResult = { written: [], reused: [], backups: [], removedTemps: [] };
  const blocked: string[] = [];
  const conflicts: string[] = [];
  const diffs: string[] = [];
  const todo: { file: PlannedFile; replace: boolean }[] = [];
  const plannedDirs = new Set(plan.filter((f) => f.kind === 'dir').map((f) => f.path));
  const neededDirs = new Set<string>();

  // 1. Look at everything first.
  const rootNow = await target.stat(options.root);
  // The home itself may be a link (a project directory often is); what is below it is checked.
  if (rootNow?.kind === 'file' || rootNow?.kind === 'other')
    blocked.push(`${options.root} is not a directory`);
  for (const f of plan)
    for (const d of dirsBelow(options.root, f.kind === 'dir' ? f.path : dirname(f.path))) neededDirs.add(d);
  for (const d of [...neededDirs].sort()) {
    const now = await target.stat(d);
    if (now === undefined || now.kind === 'dir') continue;
    // A link to a directory is followed only where the plan makes no directory of its own
    // (sif/ may live on scratch); modules/, bin/, txt/ are written into and must be real.
    if (
      now.kind === 'symlink' &&
      plannedDirs.has(d) &&
      ![...neededDirs].some((x) => x !== d && x.startsWith(d + sep))
    )
      continue;
    blocked.push(
      `${d} is ${now.kind === 'symlink' ? 'a symlink' : 'not a directory'}: a directory goes there`,
    );
  }
  for (const f of plan) {
    const now = await target.stat(f.path);
    if (f.kind === 'dir') continue; // checked above
    if (now === undefined) {
      todo.push({ file: f, replace: false });
      continue;
    }
    if (now.kind === 'dir' || now.kind === 'other') {
      blocked.push(
        `${f.path} is ${now.kind === 'dir' ? 'a directory' : 'not a regular file'}: ` +
          `a ${f.kind === 'symlink' ? 'link' : 'file'} goes there`,
      );
      continue;
    }
    if (f.kind === 'symlink') {
      if (now.kind === 'symlink' && now.linkTarget === f.target) result.reused.push(f);
      else {
        conflicts.push(f.path);
        diffs.push(
          `${f.path}: is ${now.kind === 'symlink' ? `a link to ${now.linkTarget}` : 'a file'}, ` +
            `scaffold makes a link to ${f.target}`,
        );
        todo.push({ file: f, replace: true });
      }
      continue;
    }
    if (now.kind === 'symlink') {
      conflicts.push(f.path);
      diffs.push(
        `${f.path}: is a symlink (to ${now.linkTarget}); never written through: ` +
          '--force replaces the link itself',
      );
      todo.push({ file: f, replace: true });
      continue;
    }
    const old = await target.readFile(f.path, COMPARE_LIMIT).catch(() => undefined);
    const content = Buffer.from(f.content ?? '', 'utf8');
    if (old !== undefined && old.equals(content)) {
      result.reused.push(f);
      continue;
    }
    conflicts.push(f.path);
    diffs.push(
      old !== undefined && isText(old)
        ? shortDiff(f.path, old.toString('utf8'), f.content ?? '')
        : `${f.path}: differs (not shown: large or binary)`,
    );
    todo.push({ file: f, replace: true });
  }
  if (blocked.length > 0) throw new ScaffoldBlockedError(blocked);
  if (conflicts.length > 0 && !options.force) throw new ScaffoldConflictError(conflicts, diffs);

  // Temporary files an interrupted run left in our directories: ours to remove.
  for (const d of new Set(plan.map((f) => dirname(f.path)))) {
    for (const name of await target.list(d)) {
      const m = TEMP_NAME.exec(name);
      if (m === null || !plan.some((f) => dirname(f.path) === d && basename(f.path) === m[1])) continue;
      const p = join(d, name);
      const s = await target.stat(p);
      if (s?.kind === 'file' || s?.kind === 'symlink') {
        await target.remove(p);
        result.removedTemps.push(p);
      }
    }
  }

  // 2. Write: directories as needed, the modulefile(s) last.
  const createdDirs: string[] = [];
  const createdFiles: string[] = [];
  const backups: { path: string; backup: string }[] = [];
  const order = [...todo].sort(
    (a, b) => Number(a.file.path.endsWith('.lua')) - Number(b.file.path.endsWith('.lua')),
  );
  const rootAndAbove: string[] = [];
  for (let x = options.root; dirname(x) !== x; x = dirname(x)) rootAndAbove.unshift(x);
  const ensureDir = async (d: string) => {
    for (const x of [...rootAndAbove, ...dirsBelow(options.root, d)]) {
      if ((await target.stat(x)) !== undefined) continue;
      await target.mkdir(x);
      createdDirs.push(x);
    }
  };
  const taken = new Set<string>();
  try {
    for (const d of plannedDirs) await ensureDir(d);
    for (const { file: f, replace } of order) {
      await ensureDir(dirname(f.path));
      if (replace) {
        const backup = await backupName(f.path, target, taken);
        taken.add(backup);
        await target.keepCopy(f.path, backup);
        backups.push({ path: f.path, backup });
      } else createdFiles.push(f.path);
      if (f.kind === 'symlink') await target.symlink(f.target!, f.path);
      else await target.writeFile(f.path, f.content ?? '', f.mode ?? 0o644);
      result.written.push(f);
    }
  } catch (err) {
    for (const p of createdFiles.reverse()) await target.remove(p).catch(() => undefined);
    for (const b of backups.reverse()) await target.rename(b.backup, b.path).catch(() => undefined);
    for (const d of createdDirs.reverse()) await target.rmdir(d);
    throw err;
  }
  result.backups = backups;
  return result;
}

/** The advisory lock of a project home: one scaffold at a time plans, checks and writes there. */
export const LOCK_NAME = '.lumi-scaffold.lock';
/** How long a scaffold waits for another one writing the same home. */
const LOCK_WAIT_MS = 30_000;
/** A lock or take-over file that stays unreadable this long was left by a run killed while making it. */
const HALF_MADE_MS = 10_000;

interface LockOwner {
  pid: number;
  hostname: string;
  /** The process's start time (field 22 of /proc/PID/stat): a reused pid is not the owner. */
  started: string;
}

function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.hostname === 'string' && typeof o.started === 'string')
      return o as LockOwner;
  } catch {
    // a lock being written, or half made by a killed run
  }
  return undefined;
}

/** The owner is certainly gone: on this host, and no process with its pid and start time. */
function ownerGone(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const started = processStart(owner.pid);
  return owner.started !== '' && started !== '' && started !== owner.started;
}

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await fs.lstat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes LOCK when it still holds STALE, under a take-over file so two waiters never both do. */
async function takeOver(lock: string, stale: string): Promise<void> {
  const guard = `${lock}.takeover`;
  let handle;
  try {
    handle = await fs.open(guard, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch {
    if ((await ageMs(guard)) > HALF_MADE_MS) await fs.rm(guard, { force: true });
    return;
  }
  try {
    const now = await fs.readFile(lock, 'utf8').catch(() => undefined);
    if (now === stale) await fs.rm(lock, { force: true });
  } finally {
    await handle.close();
    await fs.rm(guard, { force: true });
  }
}

/**
 * Runs FN holding ROOT's scaffold lock: ROOT/.lumi-scaffold.lock, created exclusively, holding
 * this process's pid, host name and start time; released when FN settles and at exit; taken over
 * when its owner is gone. Another scaffold's lock is waited for (bounded), then this one fails
 * with "another scaffold is writing ROOT". ROOT is created for the lock when missing (and removed
 * again when FN fails and left it empty).
 */
export async function withScaffoldLock<T>(
  root: string,
  fn: () => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  let firstCreated: string | undefined;
  try {
    firstCreated = await fs.mkdir(root, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw inUserWords(err);
  }
  const lock = join(root, LOCK_NAME);
  const me = JSON.stringify({ pid: process.pid, hostname: hostname(), started: processStart(process.pid) });
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  for (;;) {
    try {
      const handle = await fs.open(
        lock,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o644,
      );
      try {
        await handle.writeFile(me);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw inUserWords(err);
    }
    const text = await fs.readFile(lock, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile
    const owner = parseOwner(text);
    if (owner ? ownerGone(owner) : (await ageMs(lock)) > HALF_MADE_MS) {
      await takeOver(lock, text);
      continue;
    }
    if (Date.now() > deadline)
      throw new ScaffoldWriteError(
        `another scaffold is writing ${root}` +
          (owner ? ` (process ${owner.pid} on ${owner.hostname})` : '') +
          ': nothing written; try again when it has finished',
      );
    await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 60));
  }
  const release = () => {
    try {
      if (readFileSync(lock, 'utf8') === me) unlinkSync(lock);
    } catch {
      // gone already
    }
  };
  process.on('exit', release);
  let failed = true;
  try {
    const result = await fn();
    failed = false;
    return result;
  } finally {
    release();
    process.off('exit', release);
    if (failed && firstCreated !== undefined)
      for (let d = root; d.length >= firstCreated.length; d = dirname(d))
        await fs.rmdir(d).catch(() => undefined);
  }
}
