import type { AndExpr, Expr, OrExpr } from '../ast.js';

/**
 * The operands of an `and` (or an `or`), with nested nodes of the same kind merged in, in order:
 * `((a and b) and c)` has the operands a, b, c. Macro chains nest this way thousands of levels deep;
 * merging them iteratively keeps compilation and evaluation off the call stack. The result is the
 * same: `and`/`or` are associative and the left-to-right order is kept.
 */
export function flattenOperands(node: AndExpr | OrExpr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [];
  for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as Expr);
  while (stack.length > 0) {
    const child = stack.pop() as Expr;
    if (child.kind === node.kind) {
      for (let i = child.children.length - 1; i >= 0; i--) stack.push(child.children[i] as Expr);
    } else {
      out.push(child);
    }
  }
  return out;
}
