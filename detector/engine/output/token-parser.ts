import { TRANSFORMERS, type FieldOperand, type FieldRef, type Position, type TransformerArg, type TransformerName, type ValueLiteral } from '../ast.js';
import { unescapeQuoted } from '../condition/escaping.js';

/**
 * Parses one `%` token of an output format: a field (`proc.name`, `proc.aname[2]`, `evt.arg.flags`)
 * or a transformer over fields (`toupper(proc.name)`, `join(",", (a.b, c.d))`), with the condition
 * language's lexical rules. Parses a prefix of the text and reports how much it used; throws a
 * TokenSyntaxError when no token starts there.
 */

// One letter then word characters: `[a-zA-Z]+[a-zA-Z0-9_]*` matches the same names but backtracks
// quadratically on a long run of letters without a dot.
const FIELD_NAME = /[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+/y;
const FIELD_ARG_BARE = /[^\]["'\s]+/y;
const NUMBER = /0[xX][0-9a-fA-F]+|[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y;
const BLANK = /[ \t\b\r\n]*/y;

/** A format token that does not parse; `index` is how far into the text the parser got. */
export class TokenSyntaxError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** Nesting deeper than this inside one token is rejected. */
const MAX_DEPTH = 100;

class TokenParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly base: number,
  ) {}

  parse(): { operand: FieldOperand; end: number } {
    const operand = this.operand();
    if (!operand) throw this.fail('expected a field or a transformer');
    return { operand, end: this.index };
  }

  private fail(message: string): TokenSyntaxError {
    return new TokenSyntaxError(message, this.index);
  }

  private pos(): Position {
    // Positions are offsets in the whole format; formats are single-line for this purpose.
    const offset = this.base + this.index;
    return { offset, line: 1, column: offset + 1 };
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.index;
    const m = pattern.exec(this.text);
    if (!m || m[0].length === 0) return undefined;
    this.index += m[0].length;
    return m[0];
  }

  private literal(s: string): boolean {
    if (!this.text.startsWith(s, this.index)) return false;
    this.index += s.length;
    return true;
  }

  private blank(): void {
    this.match(BLANK);
  }

  private operand(): FieldOperand | undefined {
    const pos = this.pos();
    const name = TRANSFORMERS.find((t) => this.text.startsWith(`${t}(`, this.index));
    if (name) {
      this.index += name.length + 1;
      return this.transformer(name, pos);
    }
    const field = this.match(FIELD_NAME);
    if (field === undefined) return undefined;
    const ref: FieldRef = { kind: 'field', name: field, pos };
    if (!this.literal('[')) return ref;
    const arg = this.quoted() ?? this.match(FIELD_ARG_BARE);
    if (arg === undefined) throw this.fail('expected a valid field argument');
    if (!this.literal(']')) throw this.fail("expected a ']' token");
    return { ...ref, arg };
  }

  private transformer(name: TransformerName, pos: Position): FieldOperand {
    if (++this.depth > MAX_DEPTH) throw this.fail('transformers nested too deeply');
    const args: TransformerArg[] = [];
    do {
      this.blank();
      args.push(this.argument());
      this.blank();
    } while (this.literal(','));
    if (!this.literal(')')) throw this.fail("expected a ')' token closing the transformer");
    this.depth--;
    return { kind: 'transformer', name, args, pos };
  }

  private argument(): TransformerArg {
    const pos = this.pos();
    const value = this.value(pos);
    if (value) return value;
    if (this.literal('(')) {
      const items: (FieldOperand | ValueLiteral)[] = [];
      this.blank();
      if (!this.literal(')')) {
        do {
          this.blank();
          const itemPos = this.pos();
          const item = this.operand() ?? this.value(itemPos);
          if (!item) throw this.fail('expected a field, a transformer, a quoted string or a number');
          items.push(item);
          this.blank();
        } while (this.literal(','));
        if (!this.literal(')')) throw this.fail("expected ')'");
      }
      return { kind: 'transformer_list', items, pos };
    }
    const operand = this.operand();
    if (!operand) throw this.fail('expected a transformer argument');
    return operand;
  }

  private value(pos: Position): ValueLiteral | undefined {
    const quoted = this.quoted();
    if (quoted !== undefined) return { kind: 'value', value: quoted, quoted: true, pos };
    const number = this.match(NUMBER);
    return number === undefined ? undefined : { kind: 'value', value: number, quoted: false, pos };
  }

  private quoted(): string | undefined {
    const quote = this.text[this.index];
    if (quote !== '"' && quote !== "'") return undefined;
    let end = this.index + 1;
    while (end < this.text.length && this.text[end] !== quote) end += this.text[end] === '\\' ? 2 : 1;
    if (end >= this.text.length) throw this.fail('unterminated quoted string');
    const result = unescapeQuoted(this.text.slice(this.index + 1, end), quote);
    if ('error' in result) throw this.fail(result.error);
    this.index = end + 1;
    return result.value;
  }
}

/** Parses the token at the start of `text`; `base` is its offset in the format, for positions. */
export function parseFormatToken(text: string, base: number): { operand: FieldOperand; end: number } {
  return new TokenParser(text, base).parse();
}
