// Go to definition on a path expression: the file it names (a load message read by capture,
// the image), or the wrapper scripts in a directory put on PATH.
import { join } from 'node:path';
import type { AnalysisEnv } from '../env';
import type { ModulefileAnalysis } from '../modulefile/types';
import type { Position } from '../types';
import { contains } from './hover';

export function definitionModulefile(
  analysis: ModulefileAnalysis,
  pos: Position,
  env: AnalysisEnv,
): string[] {
  const hits = analysis.paths.filter((p) => p.value !== undefined && contains(p.range, pos));
  const targets: string[] = [];
  for (const p of hits) {
    const value = p.value!;
    const kind = env.fs.kind(value);
    if (kind === 'file') targets.push(value);
    else if (kind === 'dir') {
      for (const name of (env.fs.listDir(value) ?? []).sort()) {
        const path = join(value, name);
        if (env.fs.kind(path) === 'file') targets.push(path);
      }
    }
  }
  return [...new Set(targets)];
}
