// `lumi-modules scaffold --from FILE`: rewrites an existing container module (such as CSC's
// /appl/local/csc/modulefiles/pytorch/2.7.lua) for a new name, version, image and root. The file is
// parsed with luaparse and only the byte ranges of specific expressions are replaced (spliced from
// the end backwards), so everything else, comments included, stays byte for byte. Pure: no writes.
import { basename } from 'node:path';
import * as luaparse from 'luaparse';
import { isGetenvCall } from '../analysis/modulefile/luaAst';
import { firstLuaSyntaxError } from '../analysis/modulefile/luaGrammar';
import { luaStringValue } from '../analysis/modulefile/strings';
import { walkLua } from '../analysis/modulefile/luaWalk';
import { ScaffoldInputError } from './errors';
import { luaString } from './luaString';
import { shellQuote } from '../shell/quote';

export interface RewriteOptions {
  name: string;
  version: string;
  /** File name of the image inside ROOT/sif. */
  imageName: string;
  /** Absolute project home: the new fallback of the root local. */
  root: string;
  /**
   * Conda environment WITH_CONDA activates; false: remove WITH_CONDA; undefined: keep the
   * module's own WITH_CONDA as it is, or when it sets none, use `defaultCondaEnv`.
   */
  condaEnv: string | false | undefined;
  defaultCondaEnv?: string | false;
  bindingsModule?: string;
  /**
   * The Lua expression the root local becomes (plan.ts's homeExpression: the home from the module's own
   * location); undefined: only the root's fallback is rewritten to `root`.
   */
  home?: string;
}

// Nodes are read structurally here: walkLua (luaWalk.ts) visits every key of every node.
// (The analysis reads the same tree through @types/luaparse; see analysis/modulefile/evaluate.ts.)
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read structurally, as walkLua does
type Node = any;

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface LocalDef {
  name: string;
  init: Node;
  statement: Node;
  topLevel: boolean;
}

interface Call {
  name: string;
  node: Node;
  /** The CallStatement when the call is a statement of its own. */
  statement?: Node;
}

const DEPENDENCY_FUNCTIONS = new Set([
  'depends_on',
  'load',
  'always_load',
  'prereq',
  'try_load',
  'prereq_any',
  'depends_on_any',
]);

function isString(n: Node): boolean {
  return n?.type === 'StringLiteral';
}

function stringValue(n: Node): string | undefined {
  return isString(n) ? luaStringValue(n.raw) : undefined;
}

function isIdentifier(n: Node, name?: string): n is luaparse.Identifier {
  return n?.type === 'Identifier' && (name === undefined || n.name === name);
}

function isCallTo(n: Node, name: string): boolean {
  return n?.type === 'CallExpression' && isIdentifier(n.base, name);
}

/**
 * A Lua string literal for value (core/scaffold/luaString.ts), in the quote style of `like` when it is a
 * quoted literal.
 */
function luaQuote(value: string, like?: Node): string {
  const raw: string | undefined = like?.raw;
  return luaString(value, raw?.[0] === '"' ? '"' : "'");
}

function parse(source: string, fileName: string): Node {
  // Lua's own verdict first: deep nesting is Lua's "too many C levels", never a JS stack overflow.
  const lua = firstLuaSyntaxError(
    source.startsWith('#') ? source.replace(/^[^\n]*/, (line) => ' '.repeat(line.length)) : source,
  );
  if (lua) {
    const line = source.slice(0, lua.index).split('\n').length;
    throw new ScaffoldInputError(`${fileName}:${line}: cannot parse as Lua: ${lua.message}`);
  }
  try {
    return luaparse.parse(source, {
      locations: true,
      ranges: true,
      luaVersion: '5.3',
      comments: false,
      scope: false,
    } as luaparse.Options);
  } catch (err) {
    const e = err as { line?: number; message?: string };
    const message = String(e.message ?? err).replace(/^\[\d+:\d+\]\s*/, '');
    throw new ScaffoldInputError(
      `${fileName}${typeof e.line === 'number' ? `:${e.line}` : ''}: cannot parse as Lua: ${message}`,
    );
  }
}

export function rewriteModule(source: string, fileName: string, o: RewriteOptions): string {
  return rewriteModuleLayout(source, fileName, o).text;
}

interface ModuleParts {
  locals: LocalDef[];
  calls: Call[];
  singImage: Call;
  singImageArg: Node;
  pathPrepends: Call[];
  /** The root local: `local X = os.getenv(...) or '<literal>'` that SING_IMAGE / PATH start from. */
  root: LocalDef;
}

/** The parts of a container module --from works on; throws ScaffoldInputError when one is missing. */
function moduleParts(ast: Node, fileName: string): ModuleParts {
  const locals: LocalDef[] = [];
  const calls: Call[] = [];
  walkLua(ast, (n, parent, depth) => {
    if (n.type === 'LocalStatement') {
      n.variables.forEach((v: Node, i: number) => {
        if (n.init[i] !== undefined)
          locals.push({ name: v.name, init: n.init[i], statement: n, topLevel: depth === 0 });
      });
    } else if (n.type === 'CallExpression' && n.base.type === 'Identifier') {
      calls.push({
        name: n.base.name,
        node: n,
        statement: parent?.type === 'CallStatement' ? parent : undefined,
      });
    } else if (
      n.type === 'StringCallExpression' &&
      n.base.type === 'Identifier' &&
      DEPENDENCY_FUNCTIONS.has(n.base.name)
    ) {
      // `depends_on "x"`: only looked at for dependencies
      calls.push({ name: n.base.name, node: { ...n, arguments: [n.argument] } });
    }
  });
  const lineOf = (node: Node) => node.loc.start.line as number;

  // SING_IMAGE: required; the anchor for insertions.
  const singImage = setenvCallsIn(calls, 'SING_IMAGE')[0];
  if (singImage === undefined)
    throw new ScaffoldInputError(
      `${fileName}: no setenv("SING_IMAGE", ...) found: --from needs a container module that sets SING_IMAGE`,
    );
  const singImageArg: Node = singImage.node.arguments[1];
  if (singImageArg === undefined)
    throw new ScaffoldInputError(`${fileName}:${lineOf(singImage.node)}: setenv("SING_IMAGE") has no value`);
  // A misspelt prepend_path (`prepen_path('PATH', ...)`, fixed later by the checker's quick fix) counts:
  // adding a second one would put the directory on PATH twice.
  const pathPrepends = calls.filter(
    (c) =>
      (c.name === 'prepend_path' ||
        (c.name !== 'setenv' && c.name !== 'pushenv' && /pend|path/i.test(c.name))) &&
      stringValue(c.node.arguments[0]) === 'PATH' &&
      c.node.arguments[1] !== undefined,
  );

  // Root: a local initialised with `os.getenv(...) or '<literal>'` or plain `os.getenv(...)`, of any
  // name; preferably the one the SING_IMAGE / PATH pathJoin starts from.
  const rootCandidates = locals.filter(
    (l) =>
      isGetenvCall(l.init) ||
      (l.init.type === 'LogicalExpression' &&
        l.init.operator === 'or' &&
        isGetenvCall(l.init.left) &&
        isString(l.init.right)),
  );
  const firstPathJoinArg = (n: Node): Node => (isCallTo(n, 'pathJoin') ? n.arguments[0] : undefined);
  const usedNames = [singImageArg, ...pathPrepends.map((p) => p.node.arguments[1])]
    .map(firstPathJoinArg)
    .filter((a) => isIdentifier(a))
    .map((a) => a.name as string);
  // Otherwise (paths built with `..`): a candidate the SING_IMAGE / PATH expressions mention at all.
  const mentioned = new Set<string>();
  walkLua([singImageArg, ...pathPrepends.map((p) => p.node.arguments[1])], (n) => {
    if (isIdentifier(n)) mentioned.add(n.name);
  });
  const root =
    rootCandidates.find((l) => usedNames.includes(l.name)) ??
    (usedNames.length === 0 ? rootCandidates.find((l) => mentioned.has(l.name)) : undefined);
  if (root === undefined) {
    const expected =
      'a local such as local signRoot = os.getenv(\'PROJHOME\') that setenv("SING_IMAGE", ...) starts from';
    if (rootCandidates.length > 0 && usedNames.length === 0) {
      throw new ScaffoldInputError(
        `${fileName}: no root local found: ` +
          rootCandidates.map((l) => `'${l.name}' (line ${lineOf(l.statement)})`).join(', ') +
          ` ${rootCandidates.length === 1 ? 'is' : 'are'} not used in setenv("SING_IMAGE", ...) ` +
          "or prepend_path('PATH', ...)",
      );
    }
    const fixed = usedNames.map((name) => locals.find((l) => l.name === name)).find((l) => l !== undefined);
    const why = fixed
      ? ` (local '${fixed.name}' at line ${lineOf(fixed.statement)} is ` +
        `${isString(fixed.init) ? 'a fixed path, not' : 'not'} os.getenv(...))`
      : '';
    throw new ScaffoldInputError(`${fileName}: no root local found: expected ${expected}${why}`);
  }
  return { locals, calls, singImage, singImageArg, pathPrepends, root };
}

function setenvCallsIn(calls: Call[], variable: string): Call[] {
  return calls.filter(
    (c) => (c.name === 'setenv' || c.name === 'pushenv') && stringValue(c.node.arguments[0]) === variable,
  );
}

/**
 * The module's own root fallback (`'/project/...'` in `local signRoot = os.getenv('PROJHOME') or
 * '/project/...'`), the same local --from rewrites; undefined when the module has none.
 */
export function moduleRootFallback(source: string, fileName: string): string | undefined {
  try {
    return stringValue(moduleParts(parse(source, fileName), fileName).root.init.right ?? null);
  } catch (err) {
    if (err instanceof ScaffoldInputError) return undefined;
    throw err;
  }
}

/**
 * The module's root local as --from reads it: the environment variable it reads (`PROJHOME`), and its
 * fallback when it has one; undefined when the module has no root local.
 */
export function moduleRootLocal(
  source: string,
  fileName: string,
): { name: string; variable?: string; fallback?: string } | undefined {
  try {
    const { root } = moduleParts(parse(source, fileName), fileName);
    const getenv = root.init.type === 'LogicalExpression' ? root.init.left : root.init;
    return {
      name: root.name,
      variable: stringValue(getenv.arguments?.[0]),
      fallback: root.init.type === 'LogicalExpression' ? stringValue(root.init.right) : undefined,
    };
  } catch (err) {
    if (err instanceof ScaffoldInputError) return undefined;
    throw err;
  }
}

/**
 * The rewritten module and where its wrappers go (relative to the root: the source's own PATH directory, or
 * 'bin').
 */
export function rewriteModuleLayout(
  source: string,
  fileName: string,
  o: RewriteOptions,
): { text: string; wrapperDir: string } {
  let wrapperDir = 'bin';
  const ast = parse(source, fileName);
  const { locals, calls, singImage, singImageArg, pathPrepends, root } = moduleParts(ast, fileName);
  const lineOf = (node: Node) => node.loc.start.line as number;
  const text = (node: Node) => source.slice(node.range[0], node.range[1]);
  const edits: Edit[] = [];
  const replace = (node: Node, newText: string) => {
    if (text(node) !== newText) edits.push({ start: node.range[0], end: node.range[1], text: newText });
  };
  const setenvCalls = (variable: string) => setenvCallsIn(calls, variable);

  const hasFallback = root.init.type === 'LogicalExpression';
  const rootQuoteLike = hasFallback ? root.init.right : root.init.arguments?.[0];
  const newRoot =
    o.home ?? `${text(hasFallback ? root.init.left : root.init)} or ${luaQuote(o.root, rootQuoteLike)}`;
  replace(root.init, newRoot);
  const rootName = root.name;
  // Before its declaration the root local does not exist yet (Lua would read a nil global): there
  // the root is written out as the local's own expression.
  const rootBefore = `(${newRoot})`;
  const rootAt = (at: Node) => (at.range[0] >= root.statement.range[1] ? rootName : rootBefore);
  const rootPathJoin = (at: Node, ...parts: string[]) => `pathJoin(${rootAt(at)}, ${parts.join(', ')})`;

  // Image name: the local SING_IMAGE's pathJoin ends with, else `singName`, else any '*.sif' literal local.
  const stringLocals = locals.filter((l) => isString(l.init));
  const lastArg = isCallTo(singImageArg, 'pathJoin')
    ? singImageArg.arguments[singImageArg.arguments.length - 1]
    : undefined;
  const sing =
    (isIdentifier(lastArg) ? stringLocals.find((l) => l.name === lastArg.name) : undefined) ??
    stringLocals.find((l) => l.name === 'singName') ??
    stringLocals.find((l) => stringValue(l.init)?.endsWith('.sif'));
  if (sing) replace(sing.init, luaQuote(o.imageName, sing.init));
  const inRootSif =
    isCallTo(singImageArg, 'pathJoin') &&
    singImageArg.arguments.length === 3 &&
    isIdentifier(singImageArg.arguments[0], rootName) &&
    stringValue(singImageArg.arguments[1]) === 'sif';
  if (inRootSif) {
    const last = singImageArg.arguments[2];
    if (sing === undefined)
      replace(last, luaQuote(o.imageName, isString(last) ? last : singImageArg.arguments[1]));
    else if (!isIdentifier(last, sing.name)) replace(last, sing.name);
  } else replace(singImageArg, rootPathJoin(singImageArg, "'sif'", sing ? sing.name : luaQuote(o.imageName)));

  // Version: a top-level local named *Version / *version whose value is the source's own version
  // (from its file name); another version (say pytorchVersion = '2.3.0' in 4.0.lua) means something else.
  const sourceVersion = basename(fileName).replace(/\.lua$/, '');
  const versionLocal = stringLocals.find(
    (l) => l.topLevel && /[Vv]ersion$/.test(l.name) && stringValue(l.init) === sourceVersion,
  );
  if (versionLocal) replace(versionLocal.init, luaQuote(o.version, versionLocal.init));

  // Load message: capture('cat ' .. pathJoin(root, 'txt', 'load-OLD.txt')) reads the new file,
  // with the path single-quoted for the shell inside Lua (gsub turns ' into '\'') so a project
  // path holding spaces, quotes, ; or $() is one word and never runs.
  const newTxt = `load-${o.name}-${o.version}.txt`;
  for (const c of calls.filter((c) => c.name === 'capture' && c.node.arguments.length === 1)) {
    const arg = c.node.arguments[0];
    const txtLiterals: Node[] = [];
    walkLua(arg, (n) => {
      if (stringValue(n)?.endsWith('.txt')) txtLiterals.push(n);
    });
    if (txtLiterals.length === 0) continue;
    const like = txtLiterals[0];
    const file = rootPathJoin(arg, luaQuote('txt', like), luaQuote(newTxt, like));
    replace(arg, `"cat -- '" .. string.gsub(${file}, "'", "'\\\\''") .. "'"`);
  }

  // Lines added after the SING_IMAGE statement (one insertion so their order is fixed).
  const after: string[] = [];

  // PATH: the wrappers in a directory under the root. The source's own one (pathJoin(root, 'a',
  // 'b') or root .. '/a/b') is kept and the wrappers go there; otherwise ROOT/bin.
  const dirUnderRoot = (n: Node): string | undefined => {
    if (isCallTo(n, 'pathJoin') && n.arguments.length >= 2 && isIdentifier(n.arguments[0], rootName)) {
      const parts = n.arguments.slice(1).map(stringValue);
      return parts.every((x: string | undefined) => x !== undefined) ? parts.join('/') : undefined;
    }
    if (n?.type === 'BinaryExpression' && n.operator === '..' && isIdentifier(n.left, rootName))
      return stringValue(n.right)?.replace(/^\/+/, '');
    return undefined;
  };
  const cleanDir = (d: string | undefined) =>
    d === undefined
      ? undefined
      : d
          .split('/')
          .filter((x) => x !== '' && x !== '.')
          .join('/');
  const ownDir = pathPrepends
    .map((p) => cleanDir(dirUnderRoot(p.node.arguments[1])))
    .find((d) => d !== undefined && d !== '' && !d.split('/').includes('..'));
  if (ownDir !== undefined) wrapperDir = ownDir;
  else if (pathPrepends.length === 0)
    after.push(`prepend_path('PATH', ${rootPathJoin(singImage.node, "'bin'")})`);
  else {
    const mentionsRoot = (n: Node) => {
      let found = false;
      walkLua(n, (x) => {
        if (isIdentifier(x, rootName)) found = true;
      });
      return found;
    };
    const target = pathPrepends.find((p) => mentionsRoot(p.node.arguments[1])) ?? pathPrepends[0];
    const quote = target.node.arguments[0];
    replace(target.node.arguments[1], rootPathJoin(target.node, luaQuote('bin', quote)));
  }

  // One container module at a time: loading another swaps this one out whole (Lmod's family), so
  // SING_IMAGE and PATH never mix two modules. A module with a family of its own keeps it.
  if (!calls.some((c) => c.name === 'family')) after.push('family("container")');

  // WITH_CONDA.
  const withConda = setenvCalls('WITH_CONDA');
  const condaEnv =
    o.condaEnv === undefined ? (withConda.length > 0 ? undefined : o.defaultCondaEnv) : o.condaEnv;
  const activate = (env: string) =>
    `source /opt/conda/etc/profile.d/conda.sh && conda activate ${shellQuote(env)}`;
  if (typeof condaEnv === 'string') {
    if (withConda.length === 0)
      after.push(`setenv("WITH_CONDA", ${luaQuote(activate(condaEnv), { raw: '"' })})`);
    for (const c of withConda) {
      const value = c.node.arguments[1];
      if (value === undefined)
        replace(c.node, `${text(c.node.base)}("WITH_CONDA", ${luaQuote(activate(condaEnv), { raw: '"' })})`);
      else replace(value, luaQuote(activate(condaEnv), value));
    }
  } else if (condaEnv === false) {
    for (const c of withConda) {
      if (c.statement === undefined)
        throw new ScaffoldInputError(
          `${fileName}:${lineOf(c.node)}: cannot remove WITH_CONDA: its setenv is not a statement of its own`,
        );
      edits.push(statementRemoval(source, c.statement));
    }
  }

  // Bindings module.
  if (o.bindingsModule !== undefined) {
    const wanted = o.bindingsModule;
    const present = calls
      .filter((c) => DEPENDENCY_FUNCTIONS.has(c.name))
      .flatMap((c) => c.node.arguments.map(stringValue))
      .some((m: string | undefined) => m !== undefined && (m === wanted || m.startsWith(`${wanted}/`)));
    if (!present) {
      const at = singImage.statement ?? singImage.node;
      const lineStart = source.lastIndexOf('\n', at.range[0] - 1) + 1;
      const indent = source.slice(lineStart, at.range[0]);
      const line = `depends_on(${luaQuote(wanted)})`;
      if (/^[ \t]*$/.test(indent))
        edits.push({ start: lineStart, end: lineStart, text: `${indent}${line}\n` });
      else edits.push({ start: at.range[0], end: at.range[0], text: `${line} ` });
    }
  }

  if (after.length > 0) {
    const at = singImage.statement ?? singImage.node;
    const lineStart = source.lastIndexOf('\n', at.range[0] - 1) + 1;
    const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
    const nl = source.indexOf('\n', at.range[1]);
    const lineEnd = nl === -1 ? source.length : source[nl - 1] === '\r' ? nl - 1 : nl;
    const eol = source[nl - 1] === '\r' ? '\r\n' : '\n';
    edits.push({ start: lineEnd, end: lineEnd, text: after.map((l) => `${eol}${indent}${l}`).join('') });
  }

  return { text: applyEdits(source, edits), wrapperDir };
}

/** The edit removing a statement: with its whole line when nothing else (but `;`) is on it. */
function statementRemoval(source: string, statement: Node): Edit {
  const [start, end] = statement.range as [number, number];
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const nl = source.indexOf('\n', end);
  const lineEnd = nl === -1 ? source.length : nl;
  const before = source.slice(lineStart, start);
  const rest = source.slice(end, lineEnd);
  if (/^[ \t]*$/.test(before) && /^[ \t]*;?[ \t]*\r?$/.test(rest)) {
    if (nl !== -1) return { start: lineStart, end: nl + 1, text: '' };
    // Last line without a newline: take the newline before it instead.
    const cut = lineStart >= 2 && source[lineStart - 2] === '\r' ? 2 : 1;
    return { start: Math.max(0, lineStart - cut), end: lineEnd, text: '' };
  }
  const semicolon = /^[ \t]*;/.exec(rest);
  return { start, end: semicolon ? end + semicolon[0].length : end, text: '' };
}

function applyEdits(source: string, edits: Edit[]): string {
  // Stable order: by start, insertions (empty ranges) before replacements that start there.
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - a.e.start - (b.e.end - b.e.start) || a.i - b.i)
    .map((x) => x.e);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].start < sorted[k - 1].end)
      throw new Error(
        `internal error: overlapping module edits at offsets ${sorted[k - 1].start} and ${sorted[k].start}`,
      );
  }
  let out = source;
  for (let k = sorted.length - 1; k >= 0; k--) {
    const e = sorted[k];
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}
