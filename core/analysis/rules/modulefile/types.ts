// What every modulefile rule gets: the evaluated and resolved module, built once per analysis.
// Plain data: a rule decides one diagnostic from it and never looks at the file system itself
// (modulefile/resolve.ts has done that).
import type { FoundWrapper } from '../../modulefile/resolve';
import type { SourceMap } from '../../modulefile/source';
import type { Finding, Range } from '../../types';
import type { ImageFactsOutcome } from '../../env';
import type { ImagePathCheck } from '../../modulefile/imagePaths';
import type {
  ContainerKind,
  LmodCall,
  LocalVariable,
  PathExpression,
  PathPrepend,
  SetenvValue,
} from '../../modulefile/types';
import type { LmodFunction } from '../../modulefile/lmodApi';
import type { GetenvUse, NilConcat } from '../../modulefile/evaluate';

/** The module's image (SING_IMAGE or SIF) as core/image read it, or why it could not. */
export interface ImageContext {
  path: string;
  /** The variable that holds it (SING_IMAGE or SIF): what the wrappers start. */
  variable: 'SING_IMAGE' | 'SIF';
  range: Range;
  outcome: ImageFactsOutcome;
  /** Paths the wrappers expect inside it, looked up in it (SIF images only). */
  inside: ImagePathCheck[];
}

export interface ModulefileRuleContext {
  text: string;
  source: SourceMap;
  filePath: string;
  /** modulerc: .modulerc.lua / modulerc.lua, run in Lmod's smaller modulerc sandbox. */
  fileKind: 'modulefile' | 'modulerc';
  /** What this file may call. */
  functions: ReadonlyMap<string, LmodFunction>;
  /** The other kind's functions: never offered as a rename here. */
  otherKindFunctions: ReadonlyMap<string, LmodFunction>;
  containerKind: ContainerKind | undefined;
  /** Absent top-level directories (/project, /appl, ...) whose paths were not checked. */
  uncheckedRoots: string[];
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
  getenvWithoutFallback: GetenvUse[];
  /** The image the module names, when it exists on this machine (undefined: no image checks). */
  image?: ImageContext;
  /** A venv on the host the module uses (VIRTUAL_ENV, or <venv>/bin on PATH), with pyvenv.cfg's version. */
  hostVenv?: { path: string; version?: string; range: Range };
  /** Global reads used in `..` (undefined ones stop the load). */
  nilConcats: NilConcat[];
  /** The line after the end of the file, where fixes insert lines. */
  insertionLine: number;
  /** A resolved value as messages may show it (environment values as $NAME: no secret in a CI log). */
  render(value: string): string;
}

export type ModulefileRule = (ctx: ModulefileRuleContext) => Finding[];
