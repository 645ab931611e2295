// Finds shell command strings built outside core/shell/quote.ts, by parsing (TypeScript compiler API).
//
// What counts. SHELL CODE is a string a shell will parse:
//   - the command given to a shell: `<x>.exec(cmd)` / `.execSync(cmd)` (ssh2 and our Connection; not
//     a RegExp's exec), `exec`/`execSync`/`execaCommand` (child_process, execa), the first argument
//     of execa/spawn/execFile called with `shell:` set, and the word after `-c` in a shell's argument
//     array (`execa('bash', ['-l', '-c', CODE])`, `['sh', '-c', CODE]`);
//   - X in `... bash -c ${shellQuote(X)}` (quoted for the outer shell, code for the inner one);
//   - what a remote command builder returns: a function named build…Command or build…Script;
//   - any template literal or `+` concatenation with an interpolation whose text holds a shell
//     operator (`&&`, `||`, a pipe into a command ` | cmd` (not `--help | --version` in a usage
//     line: no command starts with `-`), `$(`, `2>`, `>&`, `<&`, `>/dev/…`), wherever it is.
// Values are followed to where they are made: a variable to its initializer, assignments and
// `.push(...)` calls, a parameter to the arguments of every call of its function, a call of a
// function of these sources to its return values, `.join`/`.map`/`.replace`/`.trim*`, `?:`, `??`,
// `||`, and an object's `[key]` to the object literal's values.
// A VIOLATION is a piece spliced into shell code by a template literal or a concatenation that is
// not safe as it is. Safe: a literal, a call of a quoting function imported from core/shell/quote.ts,
// a `Math.*` number, a constant or a builder function whose values are themselves safe, or a
// nested template/concatenation (checked in its own right). Everything else (a parameter, a
// property, a call of anything else) is reported with its file and line.
// Not counted: quotes around an interpolation in a message for people (`unknown option '${x}'`),
// which no shell reads; such strings have no shell operator and reach no shell.
import ts from 'typescript';
import { dirname, resolve } from 'node:path';

export interface Source {
  path: string;
  text: string;
}

const QUOTE_MODULE = /(^|\/)core\/shell\/quote(\.ts)?$/;
const SHELL_OPERATOR = /&&|\|\||\s\|\s+[^\s-]|\$\(|2>|>&|<&|>\s*\/dev\//;
const SHELL_PROGRAM = /^(\S*\/)?(ba|da|k|z)?sh$/;
const DASH_C = /^-[A-Za-z]*c$/;
const INNER_SHELL = /(^|[\s;&|(])(\S*\/)?(ba|da|k|z)?sh(\s+-\S+)*\s+-[A-Za-z]*c\s+$/;
const BUILDER_NAME = /^build\w*(Command|Script)$/;

type FunctionNode = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;

interface Module {
  path: string;
  sf: ts.SourceFile;
  /** Functions declared in the file, by name (any depth: names are unique enough within a file). */
  functions: Map<string, FunctionNode>;
  /** Imported names: local name -> [resolved module path, exported name]. */
  imports: Map<string, [string, string]>;
}

function strip(e: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isTypeAssertionExpression(e)
  )
    e = e.expression;
  return e;
}

function isLiteral(e: ts.Expression): boolean {
  return (
    ts.isStringLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e) ||
    ts.isNumericLiteral(e) ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword
  );
}

function functionName(f: FunctionNode): string | undefined {
  if (ts.isFunctionDeclaration(f) || ts.isMethodDeclaration(f))
    return f.name && ts.isIdentifier(f.name) ? f.name.text : undefined;
  const parent = f.parent;
  return ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
}

function returnsOf(f: FunctionNode): ts.Expression[] {
  if (!f.body) return [];
  if (!ts.isBlock(f.body)) return [f.body];
  const out: ts.Expression[] = [];
  const walk = (n: ts.Node): void => {
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
    if (ts.isFunctionLike(n)) return; // a nested function's returns are its own
    ts.forEachChild(n, walk);
  };
  ts.forEachChild(f.body, walk);
  return out;
}

/** The parts of a `+` chain, or undefined when E is not one. */
function concatParts(e: ts.Expression): ts.Expression[] | undefined {
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.PlusToken) return undefined;
  const parts: ts.Expression[] = [];
  const flatten = (x: ts.Expression): void => {
    x = strip(x);
    if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      flatten(x.left);
      flatten(x.right);
    } else parts.push(x);
  };
  flatten(e);
  // Numbers added together are not a string built from pieces.
  return parts.some(
    (p) => ts.isStringLiteral(p) || ts.isNoSubstitutionTemplateLiteral(p) || ts.isTemplateExpression(p),
  )
    ? parts
    : undefined;
}

/** F of each item, flattened; undefined as soon as one gives undefined (a value that cannot be traced). */
function everyOf<T, U>(items: readonly T[], f: (item: T) => U[] | undefined): U[] | undefined {
  const out: U[] = [];
  for (const item of items) {
    const some = f(item);
    if (!some) return undefined;
    out.push(...some);
  }
  return out;
}

export function findShellStringViolations(sources: readonly Source[]): string[] {
  const modules = new Map<string, Module>();
  for (const { path, text } of sources) {
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const functions = new Map<string, FunctionNode>();
    const imports = new Map<string, [string, string]>();
    const walk = (n: ts.Node): void => {
      if (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
        const name = functionName(n);
        if (name && !functions.has(name)) functions.set(name, n);
      }
      if (
        ts.isImportDeclaration(n) &&
        ts.isStringLiteral(n.moduleSpecifier) &&
        n.importClause?.namedBindings &&
        ts.isNamedImports(n.importClause.namedBindings)
      ) {
        const spec = n.moduleSpecifier.text;
        const target = spec.startsWith('.')
          ? resolve(dirname(path), spec).replace(/\.ts$/, '') + '.ts'
          : spec;
        for (const el of n.importClause.namedBindings.elements)
          imports.set(el.name.text, [target, (el.propertyName ?? el.name).text]);
      }
      ts.forEachChild(n, walk);
    };
    walk(sf);
    modules.set(path, { path, sf, functions, imports });
  }
  const moduleOf = (n: ts.Node): Module => modules.get(n.getSourceFile().fileName)!;

  const violations = new Map<string, string>();
  const report = (piece: ts.Expression, why: string): void => {
    const sf = piece.getSourceFile();
    const line = sf.getLineAndCharacterOfPosition(piece.getStart()).line + 1;
    const key = `${sf.fileName}:${piece.getStart()}`;
    if (!violations.has(key))
      violations.set(key, `${sf.fileName}:${line}: \${${piece.getText().slice(0, 80)}} ${why}`);
  };

  /** The function an identifier callee names: declared in its file or imported from another source. */
  function resolveFunction(callee: ts.Identifier): FunctionNode | undefined {
    const m = moduleOf(callee);
    const local = m.functions.get(callee.text);
    if (local) return local;
    const imported = m.imports.get(callee.text);
    return imported ? modules.get(imported[0])?.functions.get(imported[1]) : undefined;
  }

  function isQuoteCall(e: ts.Expression): boolean {
    if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression)) return false;
    const m = moduleOf(e);
    if (QUOTE_MODULE.test(m.path.replace(/\.ts$/, ''))) return m.functions.has(e.expression.text);
    const imported = m.imports.get(e.expression.text);
    return (
      imported !== undefined &&
      QUOTE_MODULE.test(imported[0].replace(/\.ts$/, '')) &&
      imported[1].startsWith('shell')
    );
  }

  /** The enclosing function that declares parameter NAME, seen from NODE, with its index. */
  function parameterOf(node: ts.Node, name: string): [FunctionNode, number] | undefined {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      if (
        ts.isFunctionDeclaration(n) ||
        ts.isArrowFunction(n) ||
        ts.isFunctionExpression(n) ||
        ts.isMethodDeclaration(n)
      ) {
        const i = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === name);
        if (i >= 0) return [n, i];
      }
    }
    return undefined;
  }

  /** Every call, in all sources, of function F (by its name, resolved through imports). */
  let calls: Map<FunctionNode, ts.CallExpression[]> | undefined;
  function callsOf(f: FunctionNode): ts.CallExpression[] {
    if (!calls) {
      const index = new Map<FunctionNode, ts.CallExpression[]>();
      for (const m of modules.values()) {
        const walk = (n: ts.Node): void => {
          const callee =
            ts.isCallExpression(n) && ts.isIdentifier(n.expression)
              ? resolveFunction(n.expression)
              : undefined;
          if (callee) index.set(callee, [...(index.get(callee) ?? []), n as ts.CallExpression]);
          ts.forEachChild(n, walk);
        };
        walk(m.sf);
      }
      calls = index;
    }
    return calls.get(f) ?? [];
  }

  /**
   * The expressions an identifier's value comes from, seen from USE: the initializer of its
   * declaration and what is assigned to it (same file); a parameter's call-site
   * arguments; an imported constant's initializer. Undefined when it cannot be traced.
   */
  function valuesOf(use: ts.Identifier): ts.Expression[] | undefined {
    const name = use.text;
    const param = parameterOf(use, name);
    if (param) {
      const [f, i] = param;
      if (f.parameters[i].dotDotDotToken) return undefined;
      return callsOf(f).flatMap((c) => (c.arguments[i] ? [c.arguments[i]] : []));
    }
    const m = moduleOf(use);
    let sf = m.sf;
    let exported = name;
    const imported = m.imports.get(name);
    if (imported && modules.has(imported[0])) {
      sf = modules.get(imported[0])!.sf;
      exported = imported[1];
    } else if (imported) return undefined;
    const out: ts.Expression[] = [];
    let declared = false;
    const walk = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === exported) {
        declared = true;
        if (n.initializer) out.push(n.initializer);
      } else if (
        ts.isBinaryExpression(n) &&
        ts.isIdentifier(n.left) &&
        n.left.text === exported &&
        n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      ) {
        out.push(n.right);
      }
      ts.forEachChild(n, walk);
    };
    walk(sf);
    return declared ? out : undefined;
  }

  /** The elements of an array value (array literal, pushed values, `.map(f)` results). */
  function elementsOf(e: ts.Expression, seen: Set<ts.Node>): ts.Expression[] | undefined {
    e = strip(e);
    if (seen.has(e)) return [];
    seen.add(e);
    if (ts.isArrayLiteralExpression(e)) {
      return e.elements.flatMap((el) =>
        ts.isSpreadElement(el) ? (elementsOf(el.expression, seen) ?? [el.expression]) : [el],
      );
    }
    if (ts.isIdentifier(e)) {
      const values = valuesOf(e);
      const out = values && everyOf(values, (v) => elementsOf(v, seen));
      if (!out) return undefined;
      // What `.push(...)` / `.unshift(...)` add to it in the same file.
      if (!parameterOf(e, e.text)) {
        const walk = (n: ts.Node): void => {
          if (
            ts.isCallExpression(n) &&
            ts.isPropertyAccessExpression(n.expression) &&
            ['push', 'unshift'].includes(n.expression.name.text) &&
            ts.isIdentifier(n.expression.expression) &&
            n.expression.expression.text === e.text
          ) {
            out.push(
              ...n.arguments.flatMap((a) =>
                ts.isSpreadElement(a) ? (elementsOf(a.expression, seen) ?? [a.expression]) : [a],
              ),
            );
          }
          ts.forEachChild(n, walk);
        };
        walk(e.getSourceFile());
      }
      return out;
    }
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      const method = e.expression.name.text;
      const callback = e.arguments[0] && strip(e.arguments[0]);
      if (
        (method === 'map' || method === 'flatMap') &&
        callback &&
        (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))
      )
        return returnsOf(callback);
      if (['filter', 'slice', 'concat', 'reverse'].includes(method))
        return elementsOf(e.expression.expression, seen);
    }
    return undefined;
  }

  /** The values an object's `[key]` or `.name` can give: an object literal's property values. */
  function propertyValuesOf(obj: ts.Expression, seen: Set<ts.Node>): ts.Expression[] | undefined {
    obj = strip(obj);
    if (seen.has(obj)) return [];
    seen.add(obj);
    if (ts.isObjectLiteralExpression(obj)) {
      return obj.properties.flatMap((p) =>
        ts.isPropertyAssignment(p) ? [p.initializer] : ts.isShorthandPropertyAssignment(p) ? [p.name] : [],
      );
    }
    let sources: ts.Expression[] | undefined;
    if (ts.isIdentifier(obj)) sources = valuesOf(obj);
    else if (ts.isCallExpression(obj) && ts.isIdentifier(obj.expression)) {
      const f = resolveFunction(obj.expression);
      sources = f ? returnsOf(f) : undefined;
    }
    return sources && everyOf(sources, (s) => propertyValuesOf(s, seen));
  }

  const codeSeen = new Set<ts.Node>();
  /** E is shell code (the whole of it): report every unsafe piece spliced into it. */
  function code(e: ts.Expression): void {
    e = strip(e);
    if (codeSeen.has(e)) return;
    codeSeen.add(e);
    if (ts.isTemplateExpression(e)) {
      let before = e.head.text;
      for (const span of e.templateSpans) {
        const x = strip(span.expression);
        if (INNER_SHELL.test(before) && ts.isCallExpression(x) && isQuoteCall(x) && x.arguments.length === 1)
          code(x.arguments[0]);
        else if (!safe(x, new Set()))
          report(x, 'is spliced into shell code unquoted: pass it through shellQuote');
        before = span.literal.text;
      }
      return;
    }
    const parts = concatParts(e);
    if (parts) {
      for (const p of parts)
        if (!safe(p, new Set()))
          report(p, 'is concatenated into shell code unquoted: pass it through shellQuote');
      return;
    }
    if (ts.isConditionalExpression(e)) return void (code(e.whenTrue), code(e.whenFalse));
    if (
      ts.isBinaryExpression(e) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)
    )
      return void (code(e.left), code(e.right));
    if (ts.isIdentifier(e)) return void valuesOf(e)?.forEach((v) => code(v));
    if (ts.isElementAccessExpression(e) || ts.isPropertyAccessExpression(e))
      return void propertyValuesOf(e.expression, new Set())?.forEach((v) => code(v));
    if (ts.isCallExpression(e)) {
      if (isQuoteCall(e)) return;
      if (ts.isPropertyAccessExpression(e.expression)) {
        const method = e.expression.name.text;
        if (method === 'join')
          return void elementsOf(e.expression.expression, new Set())?.forEach((v) => code(v));
        if (['replace', 'replaceAll'].includes(method)) {
          code(e.expression.expression);
          const by = e.arguments[1] && strip(e.arguments[1]);
          if (by && (ts.isArrowFunction(by) || ts.isFunctionExpression(by)))
            returnsOf(by).forEach((r) => code(r));
          else if (by) code(by);
          return;
        }
        if (['trim', 'trimEnd', 'trimStart', 'concat', 'toString'].includes(method))
          return code(e.expression.expression);
      }
      if (ts.isIdentifier(e.expression)) {
        const f = resolveFunction(e.expression);
        if (f) returnsOf(f).forEach((r) => code(r));
      }
    }
    // Anything else is a whole string handed over (a file's text, a setting): not built here.
  }

  /** May E be spliced into shell code as it is? Nested templates are checked (and reported) as code. */
  function safe(e: ts.Expression, seen: Set<ts.Node>): boolean {
    e = strip(e);
    if (seen.has(e)) return true; // a cycle adds nothing new
    seen.add(e);
    if (isLiteral(e) || isQuoteCall(e)) return true;
    if (ts.isTemplateExpression(e) || concatParts(e)) {
      code(e);
      return true;
    }
    if (ts.isConditionalExpression(e)) return safe(e.whenTrue, seen) && safe(e.whenFalse, seen);
    if (
      ts.isBinaryExpression(e) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)
    )
      return safe(e.left, seen) && safe(e.right, seen);
    if (ts.isIdentifier(e)) {
      if (parameterOf(e, e.text)) return false; // whatever a caller passes
      const values = valuesOf(e);
      return values !== undefined && values.length > 0 && values.every((v) => safe(v, seen));
    }
    if (ts.isElementAccessExpression(e) || ts.isPropertyAccessExpression(e)) {
      if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math')
        return true;
      // A property of a parameter is whatever a caller passes.
      if (ts.isIdentifier(strip(e.expression)) && parameterOf(e, (strip(e.expression) as ts.Identifier).text))
        return false;
      const values = propertyValuesOf(e.expression, new Set());
      return values !== undefined && values.length > 0 && values.every((v) => safe(v, seen));
    }
    if (ts.isCallExpression(e)) {
      const callee = e.expression;
      if (ts.isPropertyAccessExpression(callee)) {
        if (ts.isIdentifier(callee.expression) && callee.expression.text === 'Math') return true; // a number
        const method = callee.name.text;
        if (method === 'join') {
          const elements = elementsOf(callee.expression, new Set());
          return (
            elements !== undefined &&
            e.arguments.every((a) => safe(a, seen)) &&
            elements.every((v) => safe(v, seen))
          );
        }
        if (['replace', 'replaceAll'].includes(method)) {
          const by = e.arguments[1] && strip(e.arguments[1]);
          return (
            safe(callee.expression, seen) &&
            by !== undefined &&
            (ts.isArrowFunction(by) || ts.isFunctionExpression(by)
              ? returnsOf(by).every((r) => safe(r, seen))
              : safe(by, seen))
          );
        }
        if (['trim', 'trimEnd', 'trimStart'].includes(method)) return safe(callee.expression, seen);
        return false;
      }
      if (ts.isIdentifier(callee)) {
        const f = resolveFunction(callee);
        return f !== undefined && returnsOf(f).every((r) => safe(r, seen));
      }
    }
    return false;
  }

  /** Identifiers bound to a RegExp in a file: their `.exec` runs no shell. */
  function isRegExp(e: ts.Expression): boolean {
    e = strip(e);
    if (ts.isRegularExpressionLiteral(e)) return true;
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'RegExp') return true;
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      if (e.expression.text === 'RegExp') return true;
      const f = resolveFunction(e.expression);
      return f !== undefined && returnsOf(f).length > 0 && returnsOf(f).every(isRegExp);
    }
    if (ts.isIdentifier(e) && !parameterOf(e, e.text)) {
      const values = valuesOf(e);
      return values !== undefined && values.length > 0 && values.every(isRegExp);
    }
    return false;
  }

  const hasShellOption = (args: readonly ts.Expression[]): boolean =>
    args.some(
      (a) =>
        ts.isObjectLiteralExpression(a) &&
        a.properties.some(
          (p) =>
            p.name &&
            ts.isIdentifier(p.name) &&
            p.name.text === 'shell' &&
            !(ts.isPropertyAssignment(p) && p.initializer.kind === ts.SyntaxKind.FalseKeyword),
        ),
    );
  const isShellProgram = (e: ts.Expression | undefined): boolean =>
    e !== undefined &&
    ts.isStringLiteral(strip(e)) &&
    SHELL_PROGRAM.test((strip(e) as ts.StringLiteral).text);

  for (const m of modules.values()) {
    if (QUOTE_MODULE.test(m.path.replace(/\.ts$/, ''))) continue;
    const walk = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const callee = n.expression;
        const name = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : '';
        const first = n.arguments[0];
        if (
          first &&
          ts.isPropertyAccessExpression(callee) &&
          ['exec', 'execSync'].includes(name) &&
          !isRegExp(callee.expression)
        )
          code(first);
        else if (
          first &&
          ts.isIdentifier(callee) &&
          ['exec', 'execSync', 'execaCommand', 'execaCommandSync'].includes(name)
        )
          code(first);
        else if (
          first &&
          ['execa', 'execaSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync'].includes(name) &&
          hasShellOption(n.arguments)
        )
          code(first);
      }
      if (ts.isArrayLiteralExpression(n)) {
        const isArgv =
          isShellProgram(n.elements[0]) ||
          (ts.isCallExpression(n.parent) &&
            n.parent.arguments[1] === n &&
            isShellProgram(n.parent.arguments[0]));
        if (isArgv) {
          n.elements.forEach((el, i) => {
            const next = n.elements[i + 1];
            if (ts.isStringLiteral(el) && DASH_C.test(el.text) && next && !ts.isSpreadElement(next))
              code(next);
          });
        }
      }
      if (
        (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) &&
        BUILDER_NAME.test(functionName(n) ?? '')
      )
        returnsOf(n).forEach((r) => code(r));
      if (
        ts.isTemplateExpression(n) &&
        [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].some((t) => SHELL_OPERATOR.test(t))
      )
        code(n);
      if (
        ts.isBinaryExpression(n) &&
        !(ts.isBinaryExpression(n.parent) && n.parent.operatorToken.kind === ts.SyntaxKind.PlusToken)
      ) {
        const parts = concatParts(n);
        if (
          parts &&
          parts.some(
            (p) =>
              (ts.isStringLiteral(p) || ts.isNoSubstitutionTemplateLiteral(p)) && SHELL_OPERATOR.test(p.text),
          )
        )
          code(n);
      }
      ts.forEachChild(n, walk);
    };
    walk(m.sf);
  }
  return [...violations.values()].sort();
}

/** String literals that spell the single-quote escape `'\''`: only a shell quoting function needs that. */
export function findQuotingFunctions(sources: readonly Source[]): string[] {
  const out: string[] = [];
  for (const { path, text } of sources) {
    if (QUOTE_MODULE.test(path.replace(/\.ts$/, ''))) continue;
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const walk = (n: ts.Node): void => {
      if (
        (ts.isStringLiteral(n) ||
          ts.isNoSubstitutionTemplateLiteral(n) ||
          ts.isTemplateHead(n) ||
          ts.isTemplateMiddle(n) ||
          ts.isTemplateTail(n)) &&
        /'\\''|'"'"'/.test(n.text)
      ) {
        out.push(`${path}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
      }
      ts.forEachChild(n, walk);
    };
    walk(sf);
  }
  return out;
}
