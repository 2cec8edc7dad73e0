/**
 * The condition AST, shaped after libsinsp's filter AST. Every node carries the position of its first
 * character in the condition text so errors can point at it.
 */

/** Where a node starts: 0-based offset, 1-based line and column, within the condition text. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

export type Expr = AndExpr | OrExpr | NotExpr | IdentifierExpr | UnaryCheckExpr | BinaryCheckExpr;

export interface AndExpr {
  kind: 'and';
  children: Expr[];
  pos: Position;
}

export interface OrExpr {
  kind: 'or';
  children: Expr[];
  pos: Position;
}

export interface NotExpr {
  kind: 'not';
  child: Expr;
  pos: Position;
}

/** A bare name in a condition: a macro reference (resolved by the loader, never by the parser). */
export interface IdentifierExpr {
  kind: 'identifier';
  name: string;
  pos: Position;
}

/** Operators that take no right-hand side. */
export type UnaryOperator = 'exists';

/** Operators that take a value, a list or another field on the right. */
export type BinaryOperator =
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'contains'
  | 'icontains'
  | 'bcontains'
  | 'startswith'
  | 'bstartswith'
  | 'endswith'
  | 'glob'
  | 'iglob'
  | 'regex'
  | 'in'
  | 'intersects'
  | 'pmatch';

export const BINARY_OPERATORS: readonly BinaryOperator[] = [
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'glob',
  'iglob',
  'regex',
  'in',
  'intersects',
  'pmatch',
];

export interface UnaryCheckExpr {
  kind: 'unary_check';
  left: FieldOperand;
  operator: UnaryOperator;
  pos: Position;
}

/**
 * libsinsp's comparison modifiers: the operator is applied to each right-hand value and the check
 * holds when it holds for any (`anyof`), all (`allof`) or exactly one (`oneof`) of them.
 */
export type ComparisonModifier = 'anyof' | 'allof' | 'oneof';

export interface BinaryCheckExpr {
  kind: 'binary_check';
  left: FieldOperand;
  operator: BinaryOperator;
  /** Set when the operator carries a modifier (`proc.name startswith anyof (a, b)`). */
  modifier?: ComparisonModifier;
  right: ValueOperand;
  pos: Position;
}

/** A field as written: `proc.name`, `proc.aname[2]`, `proc.env[HOME]`, `evt.arg.flags` (name only). */
export interface FieldRef {
  kind: 'field';
  /** The whole dotted name as written; the compiler resolves it against the source's field table. */
  name: string;
  /** The text inside `[...]`, when present. */
  arg?: string;
  pos: Position;
}

export type TransformerName = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len' | 'join' | 'concat' | 'getopt';

export const TRANSFORMERS: readonly TransformerName[] = ['tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'];

/** A transformer applied to its arguments: `tolower(proc.name)`, `join(",", (proc.name, proc.pname))`. */
export interface TransformerExpr {
  kind: 'transformer';
  name: TransformerName;
  args: TransformerArg[];
  pos: Position;
}

/** `(a, b)` inside a transformer's arguments. */
export interface TransformerList {
  kind: 'transformer_list';
  items: (FieldOperand | ValueLiteral)[];
  pos: Position;
}

/** What a transformer accepts: a field, another transformer, a quoted string or number, or a list. */
export type TransformerArg = FieldOperand | ValueLiteral | TransformerList;

export type FieldOperand = FieldRef | TransformerExpr;

/**
 * A literal value: bare word, number or quoted string, already unescaped. On the right of a list
 * operator a bare identifier (`proc.name in shell_binaries`) is also a value: a list name for the loader.
 */
export interface ValueLiteral {
  kind: 'value';
  value: string;
  /** Whether it was written in quotes (a quoted word is never a list name). */
  quoted: boolean;
  pos: Position;
}

/** `(a, b, "c d")`: items are literals; a bare item may name a list, expanded by the loader. */
export interface ListLiteral {
  kind: 'list';
  values: ValueLiteral[];
  pos: Position;
}

/**
 * Another field of the same event on the right: `val(proc.pname)` (operand is a field) or a
 * transformer such as `tolower(proc.pname)` (operand is the transformer).
 */
export interface FieldValue {
  kind: 'field_value';
  operand: FieldOperand;
  pos: Position;
}

export type ValueOperand = ValueLiteral | ListLiteral | FieldValue;
