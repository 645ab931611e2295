// Which modulefiles put which directories on PATH, and what they set WITH_CONDA to.
// A wrapper's diagnostics depend on the modules that own its directory, and a module's on the
// wrappers in its directories: the CLI fills this once per run, the language server keeps it
// up to date as files change and uses it to re-check dependants.
import { dirname } from 'node:path';
import type { ModulefileAnalysis } from '../modulefile/types';

export interface ModuleSummary {
  /** Resolved absolute directories the module prepends/appends to PATH. */
  wrapperDirs: readonly string[];
  setsWithConda: boolean;
  /**
   * The value it gives WITH_CONDA, folded (absent while setsWithConda: unknown). Whether its wrappers
   * may run it as a command without eval depends on it (wrapper-with-conda-not-evaluated).
   */
  withConda?: string;
}

/** The one value every setenv/pushenv of WITH_CONDA in the module gives it, where all are folded. */
function withCondaValue(analysis: ModulefileAnalysis): string | undefined {
  const first = analysis.setenv.get('WITH_CONDA')?.value;
  if (first === undefined) return undefined;
  const other = analysis.calls.some(
    (c) =>
      (c.name === 'setenv' || c.name === 'pushenv') &&
      c.isGlobal &&
      c.args[0]?.value === 'WITH_CONDA' &&
      c.args[1]?.value !== first,
  );
  return other ? undefined : first;
}

export function moduleSummary(analysis: ModulefileAnalysis): ModuleSummary {
  if (!analysis.setenv.has('WITH_CONDA')) return { wrapperDirs: analysis.wrapperDirs, setsWithConda: false };
  const value = withCondaValue(analysis);
  return {
    wrapperDirs: analysis.wrapperDirs,
    setsWithConda: true,
    ...(value === undefined ? {} : { withConda: value }),
  };
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

  /** The value a module gives WITH_CONDA, where folded (see ModuleSummary). */
  withCondaOf(modulePath: string): string | undefined {
    return this.modules.get(modulePath)?.withConda;
  }

  /** Each of `modules` (owners setting WITH_CONDA) with its value where folded: a wrapper's context. */
  withCondaValues(modules: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of modules) {
      const value = this.withCondaOf(m);
      if (value !== undefined) out.set(m, value);
    }
    return out;
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
