/**
 * Macro and list expansion as AST transforms. Lists: a bare (unquoted) value naming a list, inside a
 * list literal or alone on the right of a list operator, becomes the list's items. Macros: an
 * identifier naming a visible macro becomes a copy of the macro's (already list-expanded) AST, moved
 * to the identifier's position so that later errors point at the reference.
 */
import type { Expr, ListLiteral, Position, ValueLiteral, ValueOperand } from '../ast.js';

const LIST_OPERATORS: ReadonlySet<string> = new Set(['in', 'intersects', 'pmatch']);

/** A macro reference that cannot be expanded, with Falco's message. */
export class ExpansionError extends Error {
  constructor(
    message: string,
    readonly pos: Position,
  ) {
    super(message);
    this.name = 'ExpansionError';
  }
}

/** Expanded conditions larger than this many nodes are rejected instead of exhausting memory. */
export const MAX_EXPANDED_NODES = 100_000;

/** A list item as Falco substitutes it: quoted items keep their text without the quotes. */
function itemValue(item: string, pos: Position): ValueLiteral {
  const quote = item[0];
  if ((quote === '"' || quote === "'") && item.length >= 2 && item.endsWith(quote)) {
    return { kind: 'value', value: item.slice(1, -1), quoted: true, pos };
  }
  return { kind: 'value', value: item, quoted: true, pos };
}

/** Replaces list names in a condition; `used` receives the name of every list substituted. */
export function expandLists(expr: Expr, lists: ReadonlyMap<string, readonly string[]>, used: (name: string) => void): Expr {
  if (lists.size === 0) return expr;
  const expandItems = (values: readonly ValueLiteral[]): ValueLiteral[] =>
    values.flatMap((v) => {
      const items = v.quoted ? undefined : lists.get(v.value);
      if (!items) return [v];
      used(v.value);
      return items.map((item) => itemValue(item, v.pos));
    });
  const right = (operator: string, value: ValueOperand): ValueOperand => {
    if (value.kind === 'list') return { ...value, values: expandItems(value.values) };
    if (value.kind === 'value' && !value.quoted && LIST_OPERATORS.has(operator) && lists.has(value.value)) {
      const list: ListLiteral = { kind: 'list', values: expandItems([value]), pos: value.pos };
      return list;
    }
    return value;
  };
  const walk = (node: Expr): Expr => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { ...node, children: node.children.map(walk) };
      case 'not':
        return { ...node, child: walk(node.child) };
      case 'binary_check':
        return { ...node, right: right(node.operator, node.right) };
      default:
        return node;
    }
  };
  return walk(expr);
}

/** Deep copy of an expression with every position set to `pos`. */
function moved<T>(value: T, pos: Position, budget: { nodes: number }): T {
  if (Array.isArray(value)) return value.map((v: unknown) => moved(v, pos, budget)) as T;
  if (value === null || typeof value !== 'object') return value;
  if (--budget.nodes < 0) throw new ExpansionError('Condition is too large after expanding its macros', pos);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = key === 'pos' ? pos : moved(v, pos, budget);
  return out as T;
}

/** State shared by the expansions of one compile. */
export class ExpansionState {
  /** Fully expanded macro bodies: substituted as they are, shared, never walked again. */
  readonly expanded = new WeakSet<Expr>();
  /** Tree size of shared subtrees (a shared subtree counts once per use). */
  private readonly sizes = new WeakMap<Expr, number>();

  size(expr: Expr): number {
    const known = this.sizes.get(expr);
    if (known !== undefined) return known;
    let size = 1;
    if (expr.kind === 'and' || expr.kind === 'or') for (const child of expr.children) size += this.size(child);
    else if (expr.kind === 'not') size += this.size(expr.child);
    this.sizes.set(expr, size);
    return size;
  }
}

/** How an expansion treats macro bodies. */
export interface ExpandOptions {
  /** Largest tree (counting every use of a shared macro body) the expansion may produce. */
  maxNodes: number;
  state: ExpansionState;
  /**
   * Copy each macro body to the referencing identifier's position, so that a compile error inside it
   * points at the reference. Slower (every use is copied); used to place an error once one happened.
   */
  movePositions?: boolean;
}

/**
 * Replaces macro references. `macros` looks up what is visible from this condition; a macro's body is
 * expanded in turn (so a reference loop is found), and `resolved` receives each macro expanded.
 */
export function expandMacros(expr: Expr, macros: (name: string) => Expr | undefined, resolved: (name: string) => void, options: ExpandOptions): Expr {
  const { state } = options;
  const budget = { nodes: options.maxNodes };
  const path: string[] = [];
  const walk = (node: Expr): Expr => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { ...node, children: node.children.map(walk) };
      case 'not':
        return { ...node, child: walk(node.child) };
      case 'identifier': {
        const body = macros(node.name);
        if (!body) throw new ExpansionError(`Undefined macro '${node.name}' used in filter.`, node.pos);
        if (path.includes(node.name)) throw new ExpansionError(`reference loop in macro '${node.name}'`, node.pos);
        let expanded: Expr;
        if (options.movePositions) {
          path.push(node.name);
          expanded = walk(moved(body, node.pos, budget));
          path.pop();
        } else if (state.expanded.has(body)) {
          budget.nodes -= state.size(body);
          if (budget.nodes < 0) throw new ExpansionError('Condition is too large after expanding its macros', node.pos);
          expanded = body;
        } else {
          path.push(node.name);
          expanded = walk(body);
          path.pop();
        }
        resolved(node.name);
        return expanded;
      }
      default:
        return node;
    }
  };
  const result = walk(expr);
  if (!options.movePositions && state.size(result) > options.maxNodes) {
    throw new ExpansionError('Condition is too large after expanding its macros', expr.pos);
  }
  return result;
}
