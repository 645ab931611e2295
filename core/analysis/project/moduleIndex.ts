// Which modulefiles put which directories on PATH, and whether they set WITH_CONDA.
// A wrapper's diagnostics depend on the modules that own its directory, and a module's on the
// wrappers in its directories: the CLI fills this once per run, the language server keeps it
// up to date as files change and uses it to re-check dependants.
import { dirname } from 'node:path';
import type { ModulefileAnalysis } from '../modulefile/types';

export interface ModuleSummary {
  /** Resolved absolute directories the module prepends/appends to PATH. */
  wrapperDirs: readonly string[];
  setsWithConda: boolean;
}

export function moduleSummary(analysis: ModulefileAnalysis): ModuleSummary {
  return { wrapperDirs: analysis.wrapperDirs, setsWithConda: analysis.setenv.has('WITH_CONDA') };
}

export class ModuleIndex {
  private readonly modules = new Map<string, ModuleSummary>();

  set(modulePath: string, summary: ModuleSummary): void {
    this.modules.set(modulePath, { wrapperDirs: [...summary.wrapperDirs], setsWithConda: summary.setsWithConda });
  }

  delete(modulePath: string): void {
    this.modules.delete(modulePath);
  }

  /** Every directory some indexed module puts on PATH. */
  wrapperDirs(): Set<string> {
    const dirs = new Set<string>();
    for (const m of this.modules.values()) for (const d of m.wrapperDirs) dirs.add(d);
    return dirs;
  }

  /** Modules that put the directory of `wrapperPath` on PATH. */
  owners(wrapperPath: string): string[] {
    const dir = dirname(wrapperPath);
    // A loop, not [...modules].filter().map(): `check` asks this of a bin/ shared by 10,000 modules.
    const owners: string[] = [];
    for (const [path, m] of this.modules) if (m.wrapperDirs.includes(dir)) owners.push(path);
    return owners.sort();
  }

  /** Owners of `wrapperPath` that set WITH_CONDA (the wrapper must then apply it). */
  modulesSettingWithConda(wrapperPath: string): string[] {
    return this.owners(wrapperPath).filter((path) => this.modules.get(path)!.setsWithConda);
  }
}
