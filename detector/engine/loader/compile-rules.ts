/**
 * Compiles what the collector holds, as Falco's rule compiler does after each file: lists (expanding
 * earlier lists), macros (parsed, lists expanded, earlier macros expanded), then each rule (exceptions
 * applied, parsed, expanded, compiled against its source's field table, output checked). The first
 * error ends the compile; unused macros and lists are reported at the end.
 */
import type { Priority } from '../../../contract/index.js';
import type { Expr } from '../ast.js';
import { ConditionSyntaxError, parseCondition, printCondition } from '../condition/index.js';
import { CompileError, compileCondition, type CompiledCondition } from '../eval/index.js';
import type { FieldTable } from '../fields.js';
import { OutputCompileError, compileOutput, type CompiledOutput } from '../output/index.js';
import type { Collector, FieldTables } from './collector.js';
import type { ConditionText } from './condition-text.js';
import { DEPRECATED_FIELDS, deprecatedFieldsIn, deprecatedFieldsInOutput } from './deprecated.js';
import { applyExceptions } from './exceptions.js';
import { ExpansionError, ExpansionState, MAX_EXPANDED_NODES, expandLists, expandMacros } from './expand.js';
import { LoadFailure } from './failure.js';
import type { RuleInfo } from './infos.js';
import type { FileLoadResult } from './result.js';

/** A rule ready to evaluate. */
export interface LoadedRule {
  name: string;
  source: string;
  priority: Priority;
  description: string;
  enabled: boolean;
  /** Sorted, as Falco keeps them. */
  tags: string[];
  /** The output format as written (after appends). */
  output: string;
  /** The condition after exceptions, lists and macros: what is compiled. */
  expandedCondition: Expr;
  /** The compiled condition: a matcher and the event types it can match. */
  condition: CompiledCondition<unknown>;
  formatter: CompiledOutput<unknown>;
  /** Fields the rule's exceptions compare. */
  exceptionFields: string[];
  table: FieldTable<unknown>;
}

const UNKNOWN_FIELD_REASONS: ReadonlySet<string> = new Set(['unknown_field']);

/**
 * Work shared by the compiles of one load. Falco recompiles everything after each file, so without
 * it the first file's rules would be parsed and compiled once per file loaded. Parsing and compiling
 * are pure, so equal inputs can share results.
 */
export class CompileCache {
  readonly parsed = new Map<string, Expr>();
  readonly conditions = new Map<string, CompiledCondition<unknown>>();
  readonly outputs = new Map<string, CompiledOutput<unknown>>();
}

function parseAt(cond: ConditionText, cache: CompileCache): Expr {
  const cached = cache.parsed.get(cond.text);
  if (cached) return cached;
  try {
    const expr = parseCondition(cond.text);
    cache.parsed.set(cond.text, expr);
    return expr;
  } catch (error) {
    if (error instanceof ConditionSyntaxError) {
      throw new LoadFailure('LOAD_ERR_COMPILE_CONDITION', error.message, cond.contextAt(error.pos.offset));
    }
    // The parser bounds its own depth; anything else (a stack overflow) is still a condition error.
    throw new LoadFailure('LOAD_ERR_COMPILE_CONDITION', `Condition could not be parsed: ${(error as Error).message}`, cond.contextAt(0));
  }
}

function expandAt(
  cond: ConditionText,
  expr: Expr,
  macros: (name: string) => Expr | undefined,
  resolved: (name: string) => void,
  state: ExpansionState,
): Expr {
  try {
    return expandMacros(expr, macros, resolved, { maxNodes: MAX_EXPANDED_NODES, state });
  } catch (error) {
    if (error instanceof ExpansionError) throw new LoadFailure('LOAD_ERR_VALIDATE', error.message, cond.contextAt(error.pos.offset));
    if (error instanceof RangeError) throw new LoadFailure('LOAD_ERR_VALIDATE', 'Condition is nested too deeply after expanding its macros', cond.contextAt(0));
    throw error;
  }
}

/** Lists with earlier lists expanded in place, and which lists other lists use. */
function compileLists(collector: Collector, used: Set<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const list of collector.lists.ordered) {
    const items: string[] = [];
    for (const item of list.items) {
      const ref = collector.lists.get(item);
      if (ref && ref.index < list.visibility) {
        used.add(ref.name);
        items.push(...(out.get(ref.name) ?? ref.items));
      } else {
        items.push(item);
      }
    }
    out.set(list.name, items);
  }
  return out;
}

function compileMacros(
  collector: Collector,
  lists: ReadonlyMap<string, readonly string[]>,
  usedLists: Set<string>,
  usedMacros: Set<string>,
  cache: CompileCache,
  state: ExpansionState,
): Map<string, Expr> {
  const raw = new Map<string, Expr>();
  for (const macro of collector.macros.ordered) {
    raw.set(macro.name, expandLists(parseAt(macro.cond, cache), lists, (name) => usedLists.add(name)));
  }
  const resolved = new Map<string, Expr>();
  for (const macro of collector.macros.ordered) {
    // A macro sees the macros first defined before its latest definition or append.
    const visible = (name: string): Expr | undefined => {
      const other = collector.macros.get(name);
      if (!other || other.index >= macro.visibility) return undefined;
      return resolved.get(name) ?? raw.get(name);
    };
    const expanded = expandAt(macro.cond, raw.get(macro.name) as Expr, visible, (name) => usedMacros.add(name), state);
    state.expanded.add(expanded);
    resolved.set(macro.name, expanded);
  }
  return resolved;
}

interface RuleCompileEnv {
  tables: FieldTables;
  lists: ReadonlyMap<string, readonly string[]>;
  macros: ReadonlyMap<string, Expr>;
  usedLists: Set<string>;
  usedMacros: Set<string>;
  result: FileLoadResult;
  cache: CompileCache;
  state: ExpansionState;
}

/** The printed condition as a cache key, or undefined when it is too deep to print. */
function cacheKey(source: string, condition: Expr): string | undefined {
  try {
    return `${source}\u0000${printCondition(condition)}`;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * Macro bodies are shared, so their positions are relative to the macro's own text. To place an error
 * inside one, expand again with every body moved to its reference and compile that copy.
 */
function placeCompileError(error: CompileError, parsed: Expr, lookup: (name: string) => Expr | undefined, table: FieldTable<unknown>): CompileError {
  try {
    const copy = expandMacros(parsed, lookup, () => undefined, { maxNodes: MAX_EXPANDED_NODES, state: new ExpansionState(), movePositions: true });
    compileCondition(copy, table);
  } catch (placed) {
    if (placed instanceof CompileError) return placed;
  }
  return error;
}

function isUnknownField(error: unknown): boolean {
  return (error instanceof CompileError || error instanceof OutputCompileError) && UNKNOWN_FIELD_REASONS.has(error.reason);
}

function compileRule(rule: RuleInfo, env: RuleCompileEnv): LoadedRule | undefined {
  const table = env.tables.get(rule.source) as FieldTable<unknown>;
  const { cond, fields: exceptionFields } = applyExceptions(rule.cond, rule.exceptions);

  let formatter: CompiledOutput<unknown>;
  const outputKey = `${rule.source}\u0000${rule.output}`;
  try {
    formatter = env.cache.outputs.get(outputKey) ?? compileOutput(rule.output, table);
    env.cache.outputs.set(outputKey, formatter);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    if (isUnknownField(error) && rule.skipIfUnknownFilter) {
      env.result.addWarning('LOAD_UNKNOWN_FILTER', error.message, rule.outputCtx);
      return undefined;
    }
    throw new LoadFailure('LOAD_ERR_COMPILE_OUTPUT', error.message, rule.outputCtx);
  }
  for (const field of deprecatedFieldsInOutput(rule.output)) {
    env.result.addWarning('LOAD_DEPRECATED_ITEM', `usage of deprecated field '${field}' has been detected in the rule output`, rule.outputCtx);
  }

  const parsed = expandLists(parseAt(cond, env.cache), env.lists, (name) => env.usedLists.add(name));
  const lookup = (name: string): Expr | undefined => env.macros.get(name);
  const condition = expandAt(cond, parsed, lookup, (name) => env.usedMacros.add(name), env.state);
  for (const field of deprecatedFieldsIn(condition)) {
    env.result.addWarning('LOAD_DEPRECATED_ITEM', DEPRECATED_FIELDS.get(field) ?? field, cond.conditionContext());
  }
  let compiled: CompiledCondition<unknown>;
  // Positions matter only for errors, which are never cached; the printed form identifies the condition.
  const conditionKey = cacheKey(rule.source, condition);
  try {
    compiled = (conditionKey === undefined ? undefined : env.cache.conditions.get(conditionKey)) ?? compileCondition(condition, table);
    if (conditionKey !== undefined) env.cache.conditions.set(conditionKey, compiled);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    const ctx = cond.contextAt(placeCompileError(error, parsed, lookup, table).pos.offset);
    if (isUnknownField(error) && rule.skipIfUnknownFilter) {
      env.result.addWarning('LOAD_UNKNOWN_FILTER', error.message, ctx);
      return undefined;
    }
    throw new LoadFailure('LOAD_ERR_COMPILE_CONDITION', error.message, ctx);
  }
  for (const warning of compiled.warnings) {
    if (warning.code === 'LOAD_NO_EVTTYPE') {
      // Falco checks event types of syscall rules only, and `warn_evttypes: false` silences it.
      if (rule.source === 'syscall' && rule.warnEvttypes) env.result.addWarning(warning.code, warning.message, rule.ctx);
    } else {
      env.result.addWarning(warning.code, warning.message, warning.pos ? cond.contextAt(warning.pos.offset) : rule.ctx);
    }
  }
  return {
    name: rule.name,
    source: rule.source,
    priority: rule.priority,
    description: rule.desc,
    enabled: rule.enabled,
    tags: [...rule.tags].sort(),
    output: rule.output,
    expandedCondition: condition,
    condition: compiled,
    formatter,
    exceptionFields,
    table,
  };
}

/**
 * Compiles everything collected so far. Errors and warnings go to `result` (the file being loaded);
 * returns the compiled rules, or undefined when an error stopped the compile.
 */
export function compileCollected(
  collector: Collector,
  tables: FieldTables,
  result: FileLoadResult,
  cache: CompileCache = new CompileCache(),
): LoadedRule[] | undefined {
  const usedLists = new Set<string>();
  const usedMacros = new Set<string>();
  const rules: LoadedRule[] = [];
  try {
    const lists = compileLists(collector, usedLists);
    const state = new ExpansionState();
    const macros = compileMacros(collector, lists, usedLists, usedMacros, cache, state);
    const env: RuleCompileEnv = { tables, lists, macros, usedLists, usedMacros, result, cache, state };
    for (const rule of collector.rules.ordered) {
      if (rule.unknownSource) continue;
      const loaded = compileRule(rule, env);
      if (loaded) rules.push(loaded);
    }
  } catch (error) {
    if (!(error instanceof LoadFailure)) throw error;
    result.addError(error.code, error.message, error.ctx);
    return undefined;
  }
  for (const macro of collector.macros.ordered) {
    if (!usedMacros.has(macro.name)) result.addWarning('LOAD_UNUSED_MACRO', 'Macro not referred to by any other rule/macro', macro.ctx);
  }
  for (const list of collector.lists.ordered) {
    if (!usedLists.has(list.name)) result.addWarning('LOAD_UNUSED_LIST', 'List not referred to by any other rule/macro', list.ctx);
  }
  return rules;
}
