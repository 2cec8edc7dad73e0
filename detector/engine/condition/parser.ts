import {
  TRANSFORMERS,
  type BinaryOperator,
  type ComparisonModifier,
  type Expr,
  type FieldOperand,
  type FieldRef,
  type ListLiteral,
  type Position,
  type TransformerArg,
  type TransformerExpr,
  type TransformerList,
  type TransformerName,
  type ValueLiteral,
  type ValueOperand,
} from '../ast.js';
import { unescapeQuoted } from './escaping.js';
import { ConditionSyntaxError } from './syntax-error.js';

/*
 * A recursive-descent parser for Falco conditions that accepts what libsinsp's parser accepts and
 * builds the same tree: `or` binds loosest, then `and`, then `not`; `a and b and c` is one node with
 * three children; a run of `not`s toggles. The lexical rules (what a field name, a bare string or a
 * number is; which operators need a blank after them) follow libsinsp's.
 */

// libsinsp writes these as `[a-zA-Z]+[a-zA-Z0-9_]*`; the same names written without the overlapping
// quantifiers keep a backtracking engine linear on a long token that is not a field.
const FIELD_NAME = /[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+/y;
const IDENTIFIER = /[a-zA-Z][a-zA-Z0-9_]*/y;
const FIELD_ARG_BARE = /[^\]["'\s]+/y;
const HEX_NUMBER = /0[xX][0-9a-fA-F]+/y;
const NUMBER = /[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y;
const BARE_STRING = /[^()"'\s=,]+/y;
const NOT_BLANK = /not\s+/y;
/** A comparison modifier, as a whole word. */
const MODIFIER = /(?:anyof|allof|oneof)(?![a-zA-Z0-9_.])/y;
const BLANK = /[ \t\b\r\n]*/y;

const UNARY_OPERATORS = ['exists'] as const;
const NUMERIC_OPERATORS: readonly BinaryOperator[] = ['<=', '<', '>=', '>'];
/** String operators; the word ones must be followed by a blank, as in libsinsp. */
const STRING_OPERATORS: readonly { text: string; op: BinaryOperator }[] = [
  { text: '==', op: '==' },
  { text: '=', op: '=' },
  { text: '!=', op: '!=' },
  ...(['glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex'] as const).map(
    (op) => ({ text: `${op} `, op }),
  ),
];
const LIST_OPERATORS: readonly BinaryOperator[] = ['intersects', 'in', 'pmatch'];

/** Nesting deeper than this is rejected with an error instead of exhausting the stack. */
export const MAX_DEPTH = 1000;

export interface ParseOptions {
  maxDepth?: number;
}

class Parser {
  private index = 0;
  private line = 1;
  private column = 1;
  private depth = 0;
  private lastToken = '';

  constructor(
    private readonly input: string,
    private readonly maxDepth: number,
  ) {}

  parse(): Expr {
    if (this.input.length === 0) throw this.error('filter input string is empty');
    const expr = this.parseOr();
    if (this.index !== this.input.length) {
      throw this.error(`unexpected token after '${this.lastToken}', expecting 'or', 'and'`);
    }
    return expr;
  }

  // ── grammar ────────────────────────────────────────────────────────────────────────────────────

  private parseOr(): Expr {
    return this.nested(() => {
      this.blank();
      const pos = this.pos();
      const children = [this.parseAnd()];
      this.blank();
      while (this.literal('or')) {
        children.push(this.afterKeyword('or', () => this.parseAnd()));
        this.blank();
      }
      return children.length > 1 ? { kind: 'or', children, pos } : (children[0] as Expr);
    });
  }

  private parseAnd(): Expr {
    return this.nested(() => {
      this.blank();
      const pos = this.pos();
      const children = [this.parseNot()];
      this.blank();
      while (this.literal('and')) {
        children.push(this.afterKeyword('and', () => this.parseNot()));
        this.blank();
      }
      return children.length > 1 ? { kind: 'and', children, pos } : (children[0] as Expr);
    });
  }

  /** After `and`/`or`: a blank and the next operand, or `(` directly. */
  private afterKeyword(keyword: string, operand: () => Expr): Expr {
    if (this.blank()) return operand();
    if (this.literal('(')) return this.parseEmbeddedRemainder();
    throw this.error(`expected blank or '(' after '${keyword}'`);
  }

  private parseNot(): Expr {
    return this.nested(() => {
      this.blank();
      const pos = this.pos();
      let negated = false;
      while (this.regex(NOT_BLANK)) negated = !negated;
      let child: Expr;
      if (this.literal('not(')) {
        negated = !negated;
        child = this.parseEmbeddedRemainder();
      } else {
        child = this.parseCheck();
      }
      return negated ? { kind: 'not', child, pos } : child;
    });
  }

  /** The rest of a parenthesised expression, after its `(`. */
  private parseEmbeddedRemainder(): Expr {
    return this.nested(() => {
      this.blank();
      const child = this.parseOr();
      this.blank();
      if (!this.literal(')')) throw this.error("expected a ')' token");
      return child;
    });
  }

  private parseCheck(): Expr {
    return this.nested(() => {
      this.blank();
      const pos = this.pos();
      if (this.literal('(')) return this.parseEmbeddedRemainder();
      if (this.regex(FIELD_NAME)) return this.parseCondition(this.parseFieldRemainder(this.lastToken, pos), pos);
      const transformer = this.transformerName();
      if (transformer) return this.parseCondition(this.parseTransformerRemainder(transformer, pos), pos);
      if (this.regex(IDENTIFIER)) return { kind: 'identifier', name: this.lastToken, pos };
      throw this.error("expected a '(' token, a field check, or an identifier");
    });
  }

  private parseFieldRemainder(name: string, pos: Position): FieldRef {
    if (!this.literal('[')) return { kind: 'field', name, pos };
    const arg = this.quotedString() ?? (this.regex(FIELD_ARG_BARE) ? this.lastToken : undefined);
    if (arg === undefined) throw this.error('expected a valid field argument: a quoted string or a bare string');
    if (!this.literal(']')) throw this.error("expected a ']' token");
    return { kind: 'field', name, arg, pos };
  }

  /** A transformer's arguments and closing `)`, after `name(`. */
  private parseTransformerRemainder(name: TransformerName, pos: Position): TransformerExpr {
    return this.nested(() => {
      this.blank();
      const args: TransformerArg[] = [];
      do {
        this.blank();
        args.push(this.parseTransformerArg());
        this.blank();
      } while (this.literal(','));
      if (!this.literal(')')) throw this.error("expected a ')' token closing the transformer");
      return { kind: 'transformer', name, args, pos };
    });
  }

  private parseTransformerArg(): TransformerArg {
    const pos = this.pos();
    const literal = this.numberLiteral(pos) ?? this.quotedLiteral(pos);
    if (literal) return literal;
    if (this.literal('(')) return this.parseTransformerList(pos);
    const operand = this.fieldOperand(pos);
    if (operand) return operand;
    throw this.error('expected field transformer argument: field, transformer, quoted string, number, or transformer list');
  }

  private parseTransformerList(pos: Position): TransformerList {
    const items: TransformerList['items'] = [];
    this.blank();
    if (this.literal(')')) return { kind: 'transformer_list', items, pos };
    do {
      this.blank();
      const itemPos = this.pos();
      const item = this.fieldOperand(itemPos) ?? this.quotedLiteral(itemPos) ?? this.numberLiteral(itemPos);
      if (!item) throw this.error('expected transformer list argument: field, transformer, quoted string, or number');
      items.push(item);
      this.blank();
    } while (this.literal(','));
    if (!this.literal(')')) throw this.error("expected ')'");
    return { kind: 'transformer_list', items, pos };
  }

  /** A field or a transformer at the cursor, or undefined when neither starts here. */
  private fieldOperand(pos: Position): FieldOperand | undefined {
    if (this.regex(FIELD_NAME)) return this.parseFieldRemainder(this.lastToken, pos);
    const transformer = this.transformerName();
    return transformer ? this.parseTransformerRemainder(transformer, pos) : undefined;
  }

  private parseCondition(left: FieldOperand, pos: Position): Expr {
    return this.nested(() => {
      this.blank();
      for (const op of UNARY_OPERATORS) {
        if (this.literal(op)) return { kind: 'unary_check', left, operator: op, pos };
      }
      const numeric = NUMERIC_OPERATORS.find((op) => this.literal(op));
      if (numeric) return this.modified(left, numeric, pos) ?? { kind: 'binary_check', left, operator: numeric, right: this.parseNumericValue(), pos };
      const string = STRING_OPERATORS.find(({ text }) => this.literal(text));
      if (string) return this.modified(left, string.op, pos) ?? { kind: 'binary_check', left, operator: string.op, right: this.parseStringValue(), pos };
      const list = LIST_OPERATORS.find((op) => this.literal(op));
      if (list) return { kind: 'binary_check', left, operator: list, right: this.parseListValue(), pos };
      const all = [...UNARY_OPERATORS, ...NUMERIC_OPERATORS, ...STRING_OPERATORS.map((s) => s.op), ...LIST_OPERATORS];
      throw this.error(`expected a valid check operator: one of ${all.map((op) => `'${op}'`).join(', ')}`);
    });
  }

  /** `op anyof|allof|oneof (v1, v2, …)`: the operator applied to each listed value. */
  private modified(left: FieldOperand, operator: BinaryOperator, pos: Position): Expr | undefined {
    this.blank();
    if (!this.regex(MODIFIER)) return undefined;
    const modifier = this.lastToken as ComparisonModifier;
    this.blank();
    const listPos = this.pos();
    if (!this.literal('(')) throw this.error(`expected a list after '${modifier}'`);
    return { kind: 'binary_check', left, operator, modifier, right: this.parseListLiteral(listPos), pos };
  }

  private parseNumericValue(): ValueOperand {
    this.blank();
    const pos = this.pos();
    const value = this.fieldValue(pos) ?? this.numberLiteral(pos);
    if (value) return value;
    throw this.error(`expected a number value or a field with a valid transformer: ${this.transformerChoices()}`);
  }

  private parseStringValue(): ValueOperand {
    this.blank();
    const pos = this.pos();
    const value = this.fieldValue(pos) ?? this.stringLiteral(pos);
    if (value) return value;
    throw this.error(`expected a string value or a field with a valid transformer: ${this.transformerChoices()}`);
  }

  private parseListValue(): ValueOperand {
    this.blank();
    const pos = this.pos();
    if (this.literal('(')) return this.parseListLiteral(pos);
    const value = this.fieldValue(pos);
    if (value) return value;
    // A bare name: the name of a list, resolved by the loader.
    if (this.regex(IDENTIFIER)) return { kind: 'value', value: this.lastToken, quoted: false, pos };
    throw this.error(`expected a list, an identifier, or a field with a valid transformer: ${this.transformerChoices()}`);
  }

  private parseListLiteral(pos: Position): ListLiteral {
    const values: ValueLiteral[] = [];
    this.blank();
    const first = this.stringLiteral(this.pos());
    if (first) {
      values.push(first);
      this.blank();
      while (this.literal(',')) {
        this.blank();
        const item = this.stringLiteral(this.pos());
        if (!item) throw this.error('expected a string value');
        values.push(item);
        this.blank();
      }
    }
    if (!this.literal(')')) throw this.error("expected a ')' token");
    return { kind: 'list', values, pos };
  }

  /** `val(field)` or a transformer on the right of an operator. */
  private fieldValue(pos: Position): ValueOperand | undefined {
    if (this.literal('val(')) {
      this.blank();
      const fieldPos = this.pos();
      if (!this.regex(FIELD_NAME)) throw this.error("expected a field within 'val' transformer");
      const field = this.parseFieldRemainder(this.lastToken, fieldPos);
      this.blank();
      if (!this.literal(')')) throw this.error("expected a ')' token closing the transformer");
      return { kind: 'field_value', operand: field, pos };
    }
    const transformer = this.transformerName();
    return transformer ? { kind: 'field_value', operand: this.parseTransformerRemainder(transformer, pos), pos } : undefined;
  }

  // ── lexical helpers ────────────────────────────────────────────────────────────────────────────

  private stringLiteral(pos: Position): ValueLiteral | undefined {
    return this.quotedLiteral(pos) ?? (this.regex(BARE_STRING) ? { kind: 'value', value: this.lastToken, quoted: false, pos } : undefined);
  }

  private quotedLiteral(pos: Position): ValueLiteral | undefined {
    const value = this.quotedString();
    return value === undefined ? undefined : { kind: 'value', value, quoted: true, pos };
  }

  private numberLiteral(pos: Position): ValueLiteral | undefined {
    return this.regex(HEX_NUMBER) || this.regex(NUMBER) ? { kind: 'value', value: this.lastToken, quoted: false, pos } : undefined;
  }

  /**
   * A '- or "-quoted string at the cursor, unescaped; an unterminated string is not a string at all.
   * A backslash escapes the next character while scanning, so `"\\"` (one backslash) parses. libsinsp
   * instead never closes a string on a quote preceded by a backslash, and so cannot read back the
   * canonical form of a value that ends in a backslash.
   */
  private quotedString(): string | undefined {
    const quote = this.input[this.index];
    if (quote !== '"' && quote !== "'") return undefined;
    let end = this.index + 1;
    while (end < this.input.length && this.input[end] !== quote) end += this.input[end] === '\\' ? 2 : 1;
    if (end >= this.input.length) return undefined;
    const start = this.pos();
    const result = unescapeQuoted(this.input.slice(this.index + 1, end), quote);
    if ('error' in result) throw new ConditionSyntaxError(result.error, start);
    this.advance(end + 1 - this.index);
    this.lastToken = result.value;
    return result.value;
  }

  private transformerName(): TransformerName | undefined {
    const name = TRANSFORMERS.find((t) => this.literal(`${t}(`));
    if (name) this.blank();
    return name;
  }

  private transformerChoices(): string {
    return ['val', ...TRANSFORMERS].map((t) => `'${t}'`).join(', ');
  }

  private blank(): boolean {
    BLANK.lastIndex = this.index;
    const match = BLANK.exec(this.input);
    const length = match?.[0].length ?? 0;
    this.advance(length);
    return length > 0;
  }

  private literal(text: string): boolean {
    if (!this.input.startsWith(text, this.index)) return false;
    this.advance(text.length);
    this.lastToken = text;
    return true;
  }

  private regex(pattern: RegExp): boolean {
    pattern.lastIndex = this.index;
    const match = pattern.exec(this.input);
    if (!match || match[0].length === 0) return false;
    this.advance(match[0].length);
    this.lastToken = match[0];
    return true;
  }

  private advance(count: number): void {
    for (let end = this.index + count; this.index < end; this.index++) {
      const c = this.input[this.index];
      if (c === '\n' || c === '\r') {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
    }
  }

  private pos(): Position {
    return { offset: this.index, line: this.line, column: this.column };
  }

  private error(message: string): ConditionSyntaxError {
    return new ConditionSyntaxError(message, this.pos());
  }

  /** Runs one level of the grammar, refusing to nest deeper than the limit. */
  private nested<T>(body: () => T): T {
    if (++this.depth >= this.maxDepth) throw this.error(`exceeded max depth limit of ${this.maxDepth}`);
    try {
      return body();
    } finally {
      this.depth--;
    }
  }
}

/** Parses a Falco condition into its AST; throws `ConditionSyntaxError` with the position on failure. */
export function parseCondition(text: string, options: ParseOptions = {}): Expr {
  return new Parser(text, options.maxDepth ?? MAX_DEPTH).parse();
}
