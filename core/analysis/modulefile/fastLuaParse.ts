// A Lua 5.3 parser for the common case, a valid modulefile: it builds exactly the tree luaparse
// builds (ranges on, no locations, no comments, strings undecoded), in a third of the time, or
// gives up. It gives up (undefined) on anything it does not vouch for Lua accepting: any syntax
// error, labels and goto, rare escapes, a numeral followed by a letter or dot, nesting past
// FAST_MAX_LEVEL. The caller then parses with luaparse and Lua's rules (luaAst.ts), which word the
// error and recover; so this parser decides nothing but how fast the valid case is.
//
// Why not luaparse alone: it is a general parser (locations, scopes, comments, versions), and a
// tree check parses each of 10,000 modulefiles once; its tokens and location markers are objects,
// this lexer keeps the current token in fields. The structure follows luaparse function by
// function, so the ranges (a node spans from its first token to the last token taken before it
// was finished; parentheses make no node) come out the same; test/unit/fast-lua-parse.test.ts
// compares the two trees on the real-world corpus and on generated programs.
import type * as luaparse from 'luaparse';
import { BINARY, UNARY, UNARY_PRIORITY } from './luaGrammar';

/**
 * Lua's parser counts a C level per statement and per sub-expression (lparser.c enterlevel) and
 * stops at 200; an assignment also counts its targets (restassign). Counted the same way here,
 * with a margin: deeper texts go to luaGrammar.ts, which words Lua's error.
 */
const FAST_MAX_LEVEL = 150;

const EOF = 0,
  NAME = 1,
  KEYWORD = 2,
  STRING = 3,
  NUMBER = 4,
  PUNCT = 5,
  TRUE = 6,
  FALSE = 7,
  NIL = 8,
  VARARG = 9;

class GiveUp {}
const GIVE_UP = new GiveUp();

type Expression = luaparse.Expression;
type Statement = luaparse.Statement;

/**
 * The keyword (or `true`, `false`, `nil`) a name is, as an interned literal so that later
 * comparisons are cheap; undefined for other names. By length first: most names are no keyword.
 */
function reservedWord(name: string): string | undefined {
  switch (name.length) {
    case 2:
      return name === 'do'
        ? 'do'
        : name === 'if'
          ? 'if'
          : name === 'in'
            ? 'in'
            : name === 'or'
              ? 'or'
              : undefined;
    case 3:
      return name === 'end'
        ? 'end'
        : name === 'and'
          ? 'and'
          : name === 'not'
            ? 'not'
            : name === 'nil'
              ? 'nil'
              : name === 'for'
                ? 'for'
                : undefined;
    case 4:
      return name === 'then'
        ? 'then'
        : name === 'else'
          ? 'else'
          : name === 'true'
            ? 'true'
            : name === 'goto'
              ? 'goto'
              : undefined;
    case 5:
      return name === 'local'
        ? 'local'
        : name === 'false'
          ? 'false'
          : name === 'while'
            ? 'while'
            : name === 'break'
              ? 'break'
              : name === 'until'
                ? 'until'
                : undefined;
    case 6:
      return name === 'return'
        ? 'return'
        : name === 'elseif'
          ? 'elseif'
          : name === 'repeat'
            ? 'repeat'
            : undefined;
    case 8:
      return name === 'function' ? 'function' : undefined;
  }
  return undefined;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexDigit = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isNamePart = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
/** Lua's (and luaparse's) space: ' ', \t, \v, \f; newlines are 10 and 13. */
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;

class FastParser {
  private pos = 0;
  /** The current token: its kind, its text (names, keywords, punctuation), where it lies. */
  private type = EOF;
  private value = '';
  private start = 0;
  private end = 0;
  private numberValue = 0;
  /** End of the token taken before the current one: where a node being finished ends. */
  private prevEnd = 0;
  private level = 1;
  private loops = 0;
  private vararg = true;

  constructor(
    private readonly src: string,
    private readonly offset: number,
  ) {}

  parseChunk(): luaparse.Chunk {
    this.next();
    const start = this.start;
    const body = this.block();
    if (this.type !== EOF) throw GIVE_UP;
    return {
      type: 'Chunk',
      body,
      range: this.range(start, body.length > 0 ? this.prevEnd : this.end),
    } as luaparse.Chunk;
  }

  // ---- lexer ----

  private range(start: number, end: number): [number, number] {
    return [start + this.offset, end + this.offset];
  }

  /** Skips spaces and comments from `p`; gives up on an unfinished long comment. */
  private skipTrivia(p: number): number {
    const src = this.src;
    const n = src.length;
    for (;;) {
      while (p < n && isSpace(src.charCodeAt(p))) p++;
      if (src.charCodeAt(p) !== 45 || src.charCodeAt(p + 1) !== 45) return p;
      p += 2;
      if (src.charCodeAt(p) === 91) {
        const close = this.longBracketEnd(p);
        if (close >= 0) {
          p = close;
          continue;
        }
      }
      for (let c = src.charCodeAt(p); p < n && c !== 10 && c !== 13; c = src.charCodeAt(++p));
    }
  }

  /**
   * At `[` of `[[` / `[==[`: the offset after the matching `]]` / `]==]`; -1 when `p` does not
   * open a long bracket. Gives up when it is not closed (Lua: unfinished long string/comment).
   */
  private longBracketEnd(p: number): number {
    const src = this.src;
    let q = p + 1;
    while (src.charCodeAt(q) === 61) q++;
    if (src.charCodeAt(q) !== 91) return -1;
    const close = ']' + '='.repeat(q - p - 1) + ']';
    const at = src.indexOf(close, q + 1);
    if (at < 0) throw GIVE_UP;
    return at + close.length;
  }

  private next(): void {
    this.prevEnd = this.end;
    const src = this.src;
    let p = this.end;
    // Most tokens follow a single space or none: skip it before the general loop.
    if (src.charCodeAt(p) === 32) p++;
    const c0 = src.charCodeAt(p);
    if (c0 === 45 || isSpace(c0)) p = this.skipTrivia(p);
    this.start = p;
    if (p >= src.length) {
      this.type = EOF;
      this.value = '<eof>';
      this.end = p;
      return;
    }
    const c = src.charCodeAt(p);
    if (isNameStart(c)) {
      while (isNamePart(src.charCodeAt(++p)));
      const name = src.slice(this.start, p);
      this.end = p;
      const word = reservedWord(name);
      if (word === undefined) {
        this.type = NAME;
        this.value = name;
      } else {
        this.type = word === 'true' ? TRUE : word === 'false' ? FALSE : word === 'nil' ? NIL : KEYWORD;
        this.value = this.type === KEYWORD ? word : '';
      }
      return;
    }
    const d = src.charCodeAt(p + 1);
    switch (c) {
      case 34:
      case 39:
        return this.shortString(c);
      case 48:
      case 49:
      case 50:
      case 51:
      case 52:
      case 53:
      case 54:
      case 55:
      case 56:
      case 57:
        return this.number();
      case 46: // .
        if (isDigit(d)) return this.number();
        if (d === 46) return src.charCodeAt(p + 2) === 46 ? this.varargToken() : this.punct('..', 2);
        return this.punct('.', 1);
      case 91: // [
        if (d === 91 || d === 61) {
          const close = this.longBracketEnd(p);
          if (close < 0) throw GIVE_UP;
          this.type = STRING;
          this.value = '';
          this.end = close;
          return;
        }
        return this.punct('[', 1);
      case 61:
        return d === 61 ? this.punct('==', 2) : this.punct('=', 1);
      case 62:
        return d === 62 ? this.punct('>>', 2) : d === 61 ? this.punct('>=', 2) : this.punct('>', 1);
      case 60:
        return d === 60 ? this.punct('<<', 2) : d === 61 ? this.punct('<=', 2) : this.punct('<', 1);
      case 126:
        return d === 61 ? this.punct('~=', 2) : this.punct('~', 1);
      case 47:
        return d === 47 ? this.punct('//', 2) : this.punct('/', 1);
      case 58:
        if (d === 58) throw GIVE_UP;
        return this.punct(':', 1); // labels: luaparse checks them
      case 40:
        return this.punct('(', 1);
      case 41:
        return this.punct(')', 1);
      case 123:
        return this.punct('{', 1);
      case 125:
        return this.punct('}', 1);
      case 93:
        return this.punct(']', 1);
      case 44:
        return this.punct(',', 1);
      case 59:
        return this.punct(';', 1);
      case 43:
        return this.punct('+', 1);
      case 45:
        return this.punct('-', 1);
      case 42:
        return this.punct('*', 1);
      case 37:
        return this.punct('%', 1);
      case 94:
        return this.punct('^', 1);
      case 35:
        return this.punct('#', 1);
      case 38:
        return this.punct('&', 1);
      case 124:
        return this.punct('|', 1);
    }
    throw GIVE_UP;
  }

  private punct(value: string, length: number): void {
    this.type = PUNCT;
    this.value = value;
    this.end = this.start + length;
  }

  private varargToken(): void {
    this.type = VARARG;
    this.value = '';
    this.end = this.start + 3;
  }

  /** A quoted string: only checked (luaparse keeps no value without an encoding mode). */
  private shortString(quote: number): void {
    const src = this.src;
    const n = src.length;
    let p = this.start + 1;
    for (;;) {
      if (p >= n) throw GIVE_UP;
      const c = src.charCodeAt(p++);
      if (c === quote) break;
      if (c === 10 || c === 13) throw GIVE_UP;
      if (c !== 92) continue;
      const e = src.charCodeAt(p);
      switch (e) {
        case 97:
        case 98:
        case 102:
        case 110:
        case 114:
        case 116:
        case 118:
        case 92:
        case 34:
        case 39: // a b f n r t v \ " '
          p++;
          break;
        case 10:
        case 13: {
          // A line break (\r\n and \n\r count as one) inside the string.
          const f = src.charCodeAt(p + 1);
          p += (f === 10 || f === 13) && f !== e ? 2 : 1;
          break;
        }
        case 120: // \xXX
          if (!isHexDigit(src.charCodeAt(p + 1)) || !isHexDigit(src.charCodeAt(p + 2))) throw GIVE_UP;
          p += 3;
          break;
        case 122: // \z skips the spaces and newlines that follow
          p++;
          while (p < n && isSpace(src.charCodeAt(p))) p++;
          break;
        default: {
          if (!isDigit(e)) throw GIVE_UP; // \u{...} and invalid escapes: luaparse words them
          let v = 0;
          let k = 0;
          while (k < 3 && isDigit(src.charCodeAt(p))) {
            v = v * 10 + src.charCodeAt(p) - 48;
            p++;
            k++;
          }
          if (v > 255) throw GIVE_UP;
        }
      }
    }
    this.type = STRING;
    this.value = '';
    this.end = p;
  }

  /** A numeral, with luaparse's value; gives up when Lua's greedy lexer would read on. */
  private number(): void {
    const src = this.src;
    let p = this.start;
    let value: number;
    if (src.charCodeAt(p) === 48 && (src.charCodeAt(p + 1) | 32) === 120) {
      p += 2;
      const digitStart = p;
      if (!isHexDigit(src.charCodeAt(p))) throw GIVE_UP;
      while (isHexDigit(src.charCodeAt(p))) p++;
      const digit = parseInt(src.slice(digitStart, p), 16);
      let fraction = 0;
      let binaryExponent = 1;
      if (src.charCodeAt(p) === 46) {
        const fractionStart = ++p;
        while (isHexDigit(src.charCodeAt(p))) p++;
        fraction =
          fractionStart === p
            ? 0
            : parseInt(src.slice(fractionStart, p), 16) / Math.pow(16, p - fractionStart);
      }
      if ((src.charCodeAt(p) | 32) === 112) {
        p++;
        let sign = 1;
        const s = src.charCodeAt(p);
        if (s === 43 || s === 45) {
          sign = s === 43 ? 1 : -1;
          p++;
        }
        const exponentStart = p;
        if (!isDigit(src.charCodeAt(p))) throw GIVE_UP;
        while (isDigit(src.charCodeAt(p))) p++;
        binaryExponent = Math.pow(2, (src.slice(exponentStart, p) as unknown as number) * sign);
      }
      value = (digit + fraction) * binaryExponent;
    } else {
      while (isDigit(src.charCodeAt(p))) p++;
      if (src.charCodeAt(p) === 46) {
        p++;
        while (isDigit(src.charCodeAt(p))) p++;
      }
      if ((src.charCodeAt(p) | 32) === 101) {
        p++;
        const s = src.charCodeAt(p);
        if (s === 43 || s === 45) p++;
        if (!isDigit(src.charCodeAt(p))) throw GIVE_UP;
        while (isDigit(src.charCodeAt(p))) p++;
      }
      value = parseFloat(src.slice(this.start, p));
    }
    const after = src.charCodeAt(p);
    if (isNamePart(after) || after === 46) throw GIVE_UP;
    this.type = NUMBER;
    this.value = '';
    this.numberValue = value;
    this.end = p;
  }

  private isPunct(value: string): boolean {
    return this.type === PUNCT && this.value === value;
  }

  private isKeyword(value: string): boolean {
    return this.type === KEYWORD && this.value === value;
  }

  private consume(value: string): boolean {
    if (this.value === value && (this.type === PUNCT || this.type === KEYWORD)) {
      this.next();
      return true;
    }
    return false;
  }

  private expect(value: string): void {
    if (!this.consume(value)) throw GIVE_UP;
  }

  /** A statement or sub-expression begins: one more of Lua's C levels (FAST_MAX_LEVEL). */
  private enter(): void {
    if (++this.level > FAST_MAX_LEVEL) throw GIVE_UP;
  }

  // ---- statements ----

  private blockFollows(): boolean {
    if (this.type === EOF) return true;
    if (this.type !== KEYWORD) return false;
    const v = this.value;
    return v === 'end' || v === 'else' || v === 'elseif' || v === 'until';
  }

  private block(): Statement[] {
    const body: Statement[] = [];
    while (!this.blockFollows()) {
      if (this.isKeyword('return')) {
        body.push(this.statement()!);
        break;
      }
      const statement = this.statement();
      if (this.isPunct(';')) this.next();
      if (statement) body.push(statement);
    }
    return body;
  }

  private statement(): Statement | undefined {
    this.enter();
    const start = this.start;
    let statement: Statement | undefined;
    if (this.type === PUNCT && this.value === ';') {
      this.next();
    } else if (this.type === KEYWORD) {
      const k = this.value;
      if (k === 'local') {
        this.next();
        statement = this.localStatement(start);
      } else if (k === 'if') {
        this.next();
        statement = this.ifStatement(start);
      } else if (k === 'return') {
        this.next();
        statement = this.returnStatement(start);
      } else if (k === 'function') {
        this.next();
        statement = this.functionBody(this.functionName(), false, start);
      } else if (k === 'while') {
        this.next();
        const condition = this.expectedExpression();
        this.expect('do');
        const body = this.loopBody();
        this.expect('end');
        statement = {
          type: 'WhileStatement',
          condition,
          body,
          range: this.range(start, this.prevEnd),
        } as Statement;
      } else if (k === 'for') {
        this.next();
        statement = this.forStatement(start);
      } else if (k === 'repeat') {
        this.next();
        const body = this.loopBody();
        this.expect('until');
        const condition = this.expectedExpression();
        statement = {
          type: 'RepeatStatement',
          condition,
          body,
          range: this.range(start, this.prevEnd),
        } as Statement;
      } else if (k === 'break') {
        if (this.loops === 0) throw GIVE_UP;
        this.next();
        statement = { type: 'BreakStatement', range: this.range(start, this.prevEnd) } as Statement;
      } else if (k === 'do') {
        this.next();
        const body = this.block();
        this.expect('end');
        statement = { type: 'DoStatement', body, range: this.range(start, this.prevEnd) } as Statement;
      } else {
        throw GIVE_UP; // goto (labels are checked by luaparse), or a keyword no statement starts with
      }
    } else {
      statement = this.assignmentOrCall();
    }
    this.level--;
    return statement;
  }

  private loopBody(): Statement[] {
    this.loops++;
    const body = this.block();
    this.loops--;
    return body;
  }

  private localStatement(start: number): Statement {
    if (this.type === NAME) {
      const variables: luaparse.Identifier[] = [];
      do variables.push(this.identifier());
      while (this.consume(','));
      const init: Expression[] = [];
      if (this.consume('=')) {
        do init.push(this.expectedExpression());
        while (this.consume(','));
      }
      return { type: 'LocalStatement', variables, init, range: this.range(start, this.prevEnd) } as Statement;
    }
    if (!this.consume('function')) throw GIVE_UP;
    return this.functionBody(this.identifier(), true, start);
  }

  private ifStatement(start: number): Statement {
    const clauses: (luaparse.IfClause | luaparse.ElseifClause | luaparse.ElseClause)[] = [];
    let condition = this.expectedExpression();
    this.expect('then');
    let body = this.block();
    clauses.push({
      type: 'IfClause',
      condition,
      body,
      range: this.range(start, this.prevEnd),
    } as luaparse.IfClause);
    while (this.isKeyword('elseif')) {
      const clauseStart = this.start;
      this.next();
      condition = this.expectedExpression();
      this.expect('then');
      body = this.block();
      clauses.push({
        type: 'ElseifClause',
        condition,
        body,
        range: this.range(clauseStart, this.prevEnd),
      } as luaparse.ElseifClause);
    }
    if (this.isKeyword('else')) {
      const clauseStart = this.start;
      this.next();
      body = this.block();
      clauses.push({
        type: 'ElseClause',
        body,
        range: this.range(clauseStart, this.prevEnd),
      } as luaparse.ElseClause);
    }
    this.expect('end');
    return { type: 'IfStatement', clauses, range: this.range(start, this.prevEnd) } as Statement;
  }

  private returnStatement(start: number): Statement {
    const args: Expression[] = [];
    if (!this.isKeyword('end')) {
      const first = this.expression();
      if (first) {
        args.push(first);
        while (this.consume(',')) args.push(this.expectedExpression());
      } else if (this.isPunct(',')) {
        throw GIVE_UP; // `return , x`: luaparse takes it, Lua does not
      }
      if (this.isPunct(';')) this.next();
    }
    return { type: 'ReturnStatement', arguments: args, range: this.range(start, this.prevEnd) } as Statement;
  }

  private forStatement(start: number): Statement {
    const variable = this.identifier();
    if (this.consume('=')) {
      const from = this.expectedExpression();
      this.expect(',');
      const to = this.expectedExpression();
      const step = this.consume(',') ? this.expectedExpression() : null;
      this.expect('do');
      const body = this.loopBody();
      this.expect('end');
      return {
        type: 'ForNumericStatement',
        variable,
        start: from,
        end: to,
        step,
        body,
        range: this.range(start, this.prevEnd),
      } as Statement;
    }
    const variables = [variable];
    while (this.consume(',')) variables.push(this.identifier());
    this.expect('in');
    const iterators: Expression[] = [];
    do iterators.push(this.expectedExpression());
    while (this.consume(','));
    this.expect('do');
    const body = this.loopBody();
    this.expect('end');
    return {
      type: 'ForGenericStatement',
      variables,
      iterators,
      body,
      range: this.range(start, this.prevEnd),
    } as Statement;
  }

  /** `function` Name {'.' Name} [':' Name]. */
  private functionName(): luaparse.Identifier | luaparse.MemberExpression {
    const start = this.start;
    let base: luaparse.Identifier | luaparse.MemberExpression = this.identifier();
    while (this.consume('.')) {
      const identifier = this.identifier();
      base = {
        type: 'MemberExpression',
        indexer: '.',
        identifier,
        base,
        range: this.range(start, this.prevEnd),
      } as luaparse.MemberExpression;
    }
    if (this.consume(':')) {
      const identifier = this.identifier();
      base = {
        type: 'MemberExpression',
        indexer: ':',
        identifier,
        base,
        range: this.range(start, this.prevEnd),
      } as luaparse.MemberExpression;
    }
    return base;
  }

  /** Parameters and body, after the name (none for a function expression). */
  private functionBody(
    identifier: luaparse.Identifier | luaparse.MemberExpression | null,
    isLocal: boolean,
    start: number,
  ): luaparse.FunctionDeclaration {
    const outerLoops = this.loops;
    const outerVararg = this.vararg;
    this.loops = 0;
    this.vararg = false;
    this.expect('(');
    const parameters: (luaparse.Identifier | luaparse.VarargLiteral)[] = [];
    if (!this.consume(')')) {
      for (;;) {
        if (this.type === NAME) {
          parameters.push(this.identifier());
          if (this.consume(',')) continue;
        } else if (this.type === VARARG) {
          this.vararg = true;
          parameters.push(this.literal() as luaparse.VarargLiteral);
        } else {
          throw GIVE_UP;
        }
        this.expect(')');
        break;
      }
    }
    const body = this.block();
    this.expect('end');
    this.loops = outerLoops;
    this.vararg = outerVararg;
    return {
      type: 'FunctionDeclaration',
      identifier,
      isLocal,
      parameters,
      body,
      range: this.range(start, this.prevEnd),
    } as luaparse.FunctionDeclaration;
  }

  private assignmentOrCall(): Statement {
    const start = this.start;
    const targets: Expression[] = [];
    let lvalue: boolean | null;
    for (;;) {
      // luaparse starts each target at its first token (a `(` when it is parenthesised).
      const targetStart = this.start;
      let base: Expression;
      if (this.type === NAME) {
        base = this.identifier();
        lvalue = true;
      } else if (this.isPunct('(')) {
        this.next();
        base = this.expectedExpression();
        this.expect(')');
        lvalue = false;
      } else {
        throw GIVE_UP;
      }
      for (;;) {
        if (this.type === STRING) lvalue = null;
        else if (this.type !== PUNCT) break;
        else if (this.value === '.' || this.value === '[') lvalue = true;
        else if (this.value === ':' || this.value === '(' || this.value === '{') lvalue = null;
        else break;
        base = this.suffix(base, targetStart)!;
      }
      targets.push(base);
      if (!this.isPunct(',')) break;
      if (!lvalue) throw GIVE_UP;
      this.next();
    }
    if (targets.length === 1 && lvalue === null) {
      return {
        type: 'CallStatement',
        expression: targets[0],
        range: this.range(start, this.prevEnd),
      } as Statement;
    }
    if (!lvalue) throw GIVE_UP;
    // Lua checks the targets against its C-level limit (restassign).
    if (this.level + targets.length > FAST_MAX_LEVEL) throw GIVE_UP;
    this.expect('=');
    const init: Expression[] = [];
    do init.push(this.expectedExpression());
    while (this.consume(','));
    return {
      type: 'AssignmentStatement',
      variables: targets,
      init,
      range: this.range(start, this.prevEnd),
    } as Statement;
  }

  // ---- expressions ----

  private expression(): Expression | null {
    return this.subExpression(0);
  }

  private expectedExpression(): Expression {
    const e = this.subExpression(0);
    if (e === null) throw GIVE_UP;
    return e;
  }

  /**
   * Lua's subexpr (lparser.c), with Lua's priorities: luaparse's own numbers differ but order the
   * operators the same way, so the trees are the same.
   */
  private subExpression(limit: number): Expression | null {
    this.enter();
    const start = this.start;
    let expression: Expression | null;
    const v = this.value;
    if ((this.type === PUNCT || this.type === KEYWORD) && UNARY.has(v)) {
      this.next();
      const argument = this.subExpression(UNARY_PRIORITY);
      if (argument === null) throw GIVE_UP;
      expression = {
        type: 'UnaryExpression',
        operator: v,
        argument,
        range: this.range(start, this.prevEnd),
      } as Expression;
    } else {
      expression = this.primary() ?? this.prefixExpression();
      if (expression === null) {
        this.level--;
        return null;
      }
    }
    for (;;) {
      const op = this.value;
      const priority = this.type === PUNCT || this.type === KEYWORD ? BINARY[op] : undefined;
      if (priority === undefined || priority[0] <= limit) break;
      this.next();
      const right = this.subExpression(priority[1]);
      if (right === null) throw GIVE_UP;
      expression = {
        type: op === 'and' || op === 'or' ? 'LogicalExpression' : 'BinaryExpression',
        operator: op,
        left: expression,
        right,
        range: this.range(start, this.prevEnd),
      } as Expression;
    }
    this.level--;
    return expression;
  }

  /** Literals, function expressions, table constructors; null for anything else. */
  private primary(): Expression | null {
    switch (this.type) {
      case STRING:
      case NUMBER:
      case TRUE:
      case FALSE:
      case NIL:
      case VARARG:
        return this.literal();
      case KEYWORD:
        if (this.value !== 'function') return null;
        {
          const start = this.start;
          this.next();
          return this.functionBody(null, false, start) as unknown as Expression;
        }
      case PUNCT:
        if (this.value !== '{') return null;
        {
          const start = this.start;
          this.next();
          return this.table(start);
        }
    }
    return null;
  }

  private literal(): Expression {
    const raw = this.src.slice(this.start, this.end);
    const range = this.range(this.start, this.end);
    let node: Expression;
    switch (this.type) {
      case STRING:
        node = { type: 'StringLiteral', value: null, raw, range } as unknown as Expression;
        break;
      case NUMBER:
        node = { type: 'NumericLiteral', value: this.numberValue, raw, range } as unknown as Expression;
        break;
      case TRUE:
        node = { type: 'BooleanLiteral', value: true, raw, range } as unknown as Expression;
        break;
      case FALSE:
        node = { type: 'BooleanLiteral', value: false, raw, range } as unknown as Expression;
        break;
      case NIL:
        node = { type: 'NilLiteral', value: null, raw, range } as unknown as Expression;
        break;
      default:
        if (!this.vararg) throw GIVE_UP; // `...` outside a vararg function
        node = { type: 'VarargLiteral', value: '...', raw, range } as unknown as Expression;
    }
    this.next();
    return node;
  }

  private prefixExpression(): Expression | null {
    const start = this.start;
    let base: Expression;
    if (this.type === NAME) {
      base = this.identifier();
    } else if (this.isPunct('(')) {
      this.next();
      base = this.expectedExpression();
      this.expect(')');
    } else {
      return null;
    }
    for (;;) {
      const next = this.suffix(base, start);
      if (next === null) return base;
      base = next;
    }
  }

  /** `[exp]`, `.Name`, `:Name args`, args; null when none follows. */
  private suffix(base: Expression, start: number): Expression | null {
    if (this.type === PUNCT) {
      switch (this.value) {
        case '[': {
          this.next();
          const index = this.expectedExpression();
          this.expect(']');
          return {
            type: 'IndexExpression',
            base,
            index,
            range: this.range(start, this.prevEnd),
          } as Expression;
        }
        case '.': {
          this.next();
          const identifier = this.identifier();
          return {
            type: 'MemberExpression',
            indexer: '.',
            identifier,
            base,
            range: this.range(start, this.prevEnd),
          } as Expression;
        }
        case ':': {
          this.next();
          const identifier = this.identifier();
          const method = {
            type: 'MemberExpression',
            indexer: ':',
            identifier,
            base,
            range: this.range(start, this.prevEnd),
          } as Expression;
          return this.call(method, start);
        }
        case '(':
        case '{':
          return this.call(base, start);
      }
      return null;
    }
    if (this.type === STRING) return this.call(base, start);
    return null;
  }

  private call(base: Expression, start: number): Expression {
    if (this.type === PUNCT && this.value === '(') {
      this.next();
      const args: Expression[] = [];
      const first = this.expression();
      if (first !== null) {
        args.push(first);
        while (this.consume(',')) args.push(this.expectedExpression());
      }
      this.expect(')');
      return {
        type: 'CallExpression',
        base,
        arguments: args,
        range: this.range(start, this.prevEnd),
      } as Expression;
    }
    if (this.type === PUNCT && this.value === '{') {
      const tableStart = this.start;
      this.next();
      const table = this.table(tableStart);
      return {
        type: 'TableCallExpression',
        base,
        arguments: table,
        range: this.range(start, this.prevEnd),
      } as Expression;
    }
    if (this.type === STRING) {
      const argument = this.literal();
      return {
        type: 'StringCallExpression',
        base,
        argument,
        range: this.range(start, this.prevEnd),
      } as Expression;
    }
    throw GIVE_UP;
  }

  private table(start: number): Expression {
    const fields: (luaparse.TableKey | luaparse.TableKeyString | luaparse.TableValue)[] = [];
    for (;;) {
      const fieldStart = this.start;
      if (this.isPunct('[')) {
        this.next();
        const key = this.expectedExpression();
        this.expect(']');
        this.expect('=');
        const value = this.expectedExpression();
        fields.push({
          type: 'TableKey',
          key,
          value,
          range: this.range(fieldStart, this.prevEnd),
        } as luaparse.TableKey);
      } else if (this.type === NAME && this.nameIsFollowedByAssign()) {
        const key = this.identifier();
        this.next(); // =
        const value = this.expectedExpression();
        fields.push({
          type: 'TableKeyString',
          key,
          value,
          range: this.range(fieldStart, this.prevEnd),
        } as luaparse.TableKeyString);
      } else {
        const value = this.expression();
        if (value === null) break;
        fields.push({
          type: 'TableValue',
          value,
          range: this.range(fieldStart, this.prevEnd),
        } as luaparse.TableValue);
      }
      if (this.type === PUNCT && (this.value === ',' || this.value === ';')) {
        this.next();
        continue;
      }
      break;
    }
    this.expect('}');
    return {
      type: 'TableConstructorExpression',
      fields,
      range: this.range(start, this.prevEnd),
    } as Expression;
  }

  /** Whether the token after the current one is `=` (not `==`): `{ name = value }`. */
  private nameIsFollowedByAssign(): boolean {
    const p = this.skipTrivia(this.end);
    return this.src.charCodeAt(p) === 61 && this.src.charCodeAt(p + 1) !== 61;
  }

  private identifier(): luaparse.Identifier {
    if (this.type !== NAME) throw GIVE_UP;
    const node = {
      type: 'Identifier',
      name: this.value,
      range: this.range(this.start, this.end),
    } as luaparse.Identifier;
    this.next();
    return node;
  }
}

/**
 * luaparse's tree of a Lua 5.3 chunk (ranges offset by `offset`), or undefined when the text is
 * not certainly valid Lua or is outside what this parser vouches for (see the top of this file).
 */
export function fastParseLua(text: string, offset = 0): luaparse.Chunk | undefined {
  // luaparse skips a `#!` line, Lmod (which loads the text as a string) does not: luaAst.ts decides.
  if (text.charCodeAt(0) === 35) return undefined;
  try {
    return new FastParser(text, offset).parseChunk();
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    if (err instanceof RangeError) return undefined; // stack: cannot happen below FAST_MAX_LEVEL
    throw err;
  }
}
