import type { Expr, Position } from '../ast.js';

/** A non-fatal finding about a condition, with Falco's warning code. */
export interface CompileWarning {
  code: 'LOAD_NO_EVTTYPE' | 'LOAD_UNSAFE_NA_CHECK';
  message: string;
  /** Where in the condition, when the warning is about one check. */
  pos?: Position;
}

const NA = '<NA>';
const EQUALITY_OPERATORS: ReadonlySet<string> = new Set(['=', '==', '!=', 'in', 'intersects', 'pmatch']);

/**
 * Falco's unsafe-`<NA>` check: a k8s-audit (`ka.`) or JSON (`jevt.`) field compared for equality with
 * the literal `<NA>`, which those sources never produce for a missing value.
 */
export function unsafeNaChecks(expr: Expr): CompileWarning[] {
  const warnings: CompileWarning[] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    switch (node.kind) {
      case 'and':
      case 'or':
        stack.push(...node.children);
        break;
      case 'not':
        stack.push(node.child);
        break;
      case 'binary_check': {
        const left = node.left;
        const unsafe = left.kind === 'field' && (left.name.startsWith('ka.') || left.name.startsWith('jevt.'));
        if (!unsafe || !EQUALITY_OPERATORS.has(node.operator)) break;
        const right = node.right;
        const values = right.kind === 'value' ? [right.value] : right.kind === 'list' ? right.values.map((v) => v.value) : [];
        if (values.includes(NA)) {
          warnings.push({ code: 'LOAD_UNSAFE_NA_CHECK', message: 'Unsafe <NA> comparison in condition', pos: node.pos });
        }
        break;
      }
      default:
        break;
    }
  }
  return warnings;
}
