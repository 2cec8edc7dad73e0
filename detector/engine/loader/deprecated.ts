/**
 * Fields Falco deprecated when the kernel drivers stopped sending enter events: using one in a
 * condition or an output is a LOAD_DEPRECATED_ITEM warning, with Falco's explanation.
 */
import type { Expr, FieldOperand, TransformerArg } from '../ast.js';

const LATENCY = 'field is not available due to the drop of enter events.';

/** Deprecated field → what Falco says about it. */
export const DEPRECATED_FIELDS: ReadonlyMap<string, string> = new Map([
  [
    'evt.dir',
    "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'",
  ],
  ['evt.latency', LATENCY],
  ['evt.latency.s', LATENCY],
  ['evt.latency.ns', LATENCY],
  ['evt.latency.human', LATENCY],
  ['evt.wait_latency', LATENCY],
]);

/** Deprecated fields a condition uses, each once, in the order of the table. */
export function deprecatedFieldsIn(expr: Expr): string[] {
  const found = new Set<string>();
  const seen = new Set<Expr>();
  const operand = (op: FieldOperand | TransformerArg): void => {
    if (op.kind === 'field') {
      if (DEPRECATED_FIELDS.has(op.name)) found.add(op.name);
    } else if (op.kind === 'transformer') {
      for (const arg of op.args) operand(arg);
    } else if (op.kind === 'transformer_list') {
      for (const item of op.items) operand(item);
    }
  };
  const stack: Expr[] = [expr];
  // Macro bodies are shared between uses: visiting each node once keeps this linear.
  while (stack.length > 0) {
    const node = stack.pop() as Expr;
    if (seen.has(node)) continue;
    seen.add(node);
    switch (node.kind) {
      case 'and':
      case 'or':
        for (const child of node.children) stack.push(child);
        break;
      case 'not':
        stack.push(node.child);
        break;
      case 'unary_check':
        operand(node.left);
        break;
      case 'binary_check':
        operand(node.left);
        if (node.right.kind === 'field_value') operand(node.right.operand);
        break;
      default:
        break;
    }
  }
  return [...DEPRECATED_FIELDS.keys()].filter((name) => found.has(name));
}

/** Deprecated fields an output names; Falco looks for the text anywhere in the format. */
export function deprecatedFieldsInOutput(format: string): string[] {
  return [...DEPRECATED_FIELDS.keys()].filter((name) => format.includes(name));
}
