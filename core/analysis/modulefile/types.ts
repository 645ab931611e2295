// What the analysis of one modulefile produces: the Lmod calls, the path expressions with their
// folded values, the editor symbols and what the module sets. Plain data, no behaviour.
import type { FileKind } from '../env';
import type { Finding, Range } from '../types';
import type { LmodFunction } from './lmodApi';
import type { ResumableParse } from './luaAst';
import type { HiddenValue } from './renderValue';

/** A folded Lua value: a known string, nil (null) or unknown (undefined). Never a guess. */
export type LuaValue = string | null | undefined;

export interface PathExpression {
  range: Range;
  value: string | undefined;
  role: 'sing-image' | 'shell-function-image' | 'path-dir' | 'modulepath-dir' | 'capture-file' | 'other';
  /** os.getenv variables the value depends on. */
  envVariables?: string[];
  /** Filled by the resolve step for absolute values; undefined when not resolvable. */
  exists?: FileKind;
  /**
   * Inside `if isDir(p) then` / `if isFile(p) then` with this very path (or one under it), or inside `if
   * isAvail(m) then`: the module checks it.
   */
  guarded?: boolean;
}

export interface LmodCall {
  name: string;
  range: Range;
  nameRange: Range;
  /**
   * literalType: the node type when the argument is written as a literal (`StringLiteral`, `NumericLiteral`,
   * a table, a function).
   */
  args: { range: Range; value: string | undefined; literalType?: string }[];
  /** Called through a global name (not a local function). */
  isGlobal: boolean;
  /** `f{...}` table form: args are the positional table entries. */
  tableForm: boolean;
  /** In a branch, loop or function body: not run on every load (`mode() == 'load'` clauses are). */
  conditional?: boolean;
}

export interface ModuleSymbol {
  name: string;
  kind: 'local' | 'env' | 'path' | 'function' | 'dependency' | 'message';
  detail?: string;
  range: Range;
  selectionRange: Range;
  /** A local's initial value expression (hover on `local singName = '...sif'`). */
  valueRange?: Range;
}

export interface SetenvValue {
  value: string | undefined;
  range: Range;
}

export interface PathPrepend {
  variable: string;
  value: string | undefined;
  range: Range;
}

/**
 * A value that is nil when an environment variable is unset at load (os.getenv without fallback),
 * or always nil (a global read: the rules decide whether anything defines it).
 */
export type NilOrigin =
  | { kind: 'env'; variable: string | undefined; local?: string }
  | { kind: 'global'; name: string; range: Range };

export interface LocalVariable {
  name: string;
  value: LuaValue;
  depth: number;
  nameRange: Range;
  used: boolean;
  /** os.getenv variables the value depends on. */
  envReads?: string[];
  /** Where the value is nil: an unset variable (os.getenv without fallback) or a global. */
  nilOrigin?: NilOrigin;
}

/** What the evaluator knew of a local where its name is declared, read or assigned (editor hover). */
export interface LocalValueAt {
  /** As folded (hover shows it through renderValue with the analysis's hiddenValues). */
  value: LuaValue;
  /** os.getenv variables the value depends on. */
  envReads: readonly string[];
  /** A variable whose being unset makes the local nil here (no guard, fallback or setenv before). */
  nilWhenUnset?: string;
}

export interface ModulefileAnalysis {
  findings: Finding[];
  calls: LmodCall[];
  paths: PathExpression[];
  symbols: ModuleSymbol[];
  setenv: Map<string, SetenvValue>;
  pathPrepends: PathPrepend[];
  wrapperDirs: string[];
  isContainerModule: boolean;
  /** Which of LUMI's three container conventions the module follows, from what it does. */
  containerKind: ContainerKind | undefined;
  /** The functions this file may call (modulefile or modulerc set, with the site's). */
  functions: ReadonlyMap<string, LmodFunction>;
  /** An editor document's locals, by the start offset of each of their names (undefined elsewhere). */
  localValues?: ReadonlyMap<number, LocalValueAt>;
  /** With a syntax error: what the analysis of the next version of the text may reuse of its parse. */
  resumableParse?: ResumableParse;
  /** Values read from the process environment: what hover shows as `$NAME`, never as themselves. */
  hiddenValues: HiddenValue[];
}

/**
 * csc: SING_IMAGE + wrapper directory (+ WITH_CONDA); lumi-easybuild: create_container_vars, SIF,
 * CONTAINERROOT; laif: lumi-aif-singularity-bindings, /opt/venv.
 */
export type ContainerKind = 'csc' | 'lumi-easybuild' | 'laif';

export const CONTAINER_KIND_NAMES: Record<ContainerKind, string> = {
  csc: 'CSC-style container module (SING_IMAGE and wrapper scripts)',
  'lumi-easybuild': 'LUMI EasyBuild container module (create_container_vars: SIF, CONTAINERROOT, runscripts)',
  laif: 'LUMI AI Factory module (lumi-aif-singularity-bindings, /opt/venv in the image)',
};
