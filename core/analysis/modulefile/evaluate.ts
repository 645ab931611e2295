// The evaluator: walks a modulefile's syntax tree once, keeping scopes and locals, and folds
// values where they are known: string literals, `..`, `or`, locals, and the Lmod built-ins of
// builtins.ts (os.getenv through the environment's getenv). Anything not foldable is unknown,
// never a guess. Pure: it touches no file system (resolve.ts does, afterwards).
import type * as luaparse from 'luaparse';
import type { Range } from '../types';
import { lmodBuiltins, type BuiltinContext, type ModuleEffects } from './builtins';
import { STRING_ARGUMENT_FUNCTIONS } from './lmodApi';
import { isGetenvCall, LuaSyntaxError, offsetsOf } from './luaAst';
import type { SourceMap } from './source';
import { luaStringValue } from './strings';
import type { LmodCall, LocalValueAt, LocalVariable, LuaValue, NilOrigin } from './types';

export type { NilOrigin };

/**
 * A possibly-nil os.getenv value used where nil misbehaves: `..` (Lmod stops: "attempt to
 * concatenate a nil value"), pathJoin (the part is dropped), or an argument of an Lmod function
 * that takes strings only (Lmod stops: "one or more arguments are not strings"; `callee` names it).
 * `local`: reached through that local.
 */
export interface GetenvUse {
  range: Range;
  variable: string | undefined;
  use: 'concat' | 'pathJoin' | 'argument';
  local?: string;
  callee?: string;
}

/** A global read used in `..`; unconditional: on the load path of every load (no branch, loop, function). */
export interface NilConcat {
  name: string;
  range: Range;
  unconditional: boolean;
}

/**
 * Variables set wherever a module loads: the login's HOME, USER, LOGNAME, PATH and what Lmod's
 * init scripts export before any `module` command (init/bash: LMOD_ROOT, LMOD_PKG, LMOD_DIR,
 * LMOD_CMD, MODULESHOME, LMOD_VERSION).
 */
export const ALWAYS_SET_VARIABLES: ReadonlySet<string> = new Set([
  'HOME',
  'USER',
  'LOGNAME',
  'PATH',
  'LMOD_ROOT',
  'LMOD_PKG',
  'LMOD_DIR',
  'LMOD_CMD',
  'MODULESHOME',
  'LMOD_VERSION',
]);

/** Calls after which a modulefile stops (a clause ending in one exits the module). */
const EXIT_CALLS = new Set(['LmodError', 'error', 'os.exit', 'LmodBreak']);
/** Calls that set a variable, so Lmod's os.getenv sees a value afterwards during load. */
const SETTING_CALLS = new Set(['setenv', 'pushenv', 'prepend_path', 'append_path']);

/** Everything the walk learnt about one modulefile. */
export interface Evaluation extends ModuleEffects {
  calls: LmodCall[];
  locals: LocalVariable[];
  /** Reads of names that are not locals (globals, defined or not). */
  globalReads: { name: string; range: Range }[];
  /** Globals the file itself assigns or defines as functions. */
  assignedGlobals: Set<string>;
  /** Possibly-nil os.getenv values used in `..` or pathJoin, after guards and setenv. */
  getenvWithoutFallback: GetenvUse[];
  /** Global reads used in `..` (an undefined one stops the load). */
  nilConcats: NilConcat[];
  /** Values of every string literal (a `.sif` among them marks a container module). */
  stringLiterals: string[];
  /** With `recordLocals`: each local's value where its name stands, by the name's start offset. */
  localValues?: Map<number, LocalValueAt>;
}

export function evaluateModulefile(
  chunk: luaparse.Chunk,
  source: SourceMap,
  filePath: string,
  getenv: (name: string) => string | undefined,
  /** Variables the user gave a value (--env, lumiModules.env): set where the module loads. */
  given: (name: string) => boolean = () => false,
  /** Record every local's value where its name stands (an editor's hover; the tree check does not). */
  recordLocals = false,
): Evaluation {
  const evaluator = new Evaluator(source, filePath, getenv, given);
  if (recordLocals) evaluator.evaluation.localValues = new Map();
  for (const statement of chunk.body) evaluator.statement(statement);
  // A drop reported where its local is first used lands in source order all the same.
  evaluator.evaluation.getenvWithoutFallback.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  return evaluator.evaluation;
}

/** Lmod tests that make the paths they test safe to use inside the `if` clause. */
const GUARD_FUNCTIONS = new Set(['isDir', 'isFile']);
/**
 * `isAvail(name)`: the clause runs only where that module is installed, which a static check
 * cannot tell (a laptop has none of a site's stack): every path inside it is the site's business.
 */
const SITE_GUARD_FUNCTIONS = new Set(['isAvail']);
/** A guard that covers every path of its clause. */
const ALL_PATHS = Symbol('all paths');

/** Argument node types written as literals (LmodCall args' literalType). */
const LITERAL_TYPES = new Set([
  'StringLiteral',
  'NumericLiteral',
  'BooleanLiteral',
  'NilLiteral',
  'VarargLiteral',
  'TableConstructorExpression',
  'FunctionDeclaration',
]);

/** Deeper expressions are not walked (their value is unknown); keeps the JS stack safe. */
const MAX_EXPRESSION_DEPTH = 1000;

/** Expressions whose value may carry a nil origin (others reset it). */
const NIL_CARRYING = new Set(['Identifier', 'LogicalExpression', 'CallExpression']);

type CallNode = luaparse.CallExpression | luaparse.StringCallExpression | luaparse.TableCallExpression;

class Evaluator {
  readonly evaluation: Evaluation = {
    paths: [],
    symbols: [],
    setenv: new Map(),
    pathPrepends: [],
    calls: [],
    locals: [],
    globalReads: [],
    assignedGlobals: new Set(),
    getenvWithoutFallback: [],
    nilConcats: [],
    stringLiterals: [],
  };
  /** The nil origin of the expression evaluated last (set by expression()). */
  private lastNil: NilOrigin | undefined;
  /** Per block: nil origins (keys, see nilKey) known non-nil there, from guards and early exits. */
  private readonly narrowed: Set<string>[] = [new Set()];
  /** Variables set by the module so far (any branch: a later os.getenv may see the value). */
  private readonly setVariables = new Set<string>();
  /** Inside a branch, loop or function body: not on every load's path. */
  private conditional = 0;
  private inFunction = 0;
  private inCondition = 0;
  private readonly scopes: Map<string, LocalVariable>[] = [new Map()];
  /**
   * pathJoin drops whose joined path became a local's value: reported at the first read that lets
   * the path flow on. A read as the argument of isDir/isFile only tests it, and inside
   * `if isDir(p) then` the path exists (Lmod tested it), so neither reports the drop.
   */
  private readonly pendingDrops = new Map<LocalVariable, GetenvUse[]>();
  /** pathJoin calls (of the local being declared) whose result flows into its value. */
  private readonly flowingPathJoins = new Set<luaparse.Node>();
  private deferredDrops: GetenvUse[] | undefined;
  /** Inside the arguments of isDir/isFile: a read there only tests the path. */
  private testArguments = 0;
  /** Per `if isDir(p)` clause being walked: the locals it tested. */
  private readonly existingLocals: Set<LocalVariable>[] = [];
  private depth = 0;
  private readonly builtinContext: BuiltinContext;

  constructor(
    private readonly source: SourceMap,
    filePath: string,
    getenv: (name: string) => string | undefined,
    private readonly given: (name: string) => boolean,
  ) {
    this.builtinContext = {
      filePath,
      getenv,
      effects: this.evaluation,
      envReads: new Set(),
      setVariables: this.setVariables,
    };
  }

  /** The key under which an origin is narrowed: `env:X` or `global:name`. */
  private nilKey(origin: NilOrigin): string {
    return origin.kind === 'env' ? `env:${origin.variable ?? ''}` : `global:${origin.name}`;
  }

  /** Whether the origin may still be nil here (not narrowed by a guard, set, given or always set). */
  private mayBeNil(origin: NilOrigin | undefined): origin is NilOrigin {
    if (!origin) return false;
    if (origin.kind === 'env') {
      const v = origin.variable;
      if (v === undefined) return false; // os.getenv(name) of a computed name: unknown, not reported
      if (ALWAYS_SET_VARIABLES.has(v) || this.setVariables.has(v) || this.given(v)) return false;
    }
    const key = this.nilKey(origin);
    for (let i = this.narrowed.length - 1; i >= 0; i--) if (this.narrowed[i].has(key)) return false;
    return true;
  }

  /** The nil origin an expression's value has, read without evaluating it (for conditions). */
  private originOf(e: luaparse.Expression): NilOrigin | undefined {
    if (isGetenvCall(e)) {
      const arg = e.arguments[0];
      return { kind: 'env', variable: arg?.type === 'StringLiteral' ? luaStringValue(arg.raw) : undefined };
    }
    if (e.type === 'Identifier') {
      const local = this.lookup(e.name);
      if (local) return local.nilOrigin;
      return { kind: 'global', name: e.name, range: this.rangeOf(e) };
    }
    return undefined;
  }

  /**
   * What a condition tells about nil-ness, as Lua evaluates it: `pos` are known non-nil where it
   * is true, `neg` where it is false. `nil ~= ""` is true in Lua: `os.getenv('X') ~= ""` narrows
   * nothing; `(os.getenv('X') or "") ~= ""` does.
   */
  private conditionFacts(e: luaparse.Expression): { pos: string[]; neg: string[] } {
    const keys = (x: luaparse.Expression): string[] => {
      const o = this.originOf(x);
      return o ? [this.nilKey(o)] : [];
    };
    if (isGetenvCall(e)) return { pos: keys(e), neg: [] };
    const node = e as luaparse.Expression;
    switch (node.type) {
      case 'UnaryExpression':
        if (node.operator === 'not') {
          const f = this.conditionFacts(node.argument);
          return { pos: f.neg, neg: f.pos };
        }
        return { pos: [], neg: [] };
      case 'LogicalExpression': {
        const l = this.conditionFacts(node.left);
        const r = this.conditionFacts(node.right);
        return node.operator === 'and'
          ? { pos: [...l.pos, ...r.pos], neg: [] }
          : { pos: [], neg: [...l.neg, ...r.neg] };
      }
      case 'BinaryExpression': {
        if (node.operator !== '==' && node.operator !== '~=') return { pos: [], neg: [] };
        const literalSide = (x: luaparse.Expression) =>
          x.type === 'NilLiteral'
            ? null
            : x.type === 'StringLiteral'
              ? (luaStringValue(x.raw) ?? undefined)
              : undefined;
        let value = node.left;
        let literal = literalSide(node.right);
        if (literal === undefined) {
          value = node.right;
          literal = literalSide(node.left);
        }
        if (literal === undefined) return { pos: [], neg: [] };
        // `(os.getenv('X') or 'd') == lit`: differs from its default only when X is set.
        if (value.type === 'LogicalExpression' && value.operator === 'or' && literal !== null) {
          const fallback = literalSide(value.right);
          if (typeof fallback !== 'string') return { pos: [], neg: [] };
          const k = keys(value.left);
          if (fallback === literal) return node.operator === '==' ? { pos: [], neg: k } : { pos: k, neg: [] };
          return node.operator === '==' ? { pos: k, neg: [] } : { pos: [], neg: k };
        }
        const k = keys(value);
        // x == nil / x ~= lit: false only where x is set; x ~= nil / x == lit: true only where x is set.
        const trueMeansSet = (literal === null) === (node.operator === '~=');
        return trueMeansSet ? { pos: k, neg: [] } : { pos: [], neg: k };
      }
      case 'CallExpression':
        // isDir(nil) / isFile(nil) are false (Lmod's fileOps.lua).
        if (
          node.base.type === 'Identifier' &&
          GUARD_FUNCTIONS.has(node.base.name) &&
          !this.lookup(node.base.name) &&
          node.arguments[0]
        )
          return { pos: keys(node.arguments[0]), neg: [] };
        return { pos: [], neg: [] };
      case 'Identifier':
        return { pos: keys(node), neg: [] };
      default:
        return { pos: [], neg: [] };
    }
  }

  /** `mode() == "load"` and the like: a clause every load runs (or none), not a real branch. */
  private isModeTest(e: luaparse.Expression): boolean {
    const isMode = (x: luaparse.Expression) =>
      x.type === 'CallExpression' && x.base.type === 'Identifier' && x.base.name === 'mode';
    return e.type === 'BinaryExpression' && (isMode(e.left) || isMode(e.right));
  }

  /** A body that ends the module: its last statement is `return` or LmodError(...) and the like. */
  private exits(body: luaparse.Statement[]): boolean {
    const last = body[body.length - 1];
    if (!last) return false;
    if (last.type === 'ReturnStatement') return true;
    if (last.type !== 'CallStatement') return false;
    const call = last.expression;
    if (call.type !== 'CallExpression' && call.type !== 'StringCallExpression') return false;
    const base = call.base;
    const name =
      base.type === 'Identifier'
        ? base.name
        : base.type === 'MemberExpression' && base.base.type === 'Identifier'
          ? `${base.base.name}.${base.identifier.name}`
          : undefined;
    return name !== undefined && EXIT_CALLS.has(name);
  }

  private rangeOf(node: luaparse.Node): Range {
    const [start, end] = offsetsOf(node);
    return this.source.range(start, end);
  }

  private lookup(name: string): LocalVariable | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const local = this.scopes[i].get(name);
      if (local) return local;
    }
    return undefined;
  }

  /** For hover: what LOCAL holds where its name ID stands. */
  private record(id: luaparse.Identifier, local: LocalVariable): void {
    const values = this.evaluation.localValues;
    if (!values) return;
    const origin = local.nilOrigin;
    values.set(offsetsOf(id)[0], {
      value: local.value,
      envReads: local.envReads ?? [],
      nilWhenUnset: origin?.kind === 'env' && this.mayBeNil(origin) ? origin.variable : undefined,
    });
  }

  private declare(
    id: luaparse.Identifier,
    value: LuaValue,
    nilOrigin?: NilOrigin,
    init?: luaparse.Expression,
  ): void {
    const nameRange = this.rangeOf(id);
    const reads = this.builtinContext.envReads;
    const local: LocalVariable = {
      name: id.name,
      value,
      nilOrigin: nilOrigin?.kind === 'env' ? { ...nilOrigin, local: id.name } : nilOrigin,
      depth: this.depth,
      nameRange,
      used: false,
      envReads: reads.size > 0 ? [...reads] : [],
    };
    this.scopes[this.scopes.length - 1].set(id.name, local);
    this.evaluation.locals.push(local);
    this.record(id, local);
    this.evaluation.symbols.push({
      name: id.name,
      kind: 'local',
      detail: typeof value === 'string' ? value : undefined,
      range: nameRange,
      selectionRange: nameRange,
      valueRange: init && this.rangeOf(init),
    });
  }

  /** Loop variables and parameters: unknown values, never reported unused. */
  private declareUsed(id: luaparse.Identifier | luaparse.VarargLiteral): void {
    if (id.type !== 'Identifier') return;
    this.scopes[this.scopes.length - 1].set(id.name, {
      name: id.name,
      value: undefined,
      depth: this.depth,
      nameRange: this.rangeOf(id),
      used: true,
    });
  }

  private block(body: luaparse.Statement[], declareFirst?: () => void, nonNil: string[] = []): void {
    this.scopes.push(new Map());
    this.narrowed.push(new Set(nonNil));
    this.depth++;
    declareFirst?.();
    for (const s of body) this.statement(s);
    this.depth--;
    this.narrowed.pop();
    this.scopes.pop();
  }

  /** A block off the path of every load (loop or function body). */
  private conditionalBlock(body: luaparse.Statement[], declareFirst?: () => void): void {
    this.conditional++;
    try {
      this.block(body, declareFirst);
    } finally {
      this.conditional--;
    }
  }

  statement(s: luaparse.Statement): void {
    // Which environment variables a statement's values depend on (for hover: "unknown because X is unset").
    // (Clearing an empty Set still allocates a new table in V8: most statements read no variable.)
    const reads = this.builtinContext.envReads;
    if (
      reads.size > 0 &&
      (s.type === 'LocalStatement' ||
        s.type === 'AssignmentStatement' ||
        s.type === 'CallStatement' ||
        s.type === 'ReturnStatement')
    )
      reads.clear();
    switch (s.type) {
      case 'LocalStatement': {
        const origins: (NilOrigin | undefined)[] = [];
        const drops: GetenvUse[][] = [];
        const values = s.init.map((e, i) => {
          if (i >= s.variables.length) return this.expression(e);
          this.markFlowing(e);
          const outer = this.deferredDrops;
          this.deferredDrops = drops[i] = [];
          try {
            const v = this.expression(e);
            origins.push(this.lastNil);
            return v;
          } finally {
            this.deferredDrops = outer;
            this.flowingPathJoins.clear();
          }
        });
        s.variables.forEach((id, i) => {
          this.declare(
            id,
            i < values.length ? values[i] : s.init.length === 0 ? null : undefined,
            origins[i],
            s.init[i],
          );
          if (drops[i]?.length) this.pendingDrops.set(this.lookup(id.name)!, drops[i]);
        });
        return;
      }
      case 'AssignmentStatement': {
        const origins: (NilOrigin | undefined)[] = [];
        const values = s.init.map((e) => {
          const v = this.expression(e);
          origins.push(this.lastNil);
          return v;
        });
        s.variables.forEach((target, i) => {
          if (target.type !== 'Identifier') {
            this.expression(target);
            return;
          }
          const local = this.lookup(target.name);
          // An assignment in an inner block may or may not run: the value becomes unknown.
          if (local) {
            // A new value in the same block: the old one's drop no longer flows from this local.
            if (local.depth === this.depth) this.pendingDrops.delete(local);
            local.value = local.depth === this.depth ? values[i] : undefined;
            // In the same block the new value's origin holds; in an inner one (`if not x then x = d end`)
            // the local may have been given a default: no longer reported.
            local.nilOrigin = local.depth === this.depth ? origins[i] : undefined;
            local.envReads = [...new Set([...(local.envReads ?? []), ...this.builtinContext.envReads])];
            this.record(target, local);
          } else this.evaluation.assignedGlobals.add(target.name);
        });
        return;
      }
      case 'CallStatement':
        this.expression(s.expression);
        return;
      case 'FunctionDeclaration':
        this.functionDeclaration(s);
        return;
      case 'IfStatement': {
        // Each clause runs where its condition is true and every earlier one false.
        const earlierFalse: string[] = [];
        let allExit = true;
        for (const clause of s.clauses) {
          let nonNil = earlierFalse.slice();
          let guards: (string | typeof ALL_PATHS)[] = [];
          let everyLoad = false;
          if (clause.type !== 'ElseClause') {
            const facts = this.conditionFacts(clause.condition);
            nonNil = [...nonNil, ...facts.pos];
            earlierFalse.push(...facts.neg);
            everyLoad = this.isModeTest(clause.condition);
            this.inCondition++;
            try {
              guards = this.pathGuards(clause.condition);
            } finally {
              this.inCondition--;
            }
          } else allExit = false;
          if (!this.exits(clause.body)) allExit = false;
          const pathsBefore = this.evaluation.paths.length;
          const tested =
            clause.type === 'ElseClause' ? new Set<LocalVariable>() : this.testedLocals(clause.condition);
          if (!everyLoad) this.conditional++;
          this.existingLocals.push(tested);
          try {
            this.block(clause.body, undefined, nonNil);
          } finally {
            this.existingLocals.pop();
            if (!everyLoad) this.conditional--;
          }
          if (guards.length > 0) this.markGuarded(pathsBefore, guards);
        }
        // `if not os.getenv('X') then LmodError(...) end`: past it, X is set.
        if (allExit) for (const key of earlierFalse) this.narrowed[this.narrowed.length - 1].add(key);
        return;
      }
      case 'WhileStatement':
        this.expression(s.condition);
        this.conditionalBlock(s.body);
        return;
      case 'RepeatStatement':
        this.conditionalBlock(s.body);
        this.expression(s.condition);
        return;
      case 'DoStatement':
        this.block(s.body);
        return;
      case 'ForNumericStatement':
        this.expression(s.start);
        this.expression(s.end);
        if (s.step) this.expression(s.step);
        this.conditionalBlock(s.body, () => this.declareUsed(s.variable));
        return;
      case 'ForGenericStatement':
        for (const iterator of s.iterators) this.expression(iterator);
        this.conditionalBlock(s.body, () => s.variables.forEach((v) => this.declareUsed(v)));
        return;
      case 'ReturnStatement':
        for (const a of s.arguments) this.expression(a);
        return;
      default:
        return; // break, goto, label
    }
  }

  /** The pathJoin calls whose result is the value of `e` (through `..`, `or`, `and`, pathJoin). */
  private markFlowing(e: luaparse.Expression): void {
    if (e.type === 'BinaryExpression' && e.operator === '..') {
      this.markFlowing(e.left);
      this.markFlowing(e.right);
    } else if (e.type === 'LogicalExpression') {
      this.markFlowing(e.left);
      this.markFlowing(e.right);
    } else if (
      e.type === 'CallExpression' &&
      e.base.type === 'Identifier' &&
      e.base.name === 'pathJoin' &&
      !this.lookup('pathJoin')
    ) {
      this.flowingPathJoins.add(e);
      for (const a of e.arguments) this.markFlowing(a);
    }
  }

  /** A read of LOCAL that lets its value flow on: its pending drops are reported now. */
  private flowOn(local: LocalVariable): void {
    const drops = this.pendingDrops.get(local);
    if (!drops || this.testArguments > 0 || this.existingLocals.some((set) => set.has(local))) return;
    this.pendingDrops.delete(local);
    this.evaluation.getenvWithoutFallback.push(...drops);
  }

  /** The locals an `if` condition tests with isDir/isFile, alone or in an `and` chain. */
  private testedLocals(condition: luaparse.Expression): Set<LocalVariable> {
    const tested = new Set<LocalVariable>();
    const visit = (e: luaparse.Expression): void => {
      if (e.type === 'LogicalExpression' && e.operator === 'and') {
        visit(e.left);
        visit(e.right);
      } else if (
        e.type === 'CallExpression' &&
        e.base.type === 'Identifier' &&
        GUARD_FUNCTIONS.has(e.base.name) &&
        !this.lookup(e.base.name) &&
        e.arguments[0]?.type === 'Identifier'
      ) {
        const local = this.lookup(e.arguments[0].name);
        if (local) tested.add(local);
      }
    };
    visit(condition);
    return tested;
  }

  /**
   * Evaluates an `if` condition and returns the paths it tests with isDir/isFile (directly or
   * in an `and` chain): inside the clause those paths are known to exist. An isAvail test guards
   * the whole clause (ALL_PATHS).
   */
  private pathGuards(condition: luaparse.Expression): (string | typeof ALL_PATHS)[] {
    const guards: (string | typeof ALL_PATHS)[] = [];
    const visit = (e: luaparse.Expression): void => {
      if (e.type === 'LogicalExpression' && e.operator === 'and') {
        visit(e.left);
        visit(e.right);
        return;
      }
      this.expression(e);
      if (
        e.type === 'CallExpression' &&
        e.base.type === 'Identifier' &&
        GUARD_FUNCTIONS.has(e.base.name) &&
        !this.lookup(e.base.name)
      ) {
        const tested = this.evaluation.calls[this.evaluation.calls.length - 1]?.args[0]?.value;
        if (tested !== undefined) guards.push(tested);
      } else if (
        e.type === 'CallExpression' &&
        e.base.type === 'Identifier' &&
        SITE_GUARD_FUNCTIONS.has(e.base.name) &&
        !this.lookup(e.base.name)
      ) {
        guards.push(ALL_PATHS);
      }
    };
    visit(condition);
    return guards;
  }

  private markGuarded(from: number, guards: readonly (string | typeof ALL_PATHS)[]): void {
    const paths = this.evaluation.paths;
    const all = guards.includes(ALL_PATHS);
    for (let i = from; i < paths.length; i++) {
      const value = paths[i].value;
      if (
        all ||
        (value !== undefined &&
          guards.some(
            (g) => g !== ALL_PATHS && (value === g || value.startsWith(g.endsWith('/') ? g : g + '/')),
          ))
      )
        paths[i].guarded = true;
    }
  }

  private functionDeclaration(f: luaparse.FunctionDeclaration): void {
    const id = f.identifier;
    if (id?.type === 'Identifier') {
      if (f.isLocal) this.declareUsed(id);
      else if (!this.lookup(id.name)) this.evaluation.assignedGlobals.add(id.name);
      this.evaluation.symbols.push({
        name: id.name,
        kind: 'function',
        range: this.rangeOf(f),
        selectionRange: this.rangeOf(id),
      });
    } else if (id) this.expression(id);
    // A function body runs when (and with what) it is called: its nil uses are not claimed.
    this.inFunction++;
    try {
      this.conditionalBlock(f.body, () => f.parameters.forEach((p) => this.declareUsed(p)));
    } finally {
      this.inFunction--;
    }
  }

  /** Expression nesting of the walk; Lua's own limit keeps real files far below MAX_EXPRESSION_DEPTH. */
  private expressionDepth = 0;

  expression(e: luaparse.Expression | null | undefined): LuaValue {
    if (!e) return undefined;
    // Left-associative chains (`a + b + c ...`, `x or y or z ...`) may nest without limit.
    if (this.expressionDepth >= MAX_EXPRESSION_DEPTH) return undefined;
    this.expressionDepth++;
    try {
      const value = this.expressionValue(e);
      if (!NIL_CARRYING.has(e.type)) this.lastNil = undefined;
      return value;
    } finally {
      this.expressionDepth--;
    }
  }

  /** Records a possibly-nil value used where nil misbehaves. */
  private nilUse(
    origin: NilOrigin | undefined,
    node: luaparse.Expression,
    use: GetenvUse['use'],
    /** Where a pathJoin drop goes instead: the pending drops of the local it becomes. */
    deferTo?: GetenvUse[],
    callee?: string,
  ): void {
    if (this.inFunction > 0 || !this.mayBeNil(origin)) return;
    if (origin.kind === 'env') {
      // pathJoin in a condition (`if isDir(pathJoin(os.getenv('X'), 'a'))`) only tests.
      if (use === 'pathJoin' && (this.inCondition > 0 || this.testArguments > 0)) return;
      (deferTo ?? this.evaluation.getenvWithoutFallback).push({
        range: this.rangeOf(node),
        variable: origin.variable,
        use,
        local: origin.local,
        ...(callee ? { callee } : {}),
      });
      // Past a `..` or a call that ran, the value was not nil (else the load stopped there).
      if (use !== 'pathJoin') this.narrowed[this.narrowed.length - 1].add(this.nilKey(origin));
    } else if (use === 'concat')
      this.evaluation.nilConcats.push({
        name: origin.name,
        range: origin.range,
        unconditional: this.conditional === 0,
      });
  }

  private expressionValue(e: luaparse.Expression): LuaValue {
    switch (e.type) {
      case 'StringLiteral': {
        const value = luaStringValue(e.raw);
        if (value !== undefined) this.evaluation.stringLiterals.push(value);
        return value;
      }
      case 'NumericLiteral':
        return String(e.value);
      case 'NilLiteral':
        return null;
      case 'BooleanLiteral':
      case 'VarargLiteral':
        return undefined;
      case 'Identifier': {
        const local = this.lookup(e.name);
        if (local) {
          local.used = true;
          this.flowOn(local);
          for (const name of local.envReads ?? []) this.builtinContext.envReads.add(name);
          this.lastNil = local.nilOrigin;
          this.record(e, local);
          return local.value;
        }
        const range = this.rangeOf(e);
        this.evaluation.globalReads.push({ name: e.name, range });
        this.lastNil = { kind: 'global', name: e.name, range };
        return undefined;
      }
      case 'BinaryExpression': {
        const left = this.expression(e.left);
        const leftNil = this.lastNil;
        const right = this.expression(e.right);
        if (e.operator !== '..') return undefined;
        this.nilUse(leftNil, e.left, 'concat');
        this.nilUse(this.lastNil, e.right, 'concat');
        return typeof left === 'string' && typeof right === 'string' ? left + right : undefined;
      }
      case 'LogicalExpression': {
        const left = this.expression(e.left);
        const right = this.expression(e.right);
        // `a or b` is nil where b is; `a and b` is not reported (`x and x .. '/bin'`).
        if (e.operator !== 'or') {
          this.lastNil = undefined;
          return undefined;
        }
        if (typeof left === 'string') return left; // every string is true in Lua, "" included
        return left === null ? right : undefined;
      }
      case 'UnaryExpression':
        this.expression(e.argument);
        return undefined;
      case 'MemberExpression':
      case 'IndexExpression': {
        // `a.b.b.b...` nests as deep as it is long: walked in a loop, not by recursion.
        const indexes: luaparse.Expression[] = [];
        let node: luaparse.Expression = e;
        while (node.type === 'MemberExpression' || node.type === 'IndexExpression') {
          if (node.type === 'IndexExpression') indexes.push(node.index);
          node = node.base;
        }
        this.expression(node);
        for (let i = indexes.length - 1; i >= 0; i--) this.expression(indexes[i]);
        return undefined;
      }
      case 'TableConstructorExpression':
        for (const field of e.fields) {
          if (field.type === 'TableKey') this.expression(field.key);
          this.expression(field.value);
        }
        return undefined;
      case 'FunctionDeclaration':
        this.functionDeclaration(e);
        return undefined;
      case 'CallExpression':
      case 'StringCallExpression':
      case 'TableCallExpression':
        return this.call(e);
      default:
        return undefined;
    }
  }

  /** The called name (`f`, `os.getenv`) and whether it is a global, or no name for other callees. */
  private callee(base: luaparse.Expression): { name?: string; isGlobal: boolean } {
    if (base.type === 'Identifier') {
      const local = this.lookup(base.name);
      if (local) local.used = true;
      return { name: base.name, isGlobal: !local };
    }
    if (base.type === 'MemberExpression' && base.indexer === '.' && base.base.type === 'Identifier') {
      const local = this.lookup(base.base.name);
      if (local) local.used = true; // `local m = {}; m.go('x')` uses m
      return { name: `${base.base.name}.${base.identifier.name}`, isGlobal: !local };
    }
    this.expression(base);
    return { isGlobal: false };
  }

  /** The positional arguments; `f{...}` passes the table's positional entries. */
  private callArguments(e: CallNode): { args: luaparse.Expression[]; tableForm: boolean } {
    if (e.type === 'StringCallExpression') return { args: [e.argument], tableForm: false };
    if (e.type === 'TableCallExpression') {
      if (e.arguments.type !== 'TableConstructorExpression') return { args: [e.arguments], tableForm: true };
      const args: luaparse.Expression[] = [];
      for (const field of e.arguments.fields) {
        if (field.type === 'TableValue') args.push(field.value);
        else this.expression(field.value);
      }
      return { args, tableForm: true };
    }
    // luaparse accepts `f(, x)`; Lua does not.
    if (e.arguments.length > 0) {
      const baseEnd = offsetsOf(e.base)[1];
      const gap = this.source.text.slice(baseEnd, offsetsOf(e.arguments[0])[0]);
      const comma = gap.indexOf(',');
      if (comma !== -1 && !gap.includes('--'))
        throw new LuaSyntaxError(baseEnd + comma, "unexpected symbol near ','");
    }
    return { args: e.arguments, tableForm: false };
  }

  private call(e: CallNode): LuaValue {
    const { name, isGlobal } = this.callee(e.base);
    const { args, tableForm } = this.callArguments(e);
    const isPathJoin = name === 'pathJoin' && isGlobal;
    const deferTo = isPathJoin && this.flowingPathJoins.has(e) ? this.deferredDrops : undefined;
    const tests = isGlobal && name !== undefined && GUARD_FUNCTIONS.has(name);
    const validates = isGlobal && name !== undefined && STRING_ARGUMENT_FUNCTIONS.has(name);
    if (tests) this.testArguments++;
    let values: LuaValue[];
    try {
      values = args.map((a) => {
        const v = this.expression(a);
        if (isPathJoin) this.nilUse(this.lastNil, a, 'pathJoin', deferTo);
        else if (validates) this.nilUse(this.lastNil, a, 'argument', undefined, name);
        return v;
      });
    } finally {
      if (tests) this.testArguments--;
    }
    this.lastNil = undefined;
    if (!name) return undefined;
    // Computed once: the call's record and the built-in's effects share them (ranges are never changed).
    const range = this.rangeOf(e);
    const argRanges = args.map((a) => this.rangeOf(a));
    this.evaluation.calls.push({
      name,
      range,
      nameRange: this.rangeOf(e.base),
      isGlobal,
      tableForm,
      conditional: this.conditional > 0,
      args: args.map((a, i) => {
        const value = values[i];
        return {
          range: argRanges[i],
          value: typeof value === 'string' ? value : undefined,
          literalType: LITERAL_TYPES.has(a.type) ? a.type : undefined,
        };
      }),
    });
    if (!isGlobal) return undefined;
    const value = lmodBuiltins.get(name)?.({ node: e, args, values, range, argRanges }, this.builtinContext);
    if (name === 'os.getenv') {
      const arg = args[0];
      this.lastNil = {
        kind: 'env',
        variable: arg?.type === 'StringLiteral' ? luaStringValue(arg.raw) : undefined,
      };
    } else if (SETTING_CALLS.has(name) && typeof values[0] === 'string') this.setVariables.add(values[0]);
    return value;
  }
}
