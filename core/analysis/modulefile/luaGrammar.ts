// Lua 5.3's own parser rules (lparser.c) as a recognizer over luaparse's tokens. It builds no
// tree; it finds the first syntax error the way Lua does: the same message (`')' expected (to
// close '(' at line 3) near 'setenv'`), the same C-level limit ("too many C levels (limit is
// 200)", counted where lparser.c calls enterlevel), and the extent of the broken statement so
// the analysis can blank it out and go on. It recurses no deeper than Lua's limit, so deep
// nesting never reaches luaparse (whose recursion would overflow the JS stack).
import * as luaparse from 'luaparse';

export interface LuaGrammarError {
  /** Offset of the token the message is "near" (the text length at <eof>). */
  index: number;
  message: string;
  /** Raised by the lexer (luaparse's message, e.g. an unfinished string). */
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

/** luaparse's lexer API (exported at run time, left out of @types/luaparse). */
const lexer = luaparse as unknown as { tokenTypes: Record<string, number>; lex(): unknown };
const T = lexer.tokenTypes;

interface Token {
  type: number;
  value: string | number | boolean | null;
  line: number;
  range: [number, number];
}

/** Lua's operator priorities (lparser.c): [left, right]; fastLuaParse.ts parses with them too. */
export const BINARY: Record<string, [number, number]> = {
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
export const UNARY = new Set(['not', '-', '~', '#']);
export const UNARY_PRIORITY = 12;

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

  constructor(private readonly text: string) {}

  run(): LuaGrammarError | undefined {
    try {
      this.next();
      this.statlist();
      if (this.tok.type !== T.EOF) this.errorExpected('<eof>');
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
      const tok = lexer.lex() as Token;
      this.lexedTo = tok.range[1];
      if (tok.type === T.NumericLiteral) this.checkNumeral(tok);
      return tok;
    } catch (err) {
      if (err instanceof Stop) throw err;
      const e = err as { index?: number; message?: string };
      if (typeof e.index !== 'number') throw err;
      this.lexedTo = e.index;
      const lineEnd = this.text.indexOf('\n', e.index);
      const start = this.statements.length > 0 ? this.statements[this.statements.length - 1].start : e.index;
      throw new Stop({
        index: e.index,
        message: this.lexicalMessage(
          e.index,
          String(e.message ?? 'syntax error').replace(/^\[\d+:\d+\]\s*/, ''),
        ),
        lexical: true,
        recovery: { start: Math.min(start, e.index), end: lineEnd === -1 ? this.text.length : lineEnd },
      });
    }
  }

  /**
   * luaparse's "unexpected symbol 'c' near 'x'" takes `x` from whatever luaparse parsed last (its
   * lookahead; the recognizer drives the bare lexer): Lua says "unexpected symbol near 'c'", the
   * character as llex.c's luaX_token2str shows a byte (`'<\230>'` when not printable).
   */
  private lexicalMessage(index: number, message: string): string {
    if (!message.startsWith('unexpected symbol ')) return message;
    const byte = Buffer.from(String.fromCodePoint(this.text.codePointAt(index) ?? 0))[0];
    return `unexpected symbol near '${byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `<\\${byte}>`}'`;
  }

  /** Lua's lexer reads a numeral greedily (llex.c read_numeral): `6.2.0` is one malformed number. */
  private checkNumeral(tok: Token): void {
    const text = this.text;
    let i = tok.range[0];
    let expo = 'Ee';
    if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      expo = 'Pp';
      i += 2;
    }
    while (i < text.length) {
      if (expo.includes(text[i])) {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
      } else if (/[0-9a-fA-F.]/.test(text[i])) i++;
      else break;
    }
    if (i !== tok.range[1]) {
      const start =
        this.statements.length > 0 ? this.statements[this.statements.length - 1].start : tok.range[0];
      throw new Stop({
        index: tok.range[0],
        message: `malformed number near '${text.slice(tok.range[0], i)}'`,
        lexical: true,
        recovery: { start, end: i },
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
    return tok.type === T.Identifier && tok.value !== 'goto';
  }

  private near(tok: Token = this.tok): string {
    if (tok.type === T.EOF) return '<eof>';
    return `'${this.text.slice(tok.range[0], tok.range[1])}'`;
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
    throw new Stop({ index: at, message: `${message} near ${this.near()}`, lexical: false, recovery: blank });
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
      this.statlist();
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
      this.statlist();
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
    } else if (this.is('break')) this.next();
    else if (this.is('goto', t)) {
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
    this.statlist();
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
    this.statlist();
    this.checkMatch('end', 'function', line, header);
    this.functionLines.pop();
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
 * The first syntax error of `text` as Lua 5.3 reports it, or undefined when Lua accepts the
 * chunk. `text` must already have a leading `#` line blanked (as luaL_loadfile skips it).
 */
export function firstLuaSyntaxError(text: string): LuaGrammarError | undefined {
  luaparse.parse(text, { wait: true, luaVersion: '5.3', ranges: true } as luaparse.Options);
  return new Recognizer(text).run();
}
