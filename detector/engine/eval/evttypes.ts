import type { Expr, ValueOperand } from '../ast.js';
import { flattenOperands } from './flatten.js';

/**
 * The event types a condition can match, computed as libsinsp's filter_evttype_resolver does: only
 * `evt.type` checks with `=`, `==`, `!=` and `in` restrict; `and` intersects, `or` unites, `not` and
 * `!=` complement over all types, except that the set of all types is never complemented. Any other
 * check can match every type.
 *
 * Returns undefined when the condition can match every type (or the source has no event types).
 */
export function conditionEventTypes(expr: Expr, universe: ReadonlySet<string>): ReadonlySet<string> | undefined {
  if (universe.size === 0) return undefined;
  const result = typesOf(expr, universe);
  return result === ALL || result.size === universe.size ? undefined : result;
}

/** Every type of the source, without materializing the set (most checks are not on evt.type). */
const ALL: unique symbol = Symbol('all event types');
type Types = ReadonlySet<string> | typeof ALL;

function complement(types: Types, universe: ReadonlySet<string>): Types {
  if (types === ALL || types.size === universe.size) return types;
  const out = new Set<string>();
  for (const t of universe) if (!types.has(t)) out.add(t);
  return out;
}

function valueTypes(value: ValueOperand, universe: ReadonlySet<string>): Types {
  const names = value.kind === 'value' ? [value.value] : value.kind === 'list' ? value.values.map((v) => v.value) : undefined;
  if (!names) return ALL;
  const out = new Set<string>();
  for (const name of names) if (universe.has(name)) out.add(name);
  return out;
}

function typesOf(expr: Expr, universe: ReadonlySet<string>): Types {
  // A chain of `not` is walked iteratively: conditions may nest deeply.
  let negations = 0;
  let node = expr;
  while (node.kind === 'not') {
    negations++;
    node = node.child;
  }
  let types: Types;
  switch (node.kind) {
    case 'and': {
      let acc: Types = ALL;
      for (const child of flattenOperands(node)) {
        const childTypes = typesOf(child, universe);
        if (childTypes === ALL) continue;
        if (acc === ALL) {
          acc = childTypes;
          continue;
        }
        const next = new Set<string>();
        for (const t of acc) if (childTypes.has(t)) next.add(t);
        acc = next;
      }
      types = acc;
      break;
    }
    case 'or': {
      const acc = new Set<string>();
      let all = false;
      for (const child of flattenOperands(node)) {
        const childTypes = typesOf(child, universe);
        if (childTypes === ALL) {
          all = true;
          break;
        }
        for (const t of childTypes) acc.add(t);
      }
      types = all ? ALL : acc;
      break;
    }
    case 'binary_check': {
      const left = node.left;
      const isEvtType = left.kind === 'field' && left.name === 'evt.type' && left.arg === undefined;
      const op = node.operator;
      if (isEvtType && (op === '=' || op === '==' || op === '!=' || op === 'in')) {
        const named = valueTypes(node.right, universe);
        types = op === '!=' ? complement(named, universe) : named;
      } else {
        types = ALL;
      }
      break;
    }
    default:
      types = ALL;
  }
  for (let i = 0; i < negations; i++) types = complement(types, universe);
  return types;
}
