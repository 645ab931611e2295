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
  /** Directory -> the modules that put it on PATH: a tree check asks for the owners of every wrapper. */
  private readonly ownersByDir = new Map<string, Set<string>>();
  /** Per directory, its owners sorted and those setting WITH_CONDA; dropped when its owners change. */
  private readonly answers = new Map<
    string,
    { owners: readonly string[]; settingWithConda: readonly string[] }
  >();

  set(modulePath: string, summary: ModuleSummary): void {
    this.delete(modulePath);
    // Kept as given: summaries are not changed after they are made (a cache hands out shared ones).
    this.modules.set(modulePath, summary);
    for (const dir of summary.wrapperDirs) {
      let owners = this.ownersByDir.get(dir);
      if (!owners) this.ownersByDir.set(dir, (owners = new Set()));
      owners.add(modulePath);
      this.answers.delete(dir);
    }
  }

  delete(modulePath: string): void {
    const old = this.modules.get(modulePath);
    if (!old) return;
    this.modules.delete(modulePath);
    for (const dir of old.wrapperDirs) {
      const owners = this.ownersByDir.get(dir);
      owners?.delete(modulePath);
      if (owners?.size === 0) this.ownersByDir.delete(dir);
      this.answers.delete(dir);
    }
  }

  /** Every directory some indexed module puts on PATH. */
  wrapperDirs(): Set<string> {
    return new Set(this.ownersByDir.keys());
  }

  /** Modules that put the directory of `wrapperPath` on PATH, sorted. */
  owners(wrapperPath: string): string[] {
    return [...this.answersFor(dirname(wrapperPath)).owners];
  }

  /** Owners of `wrapperPath` that set WITH_CONDA (the wrapper must then apply it), sorted. */
  modulesSettingWithConda(wrapperPath: string): string[] {
    return [...this.answersFor(dirname(wrapperPath)).settingWithConda];
  }

  /** The same for a wrapper reached by several paths (links in other directories): sorted, once each. */
  modulesSettingWithCondaAny(wrapperPaths: readonly string[]): string[] {
    if (wrapperPaths.length === 1) return this.modulesSettingWithConda(wrapperPaths[0]);
    return [...new Set(wrapperPaths.flatMap((p) => this.answersFor(dirname(p)).settingWithConda))].sort();
  }

  private answersFor(dir: string): { owners: readonly string[]; settingWithConda: readonly string[] } {
    let answer = this.answers.get(dir);
    if (!answer) {
      const owners = [...(this.ownersByDir.get(dir) ?? [])].sort();
      answer = { owners, settingWithConda: owners.filter((path) => this.modules.get(path)!.setsWithConda) };
      this.answers.set(dir, answer);
    }
    return answer;
  }
}
