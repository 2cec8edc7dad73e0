/**
 * Rule exceptions become condition text, built exactly as Falco builds it, then parsed with the rest
 * of the condition: `(<condition>) and not (<exception>) and not (…)`.
 *
 * - Scalar `fields` (one field): `(<field> <comp> (v1, v2, …))`, comp defaulting to `in`.
 * - List `fields`: one clause per values row, joined by `or`, each row `( f1 c1 v1 and f2 c2 v2)`;
 *   comps default to `=`; a value that is itself a list prints as `(a, b)`; a scalar value used with
 *   a list operator (`in`, `intersects`, `pmatch`) is parenthesized, so it may name a list.
 * - Values containing a space are double-quoted unless they already start with a quote.
 */
import type { ConditionText } from './condition-text.js';
import { failIf } from './failure.js';
import type { ExceptionEntry, ExceptionInfo } from './infos.js';

const LIST_OPERATORS: ReadonlySet<string> = new Set(['in', 'intersects', 'pmatch']);

function quoteItem(value: string): string {
  return value.includes(' ') && value[0] !== '"' && value[0] !== "'" ? `"${value}"` : value;
}

function parenItem(value: string): string {
  return value[0] === '(' ? value : `(${value})`;
}

function scalarFieldClause(ex: ExceptionInfo, field: string, comp: string): string {
  const values = ex.values.map((value) => {
    failIf(value.isList, 'LOAD_ERR_VALIDATE', 'Expected values array to contain a list of strings', ex.ctx);
    return quoteItem(value.item);
  });
  return values.length === 0 ? '' : `(${field} ${comp} (${values.join(', ')}))`;
}

function valueText(value: ExceptionEntry, comp: string): string {
  if (value.isList) return `(${value.items.map((v) => quoteItem(v.item)).join(', ')})`;
  return LIST_OPERATORS.has(comp) ? parenItem(value.item) : quoteItem(value.item);
}

function listFieldsClause(ex: ExceptionInfo, fields: ExceptionEntry[], comps: ExceptionEntry[]): string {
  const rows = ex.values.map((row) => {
    failIf(fields.length !== row.items.length, 'LOAD_ERR_VALIDATE', 'Fields and values lists must have equal length', ex.ctx);
    const checks = fields.map((field, k) => {
      const comp = comps[k]?.item ?? '=';
      return ` ${field.item} ${comp} ${valueText(row.items[k] as ExceptionEntry, comp)}`;
    });
    return `(${checks.join(' and ')})`;
  });
  return rows.length === 0 ? '' : `(${rows.join(' or ')})`;
}

/** The exception clause of one exception, or '' when it has no values. */
export function exceptionClause(ex: ExceptionInfo): string {
  const fields = ex.fields;
  if (!fields) return '';
  if (!fields.isList) return scalarFieldClause(ex, fields.item, ex.comps?.item ?? 'in');
  return listFieldsClause(ex, fields.items, ex.comps?.items ?? []);
}

/** The rule's condition with its exceptions applied, and the fields the exceptions use. */
export function applyExceptions(cond: ConditionText, exceptions: readonly ExceptionInfo[]): { cond: ConditionText; fields: string[] } {
  if (exceptions.length === 0) return { cond, fields: [] };
  const fields = new Set<string>();
  let suffix = '';
  for (const ex of exceptions) {
    const clause = exceptionClause(ex);
    if (clause === '') continue;
    if (ex.fields?.isList) for (const f of ex.fields.items) fields.add(f.item);
    else if (ex.fields) fields.add(ex.fields.item);
    suffix += ` and not ${clause}`;
  }
  return { cond: cond.wrap('(', `)${suffix}`), fields: [...fields].sort() };
}
