// Lua 5.3's own lexer (llex.c) and parser rules (lparser.c) as a recognizer. It builds no
// tree; it finds the first syntax error the way Lua does: the same message (`')' expected (to
// close '(' at line 3) near 'setenv'`), the same C-level limit ("too many C levels (limit is
// 200)", counted where lparser.c calls enterlevel), and the extent of the broken statement so
// the analysis can blank it out and go on. It recurses no deeper than Lua's limit, so deep
// nesting never reaches luaparse (whose recursion would overflow the JS stack).
export interface LuaGrammarError {
  /** Offset of the token the message is "near" (the text length at <eof>). */
  index: number;
  message: string;
  /** Raised by the lexer (e.g. an unfinished string, a malformed numeral). */
  lexical: boolean;
  /** Text to blank out to analyse the rest; undefined when nothing sensible can be blanked. */
  recovery?: { start: number; end: number };
  /**
   * The verdict (message, index, recovery) depends on the text before this offset only: the end
   * of the line the lexer last read on, past its newline; Infinity when that is the text's end.
   */
  decidedBefore: number;
}

/** lparser.c's LUAI_MAXCCALLS; luac starts parsing at one level already used. */
const MAX_C_LEVELS = 200;
const FIRST_LEVEL = 1;

/** Lua's operator priorities (lparser.c): [left, right]. */
const BINARY: Record<string, [number, number]> = {
  '+': [10, 10],
  '-': [10, 10],
  '*': [11, 11],
  '%': [11, 11],
  '^': [14, 13],
  '/': [11, 11],
  '//': [11, 11],
  '&': [6, 6],
  '|': [4, 4],
  '~': [5, 5],
  '<<': [7, 7],
  '>>': [7, 7],
  '..': [9, 8],
  '==': [3, 3],
  '<': [3, 3],
  '<=': [3, 3],
  '~=': [3, 3],
  '>': [3, 3],
  '>=': [3, 3],
  and: [2, 2],
  or: [1, 1],
};
const UNARY = new Set(['not', '-', '~', '#']);
const UNARY_PRIORITY = 12;

// --- the lexer (llex.c) ------------------------------------------------------------------------

/** Token kinds; Stray is any other character, a token of its own in Lua (`@`, `$`, a BOM, 0x01). */
const T = {
  EOF: 1,
  StringLiteral: 2,
  Keyword: 3,
  Identifier: 4,
  NumericLiteral: 5,
  Punctuator: 6,
  BooleanLiteral: 7,
  NilLiteral: 8,
  VarargLiteral: 9,
  Stray: 10,
} as const;
type TokenType = (typeof T)[keyof typeof T];

interface Token {
  type: TokenType;
  /** The keyword, name or punctuator (a string's or numeral's source text otherwise). */
  value: string;
  /** The line the lexer stands on after reading the token (Lua's linenumber), 1-based. */
  line: number;
  range: [number, number];
  /** How Lua's messages show the token after "near": `'x'`, `'<\239>'`, `<eof>`. */
  shown: string;
}

/** A lexical error: Lua's message (with its "near" part) and the offset the lexer stood at. */
class LexError {
  constructor(
    readonly index: number,
    readonly message: string,
  ) {}
}

const KEYWORDS = new Set([
  'and',
  'break',
  'do',
  'else',
  'elseif',
  'end',
  'false',
  'for',
  'function',
  'goto',
  'if',
  'in',
  'local',
  'nil',
  'not',
  'or',
  'repeat',
  'return',
  'then',
  'true',
  'until',
  'while',
]);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexDigit = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNewline = (c: number) => c === 10 || c === 13;
/** lisspace in the C locale. */
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEXADECIMAL = /^0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?$/;

/** A character as luaX_token2str shows a single-byte token: its first UTF-8 byte. */
function shownByte(codePoint: number): string {
  const byte = codePoint < 0x80 ? codePoint : Buffer.from(String.fromCodePoint(codePoint))[0];
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `'<\\${byte}>'`;
}

/**
 * Lua 5.3's lexer over a string: its tokens, its numerals (read greedily, then validated), its
 * string escapes and its messages. Every character is either part of a token or a Stray token, so
 * no text makes it throw anything but a LexError.
 */
class Lexer {
  private i = 0;
  private line = 1;

  constructor(private readonly s: string) {}

  /** Where the lexer stands (the character after the last token). */
  get offset(): number {
    return this.i;
  }

  /** inclinenumber: `\n`, `\r`, `\n\r` and `\r\n` are one line break each. */
  private newline(): void {
    const c = this.s.charCodeAt(this.i++);
    const d = this.s.charCodeAt(this.i);
    if (isNewline(d) && d !== c) this.i++;
    this.line++;
  }

  private token(type: TokenType, start: number, shown?: string): Token {
    const value = this.s.slice(start, this.i);
    return { type, value, line: this.line, range: [start, this.i], shown: shown ?? `'${value}'` };
  }

  next(): Token {
    const s = this.s;
    for (;;) {
      const start = this.i;
      if (start >= s.length)
        return { type: T.EOF, value: '', line: this.line, range: [start, start], shown: '<eof>' };
      const c = s.charCodeAt(start);
      if (isNewline(c)) {
        this.newline();
        continue;
      }
      if (isSpace(c)) {
        this.i++;
        continue;
      }
      if (c === 45 /* - */ && s.charCodeAt(start + 1) === 45) {
        this.i += 2;
        if (s.charCodeAt(this.i) === 91 /* [ */) {
          const level = this.separator();
          if (level >= 0) {
            this.longBracket(level, 'comment');
            continue;
          }
        }
        while (this.i < s.length && !isNewline(s.charCodeAt(this.i))) this.i++;
        continue;
      }
      if (isAlpha(c)) {
        this.i++;
        while (this.i < s.length && (isAlpha(s.charCodeAt(this.i)) || isDigit(s.charCodeAt(this.i))))
          this.i++;
        const word = s.slice(start, this.i);
        if (!KEYWORDS.has(word)) return this.token(T.Identifier, start);
        const type =
          word === 'nil' ? T.NilLiteral : word === 'true' || word === 'false' ? T.BooleanLiteral : T.Keyword;
        return this.token(type, start);
      }
      if (isDigit(c)) return this.numeral(start);
      switch (c) {
        case 34: // "
        case 39: // '
          return this.shortString(start);
        case 91: {
          // [
          const level = this.separator();
          if (level >= 0) {
            this.longBracket(level, 'string');
            // Lua's buffer: the first line break dropped, each line break one '\n'.
            const body = s.slice(start, this.i).replace(/^(\[=*\[)(\r\n?|\n\r?)/, '$1');
            return this.token(T.StringLiteral, start, `'${body.replace(/\r\n?|\n\r?/g, '\n')}'`);
          }
          if (level !== -1)
            throw new LexError(this.i, `invalid long string delimiter near '${s.slice(start, this.i)}'`);
          return this.token(T.Punctuator, start);
        }
        case 46: // .
          if (s.charCodeAt(start + 1) === 46) {
            this.i += s.charCodeAt(start + 2) === 46 ? 3 : 2;
            return this.token(this.i - start === 3 ? T.VarargLiteral : T.Punctuator, start);
          }
          if (isDigit(s.charCodeAt(start + 1))) return this.numeral(start);
          this.i++;
          return this.token(T.Punctuator, start);
        case 61: // =
        case 126: // ~
          this.i += s.charCodeAt(start + 1) === 61 ? 2 : 1;
          return this.token(T.Punctuator, start);
        case 60: // <
        case 62: // >
          this.i += s.charCodeAt(start + 1) === 61 || s.charCodeAt(start + 1) === c ? 2 : 1;
          return this.token(T.Punctuator, start);
        case 47: // /
        case 58: // :
          this.i += s.charCodeAt(start + 1) === c ? 2 : 1;
          return this.token(T.Punctuator, start);
        case 43:
        case 45:
        case 42:
        case 37:
        case 94:
        case 35:
        case 38:
        case 124: // + - * % ^ # & |
        case 40:
        case 41:
        case 123:
        case 125:
        case 93:
        case 59:
        case 44: // ( ) { } ] ; ,
          this.i++;
          return this.token(T.Punctuator, start);
      }
      const codePoint = s.codePointAt(start)!;
      this.i += codePoint > 0xffff ? 2 : 1;
      return this.token(T.Stray, start, codePoint === 0 ? '' : shownByte(codePoint));
    }
  }

  /** skip_sep at `[` or `]`: the level of a long bracket, -1 for a lone bracket, < -1 for `[=`. */
  private separator(): number {
    const bracket = this.s.charCodeAt(this.i++);
    let count = 0;
    while (this.s.charCodeAt(this.i) === 61 /* = */) {
      this.i++;
      count++;
    }
    return this.s.charCodeAt(this.i) === bracket ? count : -count - 1;
  }

  /** read_long_string, the lexer at the second `[`. */
  private longBracket(level: number, what: 'string' | 'comment'): void {
    const firstLine = this.line;
    this.i++;
    const s = this.s;
    for (;;) {
      if (this.i >= s.length)
        throw new LexError(s.length, `unfinished long ${what} (starting at line ${firstLine}) near <eof>`);
      const c = s.charCodeAt(this.i);
      if (c === 93 /* ] */) {
        if (this.separator() === level) {
          this.i++;
          return;
        }
      } else if (isNewline(c)) this.newline();
      else this.i++;
    }
  }

  /** read_numeral: greedy (`6.2.0` and `1e` are one malformed numeral each), then validated. */
  private numeral(start: number): Token {
    const s = this.s;
    let j = start;
    if (s.charCodeAt(j) === 46) j++;
    let exponent = 'Ee';
    const first = s.charCodeAt(j++);
    if (first === 48 && (s[j] === 'x' || s[j] === 'X')) {
      exponent = 'Pp';
      j++;
    }
    for (;;) {
      if (j < s.length && exponent.includes(s[j])) {
        j++;
        if (s[j] === '+' || s[j] === '-') j++;
      }
      if (isHexDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 46) j++;
      else break;
    }
    this.i = j;
    const text = s.slice(start, j);
    if (!(exponent === 'Pp' ? HEXADECIMAL : DECIMAL).test(text))
      throw new LexError(j, `malformed number near '${text}'`);
    return this.token(T.NumericLiteral, start);
  }

  /** read_string: the message shows the string as read so far, escapes decoded, as Lua does. */
  private shortString(start: number): Token {
    const s = this.s;
    const quote = s.charCodeAt(start);
    let read = s[start];
    this.i++;
    const fail = (message: string): never => {
      throw new LexError(this.i, `${message} near '${read}'`);
    };
    // esccheck: the offending character joins the message's text.
    const check = (ok: boolean, message: string) => {
      if (ok) return;
      if (this.i < s.length) read += s[this.i++];
      fail(message);
    };
    for (;;) {
      if (this.i >= s.length) throw new LexError(s.length, 'unfinished string near <eof>');
      const c = s.charCodeAt(this.i);
      if (c === quote) break;
      if (isNewline(c)) fail('unfinished string');
      if (c !== 92 /* \ */) {
        read += s[this.i++];
        continue;
      }
      read += '\\';
      this.i++;
      if (this.i >= s.length) continue;
      const e = s[this.i];
      const simple: Record<string, string> = {
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
      };
      if (e in simple || e === '\\' || e === '"' || e === "'") {
        read = read.slice(0, -1) + (simple[e] ?? e);
        this.i++;
      } else if (e === '\n' || e === '\r') {
        read = read.slice(0, -1) + '\n';
        this.newline();
      } else if (e === 'x') {
        read += s[this.i++];
        let value = 0;
        for (let k = 0; k < 2; k++) {
          check(isHexDigit(s.charCodeAt(this.i)), 'hexadecimal digit expected');
          value = value * 16 + parseInt(s[this.i], 16);
          read += s[this.i++];
        }
        read = read.slice(0, -4) + String.fromCharCode(value);
      } else if (e === 'u') {
        const before = read.length - 1;
        read += s[this.i++];
        check(s[this.i] === '{', "missing '{'");
        read += s[this.i++];
        check(isHexDigit(s.charCodeAt(this.i)), 'hexadecimal digit expected');
        let value = 0;
        while (isHexDigit(s.charCodeAt(this.i))) {
          value = value * 16 + parseInt(s[this.i], 16);
          check(value <= 0x10ffff, 'UTF-8 value too large');
          read += s[this.i++];
        }
        check(s[this.i] === '}', "missing '}'");
        this.i++;
        read = read.slice(0, before) + String.fromCodePoint(value);
      } else if (e === 'z') {
        read = read.slice(0, -1);
        this.i++;
        while (this.i < s.length && isSpace(s.charCodeAt(this.i))) {
          if (isNewline(s.charCodeAt(this.i))) this.newline();
          else this.i++;
        }
      } else {
        check(isDigit(s.charCodeAt(this.i)), 'invalid escape sequence');
        let value = 0;
        let digits = 0;
        for (; digits < 3 && isDigit(s.charCodeAt(this.i)); digits++) {
          value = value * 10 + (s.charCodeAt(this.i) - 48);
          read += s[this.i++];
        }
        check(value <= 255, 'decimal escape too large');
        read = read.slice(0, -digits - 1) + String.fromCharCode(value);
      }
    }
    this.i++;
    read += s[start];
    return this.token(T.StringLiteral, start, `'${read}'`);
  }
}

// --- the parser rules (lparser.c) -------------------------------------------------------------

class Stop {
  constructor(readonly error: Omit<LuaGrammarError, 'decidedBefore'>) {}
}

interface Statement {
  start: number;
}

class Recognizer {
  private tok!: Token;
  private ahead: Token | undefined;
  private level = FIRST_LEVEL;
  /** How far the lexer has read: the end of the last token, or where it raised an error. */
  private lexedTo = 0;
  private readonly statements: Statement[] = [];
  /** Line where each enclosing function body starts (empty: the main chunk). */
  private readonly functionLines: number[] = [];
  /** Per function (the main chunk first): loops open around the current statement. */
  private readonly loops: number[] = [0];
  /** Per function: its first `break` outside a loop, reported when the function closes. */
  private readonly strayBreaks: ({ line: number; start: number; end: number } | undefined)[] = [undefined];
  /** gotos and labels are luaparse's to check: then breaks are too (Lua reports the first of them). */
  private readonly hasGoto: boolean;

  private readonly lexer: Lexer;

  constructor(private readonly text: string) {
    this.lexer = new Lexer(text);
    this.hasGoto = /\bgoto\b|::/.test(text);
  }

  run(): LuaGrammarError | undefined {
    try {
      this.next();
      this.statlist();
      if (this.tok.type !== T.EOF) this.errorExpected('<eof>');
      this.closeFunction();
      return undefined;
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      // The lexer peeks a character past a token: the rest of that line is counted as read too.
      const read = Math.max(this.lexedTo, e.error.index, e.error.recovery?.end ?? 0);
      const lineEnd = this.text.indexOf('\n', read);
      return { ...e.error, decidedBefore: lineEnd === -1 ? Infinity : lineEnd + 1 };
    }
  }

  // --- tokens -------------------------------------------------------------------------------

  private lex(): Token {
    try {
      const tok = this.lexer.next();
      this.lexedTo = tok.range[1];
      return tok;
    } catch (err) {
      if (!(err instanceof LexError)) throw err;
      this.lexedTo = err.index;
      const lineEnd = this.text.indexOf('\n', err.index);
      const start =
        this.statements.length > 0 ? this.statements[this.statements.length - 1].start : err.index;
      throw new Stop({
        index: err.index,
        message: err.message,
        lexical: true,
        recovery: { start: Math.min(start, err.index), end: lineEnd === -1 ? this.text.length : lineEnd },
      });
    }
  }

  private next(): void {
    if (this.ahead) {
      this.tok = this.ahead;
      this.ahead = undefined;
    } else this.tok = this.lex();
  }

  private lookahead(): Token {
    this.ahead ??= this.lex();
    return this.ahead;
  }

  private is(value: string, tok: Token = this.tok): boolean {
    return (
      tok.value === value &&
      (tok.type === T.Punctuator || tok.type === T.Keyword || tok.type === T.Identifier)
    );
  }

  private isName(tok: Token = this.tok): boolean {
    return tok.type === T.Identifier;
  }

  private near(tok: Token = this.tok): string {
    return tok.shown;
  }

  /** Raises at the current token; recovery blanks the innermost statement up to it. */
  private fail(message: string, recovery?: { start: number; end: number }): never {
    let at = this.tok.type === T.EOF ? this.text.length : this.tok.range[0];
    // Lua names the line the lexer stands on: the last line of a multi-line token.
    if (this.tok.type !== T.EOF) at = Math.max(at, this.text.lastIndexOf('\n', this.tok.range[1] - 1) + 1);
    let blank = recovery;
    if (!blank) {
      const start = this.statements.length > 0 ? this.statements[this.statements.length - 1].start : at;
      const upTo = /\S/.test(this.text.slice(start, at))
        ? at
        : this.tok.type === T.EOF
          ? at
          : this.tok.range[1];
      blank = upTo > start ? { start, end: upTo } : undefined;
    }
    // A NUL byte is token 0, which Lua's message leaves out (lexerror's `if (token)`).
    const near = this.near() === '' ? '' : ` near ${this.near()}`;
    throw new Stop({ index: at, message: `${message}${near}`, lexical: false, recovery: blank });
  }

  /** lparser.c leaveblock at a function's end: a `break` outside a loop (semerror: no "near"). */
  private closeFunction(): void {
    const stray = this.strayBreaks.pop();
    this.loops.pop();
    if (!stray || this.hasGoto) return;
    const at = this.tok.type === T.EOF ? this.text.length : this.tok.range[0];
    throw new Stop({
      index: at,
      message: `<break> at line ${stray.line} not inside a loop`,
      lexical: false,
      recovery: { start: stray.start, end: stray.end },
    });
  }

  private inLoop(run: () => void): void {
    this.loops[this.loops.length - 1]++;
    run();
    this.loops[this.loops.length - 1]--;
  }

  private errorExpected(what: string): never {
    this.fail(`${what} expected`);
  }

  private checkNext(value: string): void {
    if (!this.is(value)) this.errorExpected(`'${value}'`);
    this.next();
  }

  /** lparser.c check_match: names the opener when it is on another line. */
  private checkMatch(what: string, who: string, line: number, block?: { start: number; end: number }): void {
    if (this.is(what)) {
      this.next();
      return;
    }
    const message =
      line === this.tok.line
        ? `'${what}' expected`
        : `'${what}' expected (to close '${who}' at line ${line})`;
    // An unclosed block: blank its header only, so its body is analysed as top-level code.
    this.fail(message, block);
  }

  private name(): void {
    if (!this.isName()) this.errorExpected('<name>');
    this.next();
  }

  private enterLevel(): void {
    if (++this.level > MAX_C_LEVELS) {
      const where =
        this.functionLines.length === 0
          ? 'main function'
          : `function at line ${this.functionLines[this.functionLines.length - 1]}`;
      const outermost = this.statements.length > 0 ? this.statements[0].start : this.tok.range[0];
      this.fail(`too many C levels (limit is ${MAX_C_LEVELS}) in ${where}`, {
        start: outermost,
        end: this.text.length,
      });
    }
  }

  // --- statements ---------------------------------------------------------------------------

  private blockFollow(withUntil: boolean): boolean {
    if (this.tok.type === T.EOF) return true;
    if (this.tok.type !== T.Keyword) return false;
    return (
      this.tok.value === 'else' ||
      this.tok.value === 'elseif' ||
      this.tok.value === 'end' ||
      (withUntil && this.tok.value === 'until')
    );
  }

  private statlist(): void {
    while (!this.blockFollow(true)) {
      if (this.is('return')) {
        this.statement();
        return;
      }
      this.statement();
    }
  }

  private statement(): void {
    const line = this.tok.line;
    const start = this.tok.range[0];
    this.statements.push({ start });
    this.enterLevel();
    const t = this.tok;
    if (this.is(';')) this.next();
    else if (this.is('if')) this.ifStatement(line, start);
    else if (this.is('while')) {
      this.next();
      this.expr();
      const header = { start, end: this.tok.range[1] };
      this.checkNext('do');
      this.inLoop(() => this.statlist());
      this.checkMatch('end', 'while', line, header);
    } else if (this.is('do')) {
      const header = { start, end: this.tok.range[1] };
      this.next();
      this.statlist();
      this.checkMatch('end', 'do', line, header);
    } else if (this.is('for')) this.forStatement(line, start);
    else if (this.is('repeat')) {
      const header = { start, end: this.tok.range[1] };
      this.next();
      this.inLoop(() => this.statlist());
      this.checkMatch('until', 'repeat', line, header);
      this.expr();
    } else if (this.is('function')) {
      this.next();
      this.name();
      while (this.is('.')) {
        this.next();
        this.name();
      }
      if (this.is(':')) {
        this.next();
        this.name();
      }
      this.body(line, start);
    } else if (this.is('local')) {
      this.next();
      if (this.is('function')) {
        this.next();
        this.name();
        this.body(this.tok.line, start);
      } else {
        do this.name();
        while (this.testNext(','));
        if (this.testNext('=')) this.explist();
      }
    } else if (this.is('::')) {
      this.next();
      this.name();
      this.checkNext('::');
    } else if (this.is('return')) {
      this.next();
      if (!this.blockFollow(true) && !this.is(';')) this.explist();
      this.testNext(';');
    } else if (this.is('break')) {
      const fn = this.loops.length - 1;
      if (this.loops[fn] === 0 && !this.strayBreaks[fn])
        this.strayBreaks[fn] = { line, start, end: this.tok.range[1] };
      this.next();
    } else if (this.is('goto', t)) {
      this.next();
      this.name();
    } else this.exprStatement();
    this.level--;
    this.statements.pop();
  }

  private testNext(value: string): boolean {
    if (!this.is(value)) return false;
    this.next();
    return true;
  }

  private ifStatement(line: number, start: number): void {
    // IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END
    let header = { start, end: start };
    const testThenBlock = () => {
      this.next(); // if / elseif
      this.expr();
      header = header.end === start ? { start, end: this.tok.range[1] } : header;
      this.checkNext('then');
      this.statlist();
    };
    testThenBlock();
    while (this.is('elseif')) testThenBlock();
    if (this.testNext('else')) this.statlist();
    this.checkMatch('end', 'if', line, header);
  }

  private forStatement(line: number, start: number): void {
    this.next();
    this.name();
    if (this.is('=')) {
      this.next();
      this.expr();
      this.checkNext(',');
      this.expr();
      if (this.testNext(',')) this.expr();
    } else if (this.is(',') || this.is('in')) {
      while (this.testNext(',')) this.name();
      this.checkNext('in');
      this.explist();
    } else this.fail("'=' or 'in' expected");
    const header = { start, end: this.tok.range[1] };
    this.checkNext('do');
    this.inLoop(() => this.statlist());
    this.checkMatch('end', 'for', line, header);
  }

  private exprStatement(): void {
    this.suffixedExp();
    if (this.is('=') || this.is(',')) {
      // restassign: every target must be a variable; Lua counts them against the C-level limit.
      if (!this.lastWasVar) this.fail('syntax error');
      let vars = 1;
      while (this.testNext(',')) {
        this.suffixedExp();
        if (!this.lastWasVar) this.fail('syntax error');
        // lparser.c restassign: checklimit(nvars + nCcalls) with nvars the targets before this one.
        if (vars++ + this.level > MAX_C_LEVELS) this.enterLevelLimit();
      }
      this.checkNext('=');
      this.explist();
    } else if (!this.lastWasCall) this.fail('syntax error');
  }

  private enterLevelLimit(): never {
    const where =
      this.functionLines.length === 0
        ? 'main function'
        : `function at line ${this.functionLines[this.functionLines.length - 1]}`;
    this.fail(`too many C levels (limit is ${MAX_C_LEVELS}) in ${where}`, {
      start: this.statements[0]?.start ?? 0,
      end: this.text.length,
    });
  }

  /** `function` body: parameters, block, `end`; `line` is where the function starts. */
  private body(line: number, start: number): void {
    this.checkNext('(');
    if (!this.is(')')) {
      do {
        if (this.is('...')) {
          this.next();
          break;
        }
        if (!this.isName()) this.fail("<name> or '...' expected");
        this.next();
      } while (this.testNext(','));
    }
    const header = { start, end: this.tok.range[1] };
    this.checkNext(')');
    this.functionLines.push(line);
    this.loops.push(0);
    this.strayBreaks.push(undefined);
    this.statlist();
    this.checkMatch('end', 'function', line, header);
    this.functionLines.pop();
    this.closeFunction();
  }

  // --- expressions --------------------------------------------------------------------------

  private lastWasCall = false;
  /** The last suffixed expression can be assigned to (a name, `t.k`, `t[k]`). */
  private lastWasVar = false;

  private explist(): void {
    this.expr();
    while (this.testNext(',')) this.expr();
  }

  private expr(): void {
    this.subexpr(0);
  }

  private subexpr(limit: number): void {
    this.enterLevel();
    if (
      UNARY.has(String(this.tok.value)) &&
      (this.tok.type === T.Punctuator || this.tok.type === T.Keyword)
    ) {
      this.next();
      this.subexpr(UNARY_PRIORITY);
    } else this.simpleExp();
    for (;;) {
      const op =
        this.tok.type === T.Punctuator || this.tok.type === T.Keyword
          ? BINARY[String(this.tok.value)]
          : undefined;
      if (!op || op[0] <= limit) break;
      this.next();
      this.subexpr(op[1]);
      this.lastWasCall = false;
    }
    this.level--;
  }

  private simpleExp(): void {
    const t = this.tok;
    this.lastWasCall = false;
    if (
      t.type === T.NumericLiteral ||
      t.type === T.StringLiteral ||
      t.type === T.NilLiteral ||
      t.type === T.BooleanLiteral ||
      t.type === T.VarargLiteral
    ) {
      this.next();
    } else if (this.is('{')) this.constructor_();
    else if (this.is('function')) {
      this.next();
      this.body(this.tok.line, t.range[0]);
    } else this.suffixedExp();
  }

  private primaryExp(): void {
    if (this.isName()) {
      this.next();
      this.lastWasVar = true;
    } else if (this.is('(')) {
      const line = this.tok.line;
      this.next();
      this.expr();
      this.checkMatch(')', '(', line);
      this.lastWasVar = false;
    } else this.fail('unexpected symbol');
  }

  private suffixedExp(): void {
    const line = this.tok.line;
    this.primaryExp();
    const primaryIsVar = this.lastWasVar;
    this.lastWasCall = false;
    this.lastWasVar = primaryIsVar;
    for (;;) {
      if (this.is('.')) {
        this.next();
        this.name();
        this.lastWasCall = false;
        this.lastWasVar = true;
      } else if (this.is('[')) {
        this.index();
        this.lastWasCall = false;
        this.lastWasVar = true;
      } else if (this.is(':')) {
        this.next();
        this.name();
        this.funcArgs(line);
        this.lastWasCall = true;
        this.lastWasVar = false;
      } else if (this.is('(') || this.is('{') || this.tok.type === T.StringLiteral) {
        this.funcArgs(line);
        this.lastWasCall = true;
        this.lastWasVar = false;
      } else return;
    }
  }

  private index(): void {
    this.next(); // [
    this.expr();
    this.checkNext(']');
  }

  /** `line`: where the suffixed expression began (lparser.c names that line in "to close"). */
  private funcArgs(line: number): void {
    if (this.tok.type === T.StringLiteral) this.next();
    else if (this.is('{')) this.constructor_();
    else if (this.is('(')) {
      this.next();
      if (!this.is(')')) this.explist();
      this.checkMatch(')', '(', line);
    } else this.fail('function arguments expected');
  }

  private constructor_(): void {
    const line = this.tok.line;
    this.checkNext('{');
    do {
      if (this.is('}')) break;
      this.field();
    } while (this.testNext(',') || this.testNext(';'));
    this.checkMatch('}', '{', line);
    this.lastWasCall = false;
  }

  private field(): void {
    if (this.isName()) {
      if (this.is('=', this.lookahead())) {
        this.next();
        this.next();
        this.expr();
      } else this.expr();
    } else if (this.is('[')) {
      this.index();
      this.checkNext('=');
      this.expr();
    } else this.expr();
  }
}

/**
 * The first syntax error of `text` as Lua 5.3's load() reports it (a first line starting with `#`
 * is not skipped, a BOM is a character like any other), or undefined when Lua accepts the chunk.
 * Any string gets an answer: this never throws.
 */
export function firstLuaSyntaxError(text: string): LuaGrammarError | undefined {
  return new Recognizer(text).run();
}
