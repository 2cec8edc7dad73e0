import type { Expr, FieldOperand, TransformerArg, ValueLiteral, ValueOperand } from '../ast.js';
import { escapeValue } from './escaping.js';

/*
 * The canonical form of a condition, as libsinsp prints its AST: `and`/`or` nodes in parentheses,
 * `not x`, `field op value`, lists as `(a, b)`, values quoted only when they must be.
 */

type Printable = Expr | TransformerArg | ValueOperand;

const PRINTERS: { [K in Printable['kind']]: (node: Extract<Printable, { kind: K }>) => string } = {
  and: (node) => `(${node.children.map(print).join(' and ')})`,
  or: (node) => `(${node.children.map(print).join(' or ')})`,
  not: (node) => `not ${print(node.child)}`,
  identifier: (node) => node.name,
  unary_check: (node) => `${print(node.left)} ${node.operator}`,
  binary_check: (node) => `${print(node.left)} ${node.operator} ${node.modifier ? `${node.modifier} ` : ''}${print(node.right)}`,
  field: (node) => (node.arg === undefined || node.arg === '' ? node.name : `${node.name}[${escapeValue(node.arg)}]`),
  transformer: (node) => `${node.name}(${node.args.map(print).join(', ')})`,
  transformer_list: (node) => `(${node.items.map(print).join(', ')})`,
  value: (node: ValueLiteral) => escapeValue(node.value),
  list: (node) => `(${node.values.map((v) => escapeValue(v.value)).join(', ')})`,
  field_value: (node) => (node.operand.kind === 'field' ? `val(${print(node.operand)})` : print(node.operand as FieldOperand)),
};

function print(node: Printable): string {
  return (PRINTERS[node.kind] as (n: Printable) => string)(node);
}

/** Prints a condition AST in libsinsp's canonical form. */
export function printCondition(expr: Expr): string {
  return print(expr);
}
