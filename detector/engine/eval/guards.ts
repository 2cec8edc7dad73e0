import type { BinaryCheckExpr, Expr } from '../ast.js';
import type { Extractor, FieldTable } from '../fields.js';
import { flattenOperands } from './flatten.js';
import { compileOperand } from './operand.js';

/**
 * A necessary condition of a rule: whenever the rule's condition holds, `field` extracts to a
 * string in `values`. An event whose value is another string, or that has no value, cannot match
 * the rule, so an index may skip the rule for it without evaluating anything.
 */
export interface FieldGuard<E> {
  /** The field as written (`ka.target.resource`, `json.value[/verb]`): guards of one name read one value. */
  field: string;
  values: ReadonlySet<string>;
  extract: Extractor<E>;
}

/** How deep the search goes through alternating and/or; deeper parts just add no guard. */
const MAX_GUARD_DEPTH = 32;

/** Fields looked at per condition: bounds the work on a condition that compares hundreds of fields. */
const MAX_GUARDED_FIELDS = 8;

const EQUALITY: ReadonlySet<string> = new Set(['=', '==', 'in']);

interface EqualityCheck<E> {
  field: string;
  values: string[];
  extract: Extractor<E>;
}

/** Each check node read once, however many fields are looked for. */
type CheckCache<E> = Map<Expr, EqualityCheck<E> | undefined>;

/** An equality test of a plain string field against literals: the only kind of check a guard is read from. */
function equalityCheck<E>(node: Expr, table: FieldTable<E>, cache: CheckCache<E>): EqualityCheck<E> | undefined {
  if (cache.has(node)) return cache.get(node);
  const check = readEqualityCheck(node, table);
  cache.set(node, check);
  return check;
}

function readEqualityCheck<E>(node: Expr, table: FieldTable<E>): EqualityCheck<E> | undefined {
  if (node.kind !== 'binary_check' || node.modifier !== undefined || !EQUALITY.has(node.operator) || node.left.kind !== 'field') return undefined;
  const right = (node as BinaryCheckExpr).right;
  if (right.kind === 'field_value') return undefined;
  let operand;
  try {
    operand = compileOperand(node.left, table);
  } catch {
    return undefined;
  }
  // A list or multi-valued field compares element-wise, and other types convert text: only a
  // single string value compares as exact string equality (the string family's `=` and `in`).
  if (operand.type !== 'string' || operand.list || operand.multiValue !== undefined) return undefined;
  const values = right.kind === 'value' ? [right.value] : right.values.map((v) => v.value);
  return { field: operand.text, values, extract: operand.extract };
}

/** The values `field` must take for `expr` to hold, or undefined when `expr` does not restrict it. */
function implied<E>(expr: Expr, field: string, cache: CheckCache<E>, table: FieldTable<E>, depth: number): Set<string> | undefined {
  if (depth > MAX_GUARD_DEPTH) return undefined;
  switch (expr.kind) {
    case 'binary_check': {
      const check = equalityCheck(expr, table, cache);
      return check?.field === field ? new Set(check.values) : undefined;
    }
    case 'and': {
      // Every operand must hold: the restrictions intersect.
      let out: Set<string> | undefined;
      for (const child of flattenOperands(expr)) {
        const values = implied(child, field, cache, table, depth + 1);
        if (values === undefined) continue;
        out = out === undefined ? values : new Set([...out].filter((v) => values.has(v)));
      }
      return out;
    }
    case 'or': {
      // One operand must hold: restricted only when every operand is, to the union.
      const out = new Set<string>();
      for (const child of flattenOperands(expr)) {
        const values = implied(child, field, cache, table, depth + 1);
        if (values === undefined) return undefined;
        for (const v of values) out.add(v);
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Every equality-checked field in `expr`, with an extractor for it. */
function checkedFields<E>(expr: Expr, table: FieldTable<E>, cache: CheckCache<E>): Map<string, Extractor<E>> {
  const found = new Map<string, Extractor<E>>();
  const stack: { node: Expr; depth: number }[] = [{ node: expr, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: Expr; depth: number };
    if (depth > MAX_GUARD_DEPTH) continue;
    if (node.kind === 'and' || node.kind === 'or') {
      for (const child of flattenOperands(node)) stack.push({ node: child, depth: depth + 1 });
      continue;
    }
    const check = equalityCheck(node, table, cache);
    if (check && !found.has(check.field) && found.size < MAX_GUARDED_FIELDS) found.set(check.field, check.extract);
  }
  return found;
}

/**
 * The guards of a compiled condition: for each field the condition compares for equality, the
 * values it must have for the condition to hold, when the and/or structure forces one. `not`
 * subtrees force nothing. Exact by construction: a check `f = x` / `f in (…)` on a plain string
 * field is false for every other string and for a missing value.
 */
export function conditionGuards<E>(expr: Expr, table: FieldTable<E>): FieldGuard<E>[] {
  const guards: FieldGuard<E>[] = [];
  const cache: CheckCache<E> = new Map();
  for (const [field, extract] of checkedFields(expr, table, cache)) {
    const values = implied(expr, field, cache, table, 0);
    if (values !== undefined) guards.push({ field, values, extract });
  }
  return guards;
}
