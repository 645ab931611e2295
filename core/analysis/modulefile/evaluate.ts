// The evaluator: walks a modulefile's syntax tree once, keeping scopes and locals, and folds
// values where they are known: string literals, `..`, `or`, locals, and the Lmod built-ins of
// builtins.ts (os.getenv through the environment's getenv). Anything not foldable is unknown,
// never a guess. Pure: it touches no file system (resolve.ts does, afterwards).
import type * as luaparse from 'luaparse';
import type { Range } from '../types';
import { lmodBuiltins, type BuiltinContext, type ModuleEffects } from './builtins';
import { isGetenvCall, LuaSyntaxError, offsetsOf } from './luaAst';
import type { SourceMap } from './source';
import { luaStringValue } from './strings';
import type { LmodCall, LocalVariable, LuaValue } from './types';

/** An os.getenv call: the variable's name when written as a literal. */
export interface GetenvUse {
  range: Range;
  variable: string | undefined;
}

/** Everything the walk learnt about one modulefile. */
export interface Evaluation extends ModuleEffects {
  calls: LmodCall[];
  locals: LocalVariable[];
  /** Reads of names that are not locals (globals, defined or not). */
  globalReads: { name: string; range: Range }[];
  /** Globals the file itself assigns or defines as functions. */
  assignedGlobals: Set<string>;
  /** os.getenv(...) used straight inside `..` or pathJoin. */
  getenvWithoutFallback: GetenvUse[];
  /** Values of every string literal (a `.sif` among them marks a container module). */
  stringLiterals: string[];
}

export function evaluateModulefile(
  chunk: luaparse.Chunk,
  source: SourceMap,
  filePath: string,
  getenv: (name: string) => string | undefined,
): Evaluation {
  const evaluator = new Evaluator(source, filePath, getenv);
  for (const statement of chunk.body) evaluator.statement(statement);
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
    stringLiterals: [],
  };
  private readonly scopes: Map<string, LocalVariable>[] = [new Map()];
  private depth = 0;
  private readonly builtinContext: BuiltinContext;

  constructor(
    private readonly source: SourceMap,
    filePath: string,
    getenv: (name: string) => string | undefined,
  ) {
    this.builtinContext = { filePath, getenv, effects: this.evaluation, envReads: new Set() };
  }

  private rangeOf(node: luaparse.Node): Range {
    const [start, end] = offsetsOf(node);
    return this.source.range(start, end);
  }

  private getenvUse(call: luaparse.CallExpression): GetenvUse {
    const arg = call.arguments[0];
    return {
      range: this.rangeOf(call),
      variable: arg?.type === 'StringLiteral' ? luaStringValue(arg.raw) : undefined,
    };
  }

  private lookup(name: string): LocalVariable | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const local = this.scopes[i].get(name);
      if (local) return local;
    }
    return undefined;
  }

  private declare(id: luaparse.Identifier, value: LuaValue): void {
    const nameRange = this.rangeOf(id);
    const reads = this.builtinContext.envReads;
    const local: LocalVariable = {
      name: id.name,
      value,
      depth: this.depth,
      nameRange,
      used: false,
      envReads: reads.size > 0 ? [...reads] : [],
    };
    this.scopes[this.scopes.length - 1].set(id.name, local);
    this.evaluation.locals.push(local);
    this.evaluation.symbols.push({
      name: id.name,
      kind: 'local',
      detail: typeof value === 'string' ? value : undefined,
      range: nameRange,
      selectionRange: nameRange,
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

  private block(body: luaparse.Statement[], declareFirst?: () => void): void {
    this.scopes.push(new Map());
    this.depth++;
    declareFirst?.();
    for (const s of body) this.statement(s);
    this.depth--;
    this.scopes.pop();
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
        const values = s.init.map((e) => this.expression(e));
        s.variables.forEach((id, i) =>
          this.declare(id, i < values.length ? values[i] : s.init.length === 0 ? null : undefined),
        );
        return;
      }
      case 'AssignmentStatement': {
        const values = s.init.map((e) => this.expression(e));
        s.variables.forEach((target, i) => {
          if (target.type !== 'Identifier') {
            this.expression(target);
            return;
          }
          const local = this.lookup(target.name);
          // An assignment in an inner block may or may not run: the value becomes unknown.
          if (local) {
            local.value = local.depth === this.depth ? values[i] : undefined;
            local.envReads = [...new Set([...(local.envReads ?? []), ...this.builtinContext.envReads])];
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
      case 'IfStatement':
        for (const clause of s.clauses) {
          const guards = clause.type !== 'ElseClause' ? this.pathGuards(clause.condition) : [];
          const pathsBefore = this.evaluation.paths.length;
          this.block(clause.body);
          if (guards.length > 0) this.markGuarded(pathsBefore, guards);
        }
        return;
      case 'WhileStatement':
        this.expression(s.condition);
        this.block(s.body);
        return;
      case 'RepeatStatement':
        this.block(s.body);
        this.expression(s.condition);
        return;
      case 'DoStatement':
        this.block(s.body);
        return;
      case 'ForNumericStatement':
        this.expression(s.start);
        this.expression(s.end);
        if (s.step) this.expression(s.step);
        this.block(s.body, () => this.declareUsed(s.variable));
        return;
      case 'ForGenericStatement':
        for (const iterator of s.iterators) this.expression(iterator);
        this.block(s.body, () => s.variables.forEach((v) => this.declareUsed(v)));
        return;
      case 'ReturnStatement':
        for (const a of s.arguments) this.expression(a);
        return;
      default:
        return; // break, goto, label
    }
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
    this.block(f.body, () => f.parameters.forEach((p) => this.declareUsed(p)));
  }

  /** Expression nesting of the walk; Lua's own limit keeps real files far below MAX_EXPRESSION_DEPTH. */
  private expressionDepth = 0;

  expression(e: luaparse.Expression | null | undefined): LuaValue {
    if (!e) return undefined;
    // Left-associative chains (`a + b + c ...`, `x or y or z ...`) may nest without limit.
    if (this.expressionDepth >= MAX_EXPRESSION_DEPTH) return undefined;
    this.expressionDepth++;
    try {
      return this.expressionValue(e);
    } finally {
      this.expressionDepth--;
    }
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
          for (const name of local.envReads ?? []) this.builtinContext.envReads.add(name);
          return local.value;
        }
        this.evaluation.globalReads.push({ name: e.name, range: this.rangeOf(e) });
        return undefined;
      }
      case 'BinaryExpression': {
        if (e.operator === '..') {
          for (const side of [e.left, e.right])
            if (isGetenvCall(side)) this.evaluation.getenvWithoutFallback.push(this.getenvUse(side));
        }
        const left = this.expression(e.left);
        const right = this.expression(e.right);
        if (e.operator !== '..') return undefined;
        return typeof left === 'string' && typeof right === 'string' ? left + right : undefined;
      }
      case 'LogicalExpression': {
        const left = this.expression(e.left);
        const right = this.expression(e.right);
        if (e.operator !== 'or') return undefined;
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
    if (name === 'pathJoin') {
      for (const a of args)
        if (isGetenvCall(a)) this.evaluation.getenvWithoutFallback.push(this.getenvUse(a));
    }
    const values = args.map((a) => this.expression(a));
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
    return lmodBuiltins.get(name)?.({ node: e, args, values, range, argRanges }, this.builtinContext);
  }
}
