// Writes a scaffold plan: checks every target first (refusing to overwrite anything without
// force, naming all conflicts), then writes each file atomically (temp file + rename in the same
// directory), removing what it wrote when a later step fails.
import { chmodSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PlannedFile } from './plan';

export class ScaffoldConflictError extends Error {
  constructor(readonly paths: string[]) {
    super(`refusing to overwrite existing file${paths.length === 1 ? '' : 's'} (use --force): ${paths.join(', ')}`);
  }
}

function alreadyThere(f: PlannedFile): boolean {
  try {
    if (f.kind === 'dir') return lstatSync(f.path).isDirectory();
    return f.kind === 'symlink' && lstatSync(f.path).isSymbolicLink() && readlinkSync(f.path) === f.target;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function writeScaffold(plan: readonly PlannedFile[], options: { force: boolean }): PlannedFile[] {
  const todo = plan.filter((f) => !alreadyThere(f));
  const conflicts = todo.filter((f) => exists(f.path)).map((f) => f.path);
  if (conflicts.length > 0 && !options.force) throw new ScaffoldConflictError(conflicts);
  const written: string[] = [];
  try {
    for (const f of todo) {
      if (f.kind === 'dir') {
        mkdirSync(f.path, { recursive: true });
        continue;
      }
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = join(dirname(f.path), `.${basename(f.path)}.lumi-${process.pid}.tmp`);
      if (f.kind === 'symlink') symlinkSync(f.target!, tmp);
      else {
        writeFileSync(tmp, f.content ?? '', { mode: f.mode ?? 0o644 });
        chmodSync(tmp, f.mode ?? 0o644);
      }
      written.push(tmp);
      renameSync(tmp, f.path);
      written[written.length - 1] = f.path;
    }
  } catch (err) {
    if (!options.force) for (const p of written) rmSync(p, { force: true });
    throw err;
  }
  return todo;
}
