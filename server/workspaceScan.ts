// Finds the modulefiles of a workspace for the module index, with bounds: a LUMI project
// directory can hold millions of files (venvs, datasets), and start-up must stay quick.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isModulefilePath } from '../core/analysis/project/checkProject';

const SKIPPED = new Set(['.git', 'node_modules', '__pycache__', 'site-packages', '.cache', '.venv', 'venv']);
export const MAX_SCANNED_ENTRIES = 50_000;

export async function findModulefiles(
  roots: readonly string[],
  maxEntries = MAX_SCANNED_ENTRIES,
): Promise<string[]> {
  const found: string[] = [];
  const queue = [...roots];
  let seen = 0;
  while (queue.length > 0 && seen < maxEntries) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable: the index is best effort
    }
    for (const e of entries) {
      if (++seen > maxEntries) break;
      const path = join(dir, e.name);
      if (e.isDirectory() && !SKIPPED.has(e.name)) queue.push(path);
      else if (e.isFile() && isModulefilePath(path)) found.push(path);
    }
  }
  return found.sort();
}
