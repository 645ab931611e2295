// What every modulefile rule gets: the evaluated and resolved module, built once per analysis.
// Plain data: a rule decides one diagnostic from it and never looks at the file system itself
// (modulefile/resolve.ts has done that).
import type { FoundWrapper } from '../../modulefile/resolve';
import type { SourceMap } from '../../modulefile/source';
import type { Finding, Range } from '../../types';
import type { LmodCall, LocalVariable, PathExpression, PathPrepend, SetenvValue } from '../../modulefile/types';

export interface ModulefileRuleContext {
  text: string;
  source: SourceMap;
  filePath: string;
  calls: LmodCall[];
  paths: PathExpression[];
  setenv: ReadonlyMap<string, SetenvValue>;
  pathPrepends: PathPrepend[];
  /** Scripts found in the wrapper directories, with their facts. */
  wrappers: FoundWrapper[];
  isContainerModule: boolean;
  locals: LocalVariable[];
  /** Globals the file itself assigns or defines as functions. */
  definedGlobals: ReadonlySet<string>;
  undefinedReads: { name: string; range: Range }[];
  getenvWithoutFallback: Range[];
  /** The line after the end of the file, where fixes insert lines. */
  insertionLine: number;
  /** A resolved value as messages may show it (environment values as $NAME: no secret in a CI log). */
  render(value: string): string;
}

export type ModulefileRule = (ctx: ModulefileRuleContext) => Finding[];
