// Static analysis of one Lmod modulefile: parse with luaparse, fold constants (locals, `..`,
// pathJoin, os.getenv(...) or '...', myModuleName(), capture('cat F')) so paths can be checked,
// then run the rules in ../rules/modulefile. Anything not foldable is unknown, never a guess.
// Never throws: any text gets a result.
import { basename, dirname, isAbsolute, join } from 'node:path';
import * as luaparse from 'luaparse';
import type { AnalysisEnv, FileKind } from '../env';
import type { Finding, Range } from '../types';
import { wrapperFacts, type WrapperFacts } from '../wrapper/facts';
import { lmodFunctions, SANDBOX_GLOBALS } from './lmodApi';
import { SourceMap } from './source';
import { luaStringValue } from './strings';
import { modulefileRules } from '../rules/modulefile';
import { renderValue, type HiddenValue } from './renderValue';

export interface PathExpression {
  range: Range;
  value: string | undefined;
  role: 'sing-image' | 'path-dir' | 'modulepath-dir' | 'capture-file' | 'other';
  exists?: FileKind;
  /** A capture('cat F') file that could not be read (not regular, over the read limit). */
  notRead?: boolean;
}
export interface LmodCall {
  name: string;
  range: Range;
  nameRange: Range;
  args: { range: Range; value: string | undefined; isStringLiteral: boolean; literalType?: string }[];
  /** Called through a global name (not a local function). */
  isGlobal: boolean;
  /** `f{...}` table form: args are the positional table entries. */
  tableForm: boolean;
}
export interface ModuleSymbol {
  name: string;
  kind: 'local' | 'env' | 'path' | 'function' | 'dependency' | 'message';
  detail?: string;
  range: Range;
  selectionRange: Range;
}
export interface ModulefileAnalysis {
  findings: Finding[];
  calls: LmodCall[];
  paths: PathExpression[];
  symbols: ModuleSymbol[];
  setenv: Map<string, { value: string | undefined; range: Range }>;
  pathPrepends: { variable: string; value: string | undefined; range: Range }[];
  wrapperDirs: string[];
  isContainerModule: boolean;
}

export interface LocalVariable {
  name: string;
  value: Val;
  depth: number;
  nameRange: Range;
  used: boolean;
}

/** What the rules see: built once per analysis. */
export interface ModulefileContext {
  text: string;
  source: SourceMap;
  filePath: string;
  env: AnalysisEnv;
  calls: LmodCall[];
  paths: PathExpression[];
  setenv: ModulefileAnalysis['setenv'];
  pathPrepends: ModulefileAnalysis['pathPrepends'];
  wrapperDirs: string[];
  /** Scripts found in the wrapper directories, with their facts. */
  wrappers: { path: string; facts: WrapperFacts }[];
  isContainerModule: boolean;
  locals: LocalVariable[];
  /** Globals the file itself assigns or defines as functions. */
  definedGlobals: ReadonlySet<string>;
  undefinedReads: { name: string; range: Range }[];
  getenvWithoutFallback: Range[];
  /** Offsets of the end of the file and of the last setenv("SING_IMAGE") statement, for insertions. */
  insertionLine: number;
  /** A resolved value as messages show it (environment values as $NAME, read text as $(cat F)). */
  render(value: string): string;
}

export type ModulefileRule = (ctx: ModulefileContext) => Finding[];

/** Known string, nil (null) or unknown (undefined). */
type Val = string | null | undefined;

// luaparse's types are loose; the walker reads nodes structurally.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

const MAX_WRAPPERS_PER_DIR = 64;

function regularizePath(p: string): string {
  let s = p.replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

class Walker {
  readonly calls: LmodCall[] = [];
  readonly paths: PathExpression[] = [];
  readonly symbols: ModuleSymbol[] = [];
  readonly setenv = new Map<string, { value: string | undefined; range: Range }>();
  readonly pathPrepends: ModulefileAnalysis['pathPrepends'] = [];
  readonly locals: LocalVariable[] = [];
  readonly reads: { name: string; range: Range }[] = [];
  readonly assignedGlobals = new Set<string>();
  readonly getenvWithoutFallback: Range[] = [];
  readonly stringLiterals: string[] = [];
  /** Values read from the environment or from files, which messages must not show. */
  readonly hiddenValues: HiddenValue[] = [];
  private scopes: Map<string, LocalVariable>[] = [new Map()];
  private depth = 0;

  constructor(private readonly source: SourceMap, private readonly env: AnalysisEnv, private readonly filePath: string) {}

  private r(node: Node): Range {
    return this.source.range(node.range[0], node.range[1]);
  }

  private lookup(name: string): LocalVariable | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i].get(name);
      if (v) return v;
    }
    return undefined;
  }

  private declare(id: Node, value: Val): void {
    const v: LocalVariable = { name: id.name, value, depth: this.depth, nameRange: this.r(id), used: false };
    this.scopes[this.scopes.length - 1].set(id.name, v);
    this.locals.push(v);
    this.symbols.push({ name: id.name, kind: 'local', detail: typeof value === 'string' ? value : undefined, range: this.r(id), selectionRange: this.r(id) });
  }

  block(body: Node[], declare?: (w: Walker) => void): void {
    this.scopes.push(new Map());
    this.depth++;
    declare?.(this);
    for (const s of body) this.statement(s);
    this.depth--;
    this.scopes.pop();
  }

  statement(s: Node): void {
    switch (s.type) {
      case 'LocalStatement': {
        const values = (s.init as Node[]).map((e) => this.expr(e));
        (s.variables as Node[]).forEach((id, i) => this.declare(id, i < values.length ? values[i] : s.init.length === 0 ? null : undefined));
        return;
      }
      case 'AssignmentStatement': {
        const values = (s.init as Node[]).map((e) => this.expr(e));
        (s.variables as Node[]).forEach((target, i) => {
          if (target.type === 'Identifier') {
            const local = this.lookup(target.name);
            if (local) local.value = local.depth === this.depth ? values[i] : undefined;
            else this.assignedGlobals.add(target.name);
          } else this.expr(target);
        });
        return;
      }
      case 'CallStatement':
        this.expr(s.expression);
        return;
      case 'FunctionDeclaration':
        this.functionNode(s);
        return;
      case 'IfStatement':
        for (const clause of s.clauses as Node[]) {
          if (clause.condition) this.expr(clause.condition);
          this.block(clause.body);
        }
        return;
      case 'WhileStatement':
        this.expr(s.condition);
        this.block(s.body);
        return;
      case 'RepeatStatement':
        this.block(s.body);
        this.expr(s.condition);
        return;
      case 'DoStatement':
        this.block(s.body);
        return;
      case 'ForNumericStatement':
        this.expr(s.start);
        this.expr(s.end);
        if (s.step) this.expr(s.step);
        this.block(s.body, (w) => w.declareUsed(s.variable));
        return;
      case 'ForGenericStatement':
        for (const it of s.iterators) this.expr(it);
        this.block(s.body, (w) => s.variables.forEach((v: Node) => w.declareUsed(v)));
        return;
      case 'ReturnStatement':
        for (const a of s.arguments) this.expr(a);
        return;
      default:
        return; // break, goto, label
    }
  }

  /** Loop variables and parameters: unknown values, never reported unused. */
  private declareUsed(id: Node): void {
    if (id.type !== 'Identifier') return;
    const v: LocalVariable = { name: id.name, value: undefined, depth: this.depth, nameRange: this.r(id), used: true };
    this.scopes[this.scopes.length - 1].set(id.name, v);
  }

  private functionNode(f: Node): void {
    if (f.identifier) {
      if (f.identifier.type === 'Identifier') {
        if (f.isLocal) this.declareUsed(f.identifier);
        else if (!this.lookup(f.identifier.name)) this.assignedGlobals.add(f.identifier.name);
        this.symbols.push({ name: f.identifier.name, kind: 'function', range: this.r(f), selectionRange: this.r(f.identifier) });
      } else this.expr(f.identifier);
    }
    this.block(f.body, (w) => (f.parameters as Node[]).forEach((p) => w.declareUsed(p)));
  }

  expr(e: Node): Val {
    if (!e) return undefined;
    switch (e.type) {
      case 'StringLiteral': {
        const v = luaStringValue(e.raw);
        if (v !== undefined) this.stringLiterals.push(v);
        return v;
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
          return local.value;
        }
        this.reads.push({ name: e.name, range: this.r(e) });
        return undefined;
      }
      case 'BinaryExpression': {
        if (e.operator === '..') {
          for (const side of [e.left, e.right]) if (isGetenvCall(side)) this.getenvWithoutFallback.push(this.r(side));
        }
        const l = this.expr(e.left);
        const rv = this.expr(e.right);
        if (e.operator !== '..') return undefined;
        return typeof l === 'string' && typeof rv === 'string' ? l + rv : undefined;
      }
      case 'LogicalExpression': {
        const l = this.expr(e.left);
        const rv = this.expr(e.right);
        if (e.operator !== 'or') return undefined;
        if (typeof l === 'string') return l; // every string is true in Lua, "" included
        return l === null ? rv : undefined;
      }
      case 'UnaryExpression':
        this.expr(e.argument);
        return undefined;
      case 'MemberExpression':
        this.expr(e.base);
        return undefined;
      case 'IndexExpression':
        this.expr(e.base);
        this.expr(e.index);
        return undefined;
      case 'TableConstructorExpression':
        for (const f of e.fields as Node[]) {
          if (f.type === 'TableKey') this.expr(f.key);
          this.expr(f.value);
        }
        return undefined;
      case 'FunctionDeclaration':
        this.functionNode(e);
        return undefined;
      case 'CallExpression':
      case 'StringCallExpression':
      case 'TableCallExpression':
        return this.call(e);
      default:
        return undefined;
    }
  }

  private call(e: Node): Val {
    const base = e.base;
    let name: string | undefined;
    let isGlobal = false;
    if (base.type === 'Identifier') {
      name = base.name;
      const local = this.lookup(base.name);
      if (local) local.used = true;
      isGlobal = !local;
    } else if (base.type === 'MemberExpression' && base.indexer === '.' && base.base.type === 'Identifier') {
      name = `${base.base.name}.${base.identifier.name}`;
      isGlobal = !this.lookup(base.base.name);
    } else {
      this.expr(base);
    }
    let argNodes: Node[];
    let tableForm = false;
    if (e.type === 'StringCallExpression') argNodes = [e.argument];
    else if (e.type === 'TableCallExpression') {
      tableForm = true;
      argNodes = (e.arguments.fields as Node[]).filter((f) => f.type === 'TableValue').map((f) => f.value);
      for (const f of e.arguments.fields as Node[]) if (f.type !== 'TableValue') this.expr(f.value);
    } else {
      argNodes = e.arguments;
      // luaparse accepts `f(, x)`; Lua does not.
      if (argNodes.length > 0) {
        const gap = this.source.text.slice(base.range[1], argNodes[0].range[0]);
        const comma = gap.indexOf(',');
        if (comma !== -1 && !gap.includes('--')) throw new LuaSyntaxError(base.range[1] + comma, "unexpected symbol near ','");
      }
    }

    if (name === 'pathJoin') {
      for (const a of argNodes) if (isGetenvCall(a)) this.getenvWithoutFallback.push(this.r(a));
    }
    const values = argNodes.map((a) => this.expr(a));
    if (name) {
      this.calls.push({
        name,
        range: this.r(e),
        nameRange: this.r(base),
        isGlobal,
        tableForm,
        args: argNodes.map((a, i) => ({
          range: this.r(a),
          value: typeof values[i] === 'string' ? (values[i] as string) : undefined,
          isStringLiteral: a.type === 'StringLiteral',
          literalType: /Literal$|TableConstructorExpression|FunctionDeclaration/.test(a.type) ? a.type : undefined,
        })),
      });
    }
    if (!name || !isGlobal) return undefined;
    return this.builtin(name, e, argNodes, values);
  }

  private addPath(node: Node, value: Val, role: PathExpression['role']): void {
    const v = typeof value === 'string' ? value : undefined;
    const resolved = v !== undefined && isAbsolute(v) ? v : undefined;
    this.paths.push({ range: this.r(node), value: v, role, exists: resolved !== undefined ? this.env.fs.kind(resolved) : undefined });
  }

  private builtin(name: string, e: Node, args: Node[], values: Val[]): Val {
    const str = (i: number) => (typeof values[i] === 'string' ? (values[i] as string) : undefined);
    switch (name) {
      case 'os.getenv': {
        const n = str(0);
        if (n === undefined) return undefined;
        const v = this.env.getenv(n);
        if (v !== undefined && this.env.getenvOrigin?.(n) !== 'asked') this.hiddenValues.push({ value: v, shownAs: `$${n}` });
        return v === undefined ? undefined : v;
      }
      case 'pathJoin': {
        if (values.some((v) => v === undefined)) {
          this.addPath(e, undefined, 'other');
          return undefined;
        }
        const joined = regularizePath((values.filter((v) => v !== null && v !== '') as string[]).join('/'));
        this.addPath(e, joined, 'other');
        return joined;
      }
      case 'myModuleName':
        return basename(dirname(this.filePath));
      case 'myModuleVersion':
        return basename(this.filePath).replace(/\.lua$/, '');
      case 'myModuleFullName':
        return `${basename(dirname(this.filePath))}/${basename(this.filePath).replace(/\.lua$/, '')}`;
      case 'myFileName':
        return this.filePath;
      case 'tostring':
        return str(0);
      case 'string.format': {
        const fmt = str(0);
        if (fmt === undefined || /%[^s%]/.test(fmt)) return undefined;
        let i = 1;
        let unknown = false;
        const out = fmt.replace(/%([s%])/g, (_, c: string) => {
          if (c === '%') return '%';
          const v = str(i++);
          if (v === undefined) unknown = true;
          return v ?? '';
        });
        return unknown ? undefined : out;
      }
      case 'capture': {
        const command = str(0);
        const m = command === undefined ? null : /^\s*cat\s+(\S+)\s*$/.exec(command);
        if (command === undefined && args[0]) this.addPath(args[0], undefined, 'capture-file');
        if (!m) return undefined;
        this.addPath(args[0], m[1], 'capture-file');
        this.symbols.push({ name: `load message: ${m[1]}`, kind: 'message', range: this.r(e), selectionRange: this.r(e) });
        const captured = this.env.fs.readText(m[1]);
        if (captured === undefined) this.paths[this.paths.length - 1].notRead = true;
        if (captured) this.hiddenValues.push({ value: captured, shownAs: `$(cat ${m[1]})` });
        return captured;
      }
      case 'setenv':
      case 'pushenv': {
        const variable = str(0);
        if (variable === undefined) return undefined;
        if (!this.setenv.has(variable)) this.setenv.set(variable, { value: str(1), range: this.r(e) });
        if (variable === 'SING_IMAGE' && args[1]) this.addPath(args[1], values[1], 'sing-image');
        this.symbols.push({ name: variable, kind: 'env', detail: str(1), range: this.r(e), selectionRange: this.r(args[0]) });
        return undefined;
      }
      case 'prepend_path':
      case 'append_path': {
        const variable = str(0);
        if (variable === undefined) return undefined;
        this.pathPrepends.push({ variable, value: str(1), range: this.r(e) });
        if (args[1] && (variable === 'PATH' || variable === 'MODULEPATH')) this.addPath(args[1], values[1], variable === 'PATH' ? 'path-dir' : 'modulepath-dir');
        this.symbols.push({ name: `${variable} += ${str(1) ?? '…'}`, kind: 'path', range: this.r(e), selectionRange: this.r(args[0]) });
        return undefined;
      }
      case 'load':
      case 'depends_on':
      case 'try_load':
      case 'always_load':
        for (let i = 0; i < args.length; i++) {
          const m = str(i);
          if (m) this.symbols.push({ name: m, kind: 'dependency', detail: name, range: this.r(e), selectionRange: this.r(args[i]) });
        }
        return undefined;
      default:
        return undefined;
    }
  }
}

/** A syntax error luaparse lets through but Lua rejects (found while walking the tree). */
class LuaSyntaxError extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
  }
}

function syntaxFinding(err: unknown, text: string, source: SourceMap): Finding[] {
  const e = err as { index?: number; message?: string };
  if (typeof e.index !== 'number') return [];
  // luaparse points past the newline that ends an unfinished string; Lua names the string's line.
  const at = /unfinished string/.test(String(e.message)) ? Math.max(0, e.index - 1) : e.index;
  const start = source.position(Math.min(at, text.length));
  const lineEnd = text.indexOf('\n', at);
  const end = source.position(lineEnd === -1 ? text.length : Math.max(lineEnd, at));
  const message = String(e.message ?? 'syntax error').replace(/^\[\d+:\d+\]\s*/, '');
  return [{ range: { start, end }, severity: 'error', code: 'lua-syntax', message }];
}

function isGetenvCall(n: Node): boolean {
  return (
    n?.type === 'CallExpression' &&
    n.base.type === 'MemberExpression' &&
    n.base.base.type === 'Identifier' &&
    n.base.base.name === 'os' &&
    n.base.identifier.name === 'getenv'
  );
}

function emptyAnalysis(findings: Finding[]): ModulefileAnalysis {
  return { findings, calls: [], paths: [], symbols: [], setenv: new Map(), pathPrepends: [], wrapperDirs: [], isContainerModule: false };
}

/** Container wrapper scripts in a directory a module puts on PATH. */
function wrappersIn(dirs: readonly string[], env: AnalysisEnv): { path: string; facts: WrapperFacts }[] {
  const out: { path: string; facts: WrapperFacts }[] = [];
  for (const dir of dirs) {
    for (const name of (env.fs.listDir(dir) ?? []).slice(0, MAX_WRAPPERS_PER_DIR)) {
      const path = join(dir, name);
      if (env.fs.kind(path) !== 'file') continue;
      // Scripts are recognised from their first bytes: images and binaries there are never read.
      const start = env.fs.readStart?.(path, 256);
      if (start !== undefined && (start.includes('\0') || (!start.startsWith('#!') && !env.fs.isExecutable(path)))) continue;
      const text = env.fs.readText(path);
      if (text === undefined || text.length > 1 << 20 || text.includes('\0')) continue;
      try {
        out.push({ path, facts: wrapperFacts(text) });
      } catch {
        // the bash parser is not initialised in this process: no facts
      }
    }
  }
  return out;
}

export function analyzeModulefile(text: string, filePath: string, env: AnalysisEnv): ModulefileAnalysis {
  const source = new SourceMap(text);
  let ast: Node;
  try {
    ast = luaparse.parse(text, { locations: false, ranges: true, luaVersion: env.luaVersion, comments: false } as luaparse.Options);
  } catch (err) {
    return emptyAnalysis(syntaxFinding(err, text, source));
  }
  try {
    const walker = new Walker(source, env, filePath);
    for (const s of ast.body) walker.statement(s);
    const wrapperDirs = [...new Set(walker.pathPrepends.filter((p) => p.variable === 'PATH' && p.value && isAbsolute(p.value)).map((p) => p.value!))];
    const wrappers = wrappersIn(wrapperDirs, env);
    const isContainerModule =
      walker.stringLiterals.some((s) => /\.sif\b/.test(s)) ||
      walker.setenv.has('WITH_CONDA') ||
      walker.setenv.has('SING_IMAGE') ||
      wrappers.some((w) => w.facts.isContainerWrapper);
    const knownGlobal = (n: string) => walker.assignedGlobals.has(n) || lmodFunctions.has(n) || SANDBOX_GLOBALS.has(n);
    const ctx: ModulefileContext = {
      text,
      source,
      filePath,
      env,
      calls: walker.calls,
      paths: walker.paths,
      setenv: walker.setenv,
      pathPrepends: walker.pathPrepends,
      wrapperDirs,
      wrappers,
      isContainerModule,
      locals: walker.locals,
      definedGlobals: walker.assignedGlobals,
      undefinedReads: walker.reads.filter((r) => !knownGlobal(r.name)),
      getenvWithoutFallback: walker.getenvWithoutFallback,
      insertionLine: source.lineCount(),
      render: (value) => renderValue(value, walker.hiddenValues),
    };
    const findings = modulefileRules.flatMap((rule) => rule(ctx));
    return { findings, calls: ctx.calls, paths: ctx.paths, symbols: walker.symbols, setenv: ctx.setenv, pathPrepends: ctx.pathPrepends, wrapperDirs, isContainerModule };
  } catch (err) {
    if (err instanceof LuaSyntaxError) return emptyAnalysis(syntaxFinding(err, text, source));
    // A bug in a rule must not take the editor down: report it as a finding instead.
    return emptyAnalysis([{ range: source.range(0, 0), severity: 'information', code: 'internal-error', message: `analysis failed: ${(err as Error).message}` }]);
  }
}
