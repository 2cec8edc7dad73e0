import type { BinaryCheckExpr, ComparisonModifier, Expr, ListLiteral, Position, ValueLiteral } from '../ast.js';
import type { FieldTable, FieldValue } from '../fields.js';
import { CompileError } from './compile-error.js';
import { conditionEventTypes } from './evttypes.js';
import { flattenOperands } from './flatten.js';
import { conditionGuards, type FieldGuard } from './guards.js';
import { FAMILIES, LIST_TYPES, type DynamicTest, type Family, type Op, type Predicate } from './families.js';
import { compileOperand, type Operand } from './operand.js';
import { unsafeNaChecks, type CompileWarning } from './warnings.js';

/** A condition compiled to closures against one field table. */
export interface CompiledCondition<E> {
  /** Evaluates the condition on one event. */
  matches(event: E): boolean;
  /** The event types the condition can match; undefined when it can match every type. */
  eventTypes: ReadonlySet<string> | undefined;
  /** Non-fatal findings (Falco's load warnings). */
  warnings: CompileWarning[];
  /**
   * Values some fields must have for the condition to hold (see FieldGuard), for indexing rules of
   * sources without event types; empty for sources that have them (the event-type index serves those).
   */
  guards: readonly FieldGuard<E>[];
}

type Test<E> = (event: E) => boolean;

/** Falco warns about rules whose event-type set is empty or larger than this. */
const MAX_EVENT_TYPES = 100;

/**
 * Deepest nesting of and/or/not (after merging same-kind chains) that compiles. Evaluation recurses
 * once per level, so a bound here keeps a hostile rule from overflowing the stack at event time.
 */
export const MAX_COMPILED_DEPTH = 1500;

/**
 * Compiles a condition whose macros and lists have been expanded. Throws CompileError (code
 * SAKER_ERR_COMPILE) with the position of the offending node and a stable reason.
 */
export function compileCondition<E>(expr: Expr, table: FieldTable<E>): CompiledCondition<E> {
  let matches: Test<E>;
  try {
    matches = compileExpr(expr, table, 0);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new CompileError('too_deep', 'condition is nested too deeply to compile', expr.pos, { cause: error });
    }
    throw error;
  }
  const eventTypes = conditionEventTypes(expr, table.eventTypes);
  const warnings: CompileWarning[] = [];
  const na = unsafeNaChecks(expr);
  if (na[0]) warnings.push(na[0]);
  if (table.eventTypes.size > 0 && (eventTypes === undefined || eventTypes.size === 0 || eventTypes.size > MAX_EVENT_TYPES)) {
    warnings.push({ code: 'LOAD_NO_EVTTYPE', message: 'Rule matches too many evt.type values. This has a significant performance penalty.' });
  }
  const guards = table.eventTypes.size === 0 ? conditionGuards(expr, table) : [];
  return { matches, eventTypes, warnings, guards };
}

function all<E>(tests: Test<E>[]): Test<E> {
  const [a, b, c] = tests;
  // Small fixed arities avoid the loop: most conditions are short and/or chains.
  if (tests.length === 1 && a) return a;
  if (tests.length === 2 && a && b) return (e) => a(e) && b(e);
  if (tests.length === 3 && a && b && c) return (e) => a(e) && b(e) && c(e);
  return (e) => {
    for (const t of tests) if (!t(e)) return false;
    return true;
  };
}

function any<E>(tests: Test<E>[]): Test<E> {
  const [a, b, c] = tests;
  if (tests.length === 1 && a) return a;
  if (tests.length === 2 && a && b) return (e) => a(e) || b(e);
  if (tests.length === 3 && a && b && c) return (e) => a(e) || b(e) || c(e);
  return (e) => {
    for (const t of tests) if (t(e)) return true;
    return false;
  };
}

function compileExpr<E>(expr: Expr, table: FieldTable<E>, depth: number): Test<E> {
  if (depth > MAX_COMPILED_DEPTH) throw new CompileError('too_deep', `condition is nested deeper than ${MAX_COMPILED_DEPTH} levels`, expr.pos);
  // Chains of `not` are folded iteratively, so `not not … x` costs one closure at most.
  let negate = false;
  let node = expr;
  while (node.kind === 'not') {
    negate = !negate;
    node = node.child;
  }
  let test: Test<E>;
  switch (node.kind) {
    case 'and':
      test = all(flattenOperands(node).map((child) => compileExpr(child, table, depth + 1)));
      break;
    case 'or':
      test = any(flattenOperands(node).map((child) => compileExpr(child, table, depth + 1)));
      break;
    case 'identifier':
      throw new CompileError('undefined_identifier', `undefined macro '${node.name}' used in filter.`, node.pos);
    case 'unary_check': {
      const left = compileOperand(node.left, table);
      const extract = left.extract;
      test = (e) => extract(e) !== undefined;
      break;
    }
    case 'binary_check':
      test = compileBinaryCheck(node, table);
      break;
  }
  if (!negate) return test;
  const inner = test;
  return (e) => !inner(e);
}

function operatorError(op: string, left: Operand<unknown>, pos: Position): CompileError {
  const type = left.list ? `${left.type} (list)` : left.type;
  return new CompileError('bad_operator_for_type', `'${op}' operator not supported for field '${left.text}' of type '${type}'`, pos);
}

function literalValues(right: ValueLiteral | ListLiteral): { values: string[]; positions: Position[] } {
  if (right.kind === 'value') return { values: [right.value], positions: [right.pos] };
  return { values: right.values.map((v) => v.value), positions: right.values.map((v) => v.pos) };
}

function compileBinaryCheck<E>(node: BinaryCheckExpr, table: FieldTable<E>): Test<E> {
  const op: Op = node.operator === '==' ? '=' : node.operator;
  const left = compileOperand(node.left, table);
  const family = FAMILIES[left.type];
  if (left.list) {
    if (op !== 'in' && op !== 'intersects') throw operatorError(op, left as Operand<unknown>, node.pos);
    if (!LIST_TYPES.has(left.type)) throw operatorError(op, left as Operand<unknown>, node.pos);
  } else if (!family.ops.has(op)) {
    throw operatorError(op, left as Operand<unknown>, node.pos);
  }
  const extract = left.extract;
  const right = node.right;

  if (right.kind === 'field_value') return compileFieldComparison(node, op, left, compileOperand(right.operand, table));

  if (node.modifier) return compileModifiedCheck(node, op, left, family);

  const multi = op === 'in' || op === 'intersects' || op === 'pmatch';
  if (right.kind === 'list' && !multi) {
    throw new CompileError('bad_value', `operator '${op}' takes a single value, not a list`, right.pos);
  }
  const { values, positions } = literalValues(right);
  if (left.list) {
    // A list field `in (…)` when every element is in the set; `intersects` when any is.
    const element = family.literal('in', values, positions);
    const every = op === 'in';
    return (e) => {
      const value = extract(e);
      if (value === undefined) return false;
      if (!Array.isArray(value)) return element(value);
      for (const item of value as readonly FieldValue[]) if (element(item) !== every) return !every;
      return every;
    };
  }
  const predicate: Predicate = family.literal(op, values, positions);
  // A multi-valued field (proc.aname without index, fd.ip) holds when any value does; fd.ip's `!=`
  // holds only when every value differs.
  const every = op === '!=' && left.multiValue === 'any-eq-all-ne';
  return (e) => {
    const value = extract(e);
    if (value === undefined) return false;
    if (!Array.isArray(value)) return predicate(value);
    for (const item of value as readonly FieldValue[]) if (predicate(item) !== every) return !every;
    return every && value.length > 0;
  };
}

/**
 * `left op anyof|allof|oneof (v1, v2, …)`: the operator is tested against each value on its own, and
 * the check holds when any, all, or exactly one of those tests holds (libsinsp's modifiers).
 */
function compileModifiedCheck<E>(node: BinaryCheckExpr, op: Op, left: Operand<E>, family: Family): Test<E> {
  const right = node.right;
  if (right.kind === 'field_value') throw new CompileError('bad_field_value', `a modifier takes literal values, not a field`, right.pos);
  if (left.list) throw operatorError(`${op} ${node.modifier ?? ''}`, left as Operand<unknown>, node.pos);
  const { values, positions } = literalValues(right);
  if (values.length === 0) return () => false;
  const tests = values.map((value, i) => family.literal(op, [value], [positions[i] as Position]));
  const combine = MODIFIERS[node.modifier ?? 'anyof'];
  const extract = left.extract;
  return (e) => {
    const value = extract(e);
    if (value === undefined) return false;
    if (!Array.isArray(value)) return combine(tests, value);
    for (const item of value as readonly FieldValue[]) if (combine(tests, item)) return true;
    return false;
  };
}

const MODIFIERS: Readonly<Record<ComparisonModifier, (tests: readonly Predicate[], value: FieldValue) => boolean>> = {
  anyof: (tests, value) => tests.some((t) => t(value)),
  allof: (tests, value) => tests.every((t) => t(value)),
  oneof: (tests, value) => {
    let hits = 0;
    for (const t of tests) if (t(value) && ++hits > 1) return false;
    return hits === 1;
  },
};

/** `left op val(right)`: both sides are extracted per event; a missing side makes the check false. */
function compileFieldComparison<E>(node: BinaryCheckExpr, op: Op, left: Operand<E>, right: Operand<E>): Test<E> {
  if (op === 'pmatch' || op === 'regex') {
    throw new CompileError('bad_field_value', `operator '${op}' doesn't support right-hand side fields`, node.right.pos);
  }
  if (left.type !== right.type || left.list !== right.list) {
    const describe = (o: Operand<E>): string => `${o.type}${o.list ? ' (list)' : ''}`;
    throw new CompileError(
      'bad_field_value',
      `field '${left.text}' has type '${describe(left)}' while the right-hand side field '${right.text}' has incompatible type '${describe(right)}'`,
      node.right.pos,
    );
  }
  const test: DynamicTest | undefined = FAMILIES[left.type].dynamic(op);
  if (!test) throw new CompileError('bad_field_value', `field type '${left.type}' doesn't support right-hand side fields with '${op}'`, node.right.pos);
  const lx = left.extract;
  const rx = right.extract;
  const multi = op === 'in' || op === 'intersects';
  return (e) => {
    const l = lx(e);
    if (l === undefined) return false;
    const r = rx(e);
    if (r === undefined) return false;
    if (!multi) return Array.isArray(l) || Array.isArray(r) ? false : test(l, r);
    const ls = Array.isArray(l) ? (l as readonly FieldValue[]) : [l];
    const rs = Array.isArray(r) ? (r as readonly FieldValue[]) : [r];
    const member = (x: FieldValue): boolean => rs.some((y) => test(x, y));
    return op === 'in' ? ls.every(member) : ls.some(member);
  };
}
