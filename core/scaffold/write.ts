// Writes a scaffold plan: checks every target first (refusing to overwrite anything without
// force, naming all conflicts), then writes each file atomically where the file system allows
// (temp file + rename in the same directory), removing what it created when a later step fails.
// The file system is a ScaffoldTarget: node's fs for the CLI, vscode.workspace.fs in the editor.
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PlannedFile } from './plan';

export class ScaffoldConflictError extends Error {
  constructor(readonly paths: string[]) {
    super(`refusing to overwrite existing file${paths.length === 1 ? '' : 's'} (use --force): ${paths.join(', ')}`);
  }
}

export interface ScaffoldTarget {
  /** What is at PATH (without following a final symlink); undefined when nothing. */
  stat(path: string): Promise<{ kind: 'file' | 'dir' | 'symlink'; linkTarget?: string } | undefined>;
  mkdirp(path: string): Promise<void>;
  /** Writes CONTENT with MODE, atomically where the file system allows. */
  writeFile(path: string, content: string, mode: number): Promise<void>;
  /** Makes PATH a symlink to TARGET (a file system without links may copy instead). */
  symlink(target: string, path: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/** node's fs: temp file + rename, symlinks made beside the final name then renamed over it. */
export const nodeTarget: ScaffoldTarget = {
  async stat(path) {
    try {
      const s = await fs.lstat(path);
      if (s.isSymbolicLink()) return { kind: 'symlink', linkTarget: await fs.readlink(path) };
      return { kind: s.isDirectory() ? 'dir' : 'file' };
    } catch {
      return undefined;
    }
  },
  mkdirp: async (path) => void (await fs.mkdir(path, { recursive: true })),
  async writeFile(path, content, mode) {
    const tmp = join(dirname(path), `.${basename(path)}.lumi-${process.pid}.tmp`);
    try {
      await fs.writeFile(tmp, content, { mode });
      await fs.chmod(tmp, mode);
      await fs.rename(tmp, path);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  },
  async symlink(target, path) {
    const tmp = join(dirname(path), `.${basename(path)}.lumi-${process.pid}.tmp`);
    try {
      await fs.symlink(target, tmp);
      await fs.rename(tmp, path);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  },
  remove: (path) => fs.rm(path, { force: true }),
};

async function alreadyThere(f: PlannedFile, target: ScaffoldTarget): Promise<boolean> {
  const now = await target.stat(f.path);
  if (f.kind === 'dir') return now?.kind === 'dir';
  return f.kind === 'symlink' && now?.kind === 'symlink' && now.linkTarget === f.target;
}

export async function writeScaffold(plan: readonly PlannedFile[], options: { force: boolean; target?: ScaffoldTarget }): Promise<PlannedFile[]> {
  const target = options.target ?? nodeTarget;
  const todo: PlannedFile[] = [];
  const conflicts: string[] = [];
  for (const f of plan) {
    if (await alreadyThere(f, target)) continue;
    todo.push(f);
    if ((await target.stat(f.path)) !== undefined) conflicts.push(f.path);
  }
  if (conflicts.length > 0 && !options.force) throw new ScaffoldConflictError(conflicts);
  const created: string[] = [];
  try {
    for (const f of todo) {
      if (f.kind === 'dir') {
        await target.mkdirp(f.path);
        continue;
      }
      await target.mkdirp(dirname(f.path));
      if (f.kind === 'symlink') await target.symlink(f.target!, f.path);
      else await target.writeFile(f.path, f.content ?? '', f.mode ?? 0o644);
      created.push(f.path);
    }
  } catch (err) {
    // Without force nothing was there before: take back what this call wrote.
    if (!options.force) for (const p of created) await target.remove(p).catch(() => undefined);
    throw err;
  }
  return todo;
}
