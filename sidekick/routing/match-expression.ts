import { parsePriority, PRIORITIES, type Alert } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import type { Expr, IdentifierExpr, Position } from '../../detector/engine/ast.js';
import { ConditionSyntaxError, parseCondition } from '../../detector/engine/condition/index.js';
import { unescapeQuoted } from '../../detector/engine/condition/escaping.js';
import { CompileError, compileCondition } from '../../detector/engine/eval/index.js';
import { ALERT_KEYS, OUTPUT_FIELDS_NAME, alertFieldName, alertFieldTable, severityRank, type AlertKey } from './alert-fields.js';

/**
 * `match:` — an output's routing expression, in Falco's condition syntax, over one alert:
 *
 *   k8s.ns.name = prod and priority >= Critical
 *   tags contains T1059 or proc.name in (bash, sh)
 *
 *   output_fields[k8s.ns.name] in (prod, staging) and output_fields[cluster] = eu-1
 *
 * `rule`, `priority`, `source`, `hostname` and `tags` are the alert's own keys; every dotted name is
 * an output field, read by the name Falco writes in `output_fields`, and `output_fields[name]` reads
 * any output field, also one whose name has no dots (custom and templated fields). A field the alert
 * lacks (or holds as null) has no value, as a missing field in Falco: every comparison with it is
 * false and `exists` is false. The expression is parsed and compiled by the rules engine, so operators
 * and their semantics are exactly Falco's.
 */

export const MATCH_ERROR_CODE = 'SAKER_ERR_MATCH_EXPRESSION';

/** A `match:` expression that does not parse or compile; `column` is 1-based in the text as written. */
export class MatchExpressionError extends SakerError {
  readonly column: number;

  constructor(message: string, column: number, options?: { cause?: unknown }) {
    super(MATCH_ERROR_CODE, `${message} (at column ${column})`, options);
    this.name = 'MatchExpressionError';
    this.column = column;
  }
}

/** A compiled `match:` expression. */
export interface MatchExpression {
  /** The expression as written. */
  text: string;
  matches(alert: Alert): boolean;
}

// ── bare alert keys and priority names ──────────────────────────────────────────────────────────────
//
// Falco's grammar reads a bare word in a check's place as a macro name, and takes only numbers after
// `<`, `<=`, `>`, `>=`. Expressions have no macros, so before parsing, a bare alert key where a check
// starts (start, `(`, `and`, `or`, `not`) and an operator follows is renamed to its dotted table name,
// and the priority names a `priority` check compares with become their severity rank. Values
// (`rule = priority`), list items and quoted text are never in a check's place and stay as written.

const KEY_WORDS: ReadonlySet<string> = new Set(ALERT_KEYS);
const PRIORITY_WORDS: ReadonlySet<string> = new Set(['priority', alertFieldName('priority')]);
const CHECK_STARTERS: ReadonlySet<string> = new Set(['', '(', 'and', 'or', 'not']);
const WORD = /[A-Za-z_][A-Za-z0-9_.]*/y;
const OPERATOR_AHEAD =
  /\s*(==|=|!=|<=|<|>=|>|(?:exists|contains|icontains|bcontains|startswith|bstartswith|endswith|glob|iglob|regex|in|intersects|pmatch)(?![A-Za-z0-9_.]))/y;
const LIST_OPERATORS: ReadonlySet<string> = new Set(['in', 'intersects', 'pmatch']);
const BARE_VALUE = /[^()"'\s=,]+/y;
const BLANKS = /\s*/y;

/** One replacement of original text: `length` characters at `at` became `text`. */
interface Edit {
  at: number;
  length: number;
  text: string;
}

interface Rewritten {
  text: string;
  /** Ascending by `at`. */
  edits: Edit[];
}

/** The 1-based column of offset `at` in its line. */
const columnAt = (text: string, at: number) => at - text.lastIndexOf('\n', at - 1);

function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipBlanks(text: string, at: number): number {
  BLANKS.lastIndex = at;
  BLANKS.exec(text);
  return BLANKS.lastIndex;
}

/** A priority value at `at` (bare or quoted) as the edit to its rank; throws for a name that is not a priority. */
function priorityValueEdit(text: string, at: number): Edit {
  let raw: string;
  let length: number;
  if (text[at] === '"' || text[at] === "'") {
    length = skipQuoted(text, at) - at;
    raw = text.slice(at + 1, at + length - 1);
  } else {
    BARE_VALUE.lastIndex = at;
    raw = BARE_VALUE.exec(text)?.[0] ?? '';
    length = raw.length;
  }
  const priority = parsePriority(raw);
  if (priority === undefined) {
    throw new MatchExpressionError(`unknown priority '${raw}' (expected one of ${PRIORITIES.join(', ')})`, columnAt(text, at));
  }
  return { at, length, text: String(severityRank(priority)) };
}

/** The edits for the value(s) after a priority check's operator, which ends at `at`. */
function priorityValueEdits(text: string, operator: string, at: number): Edit[] {
  const start = skipBlanks(text, at);
  if (operator === 'exists') return [];
  if (!LIST_OPERATORS.has(operator)) return start < text.length ? [priorityValueEdit(text, start)] : [];
  if (text[start] !== '(') return [];
  const edits: Edit[] = [];
  let i = skipBlanks(text, start + 1);
  while (i < text.length && text[i] !== ')') {
    const edit = priorityValueEdit(text, i);
    edits.push(edit);
    i = skipBlanks(text, edit.at + edit.length);
    if (text[i] === ',') i = skipBlanks(text, i + 1);
    else break;
  }
  return edits;
}

// ── output_fields[name] ─────────────────────────────────────────────────────────────────────────────
//
// Falco's grammar only knows dotted field names, so `output_fields[name]` does not parse as written.
// Where a field may stand (a check's start, or inside a transformer such as `tolower(…)`), it is
// rewritten: to the dotted name itself when the key is one (`output_fields[proc.pid]` is `proc.pid`,
// typed as Falco types it; `output_fields[proc.aname[2]]` is `proc.aname[2]`), otherwise to the
// table's `alert.output_fields` field with the key quoted as its argument (compared as Falco's gRPC
// output shows values). After `in (`, `intersects (` and `pmatch (` it is a list item, as in Falco.

const OUTPUT_FIELDS_WORD = 'output_fields';
/** A key that reads back as the same dotted field name (with an optional simple argument). */
const KEY_AS_FIELD = /^[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+(?:\[[^\]["'\s]+\])?$/;
/** How characters are written inside a "-quoted field argument. */
const QUOTED_ARG: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** The key of `output_fields[…]` whose `[` is at `open`, and where the reference ends (after `]`). */
function outputFieldKey(text: string, open: number): { key: string; end: number } {
  const start = open + 1;
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    const close = skipQuoted(text, start);
    if (close > text.length) throw new MatchExpressionError(`unterminated quoted key in ${OUTPUT_FIELDS_WORD}[…]`, columnAt(text, start));
    const unescaped = unescapeQuoted(text.slice(start + 1, close - 1), quote);
    if ('error' in unescaped) throw new MatchExpressionError(unescaped.error, columnAt(text, start));
    if (text[close] !== ']') throw new MatchExpressionError(`expected ']' after the quoted key of ${OUTPUT_FIELDS_WORD}[…]`, columnAt(text, close));
    if (unescaped.value === '') throw new MatchExpressionError(`${OUTPUT_FIELDS_WORD}[] needs the name of an output field, e.g. ${OUTPUT_FIELDS_WORD}[proc.name]`, columnAt(text, start));
    return { key: unescaped.value, end: close + 1 };
  }
  // A bare key ends at its matching ']' (it may hold one, as in proc.aname[2]); blanks and quotes need quoting.
  let depth = 1;
  let i = start;
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (/[\s"']/.test(ch)) {
      throw new MatchExpressionError(`unexpected ${/\s/.test(ch) ? 'blank' : 'quote'} in ${OUTPUT_FIELDS_WORD}[…]: quote a key that holds one`, columnAt(text, i));
    }
    if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) break;
  }
  if (i >= text.length) throw new MatchExpressionError(`${OUTPUT_FIELDS_WORD}[ has no closing ']'`, columnAt(text, open));
  if (i === start) throw new MatchExpressionError(`${OUTPUT_FIELDS_WORD}[] needs the name of an output field, e.g. ${OUTPUT_FIELDS_WORD}[proc.name]`, columnAt(text, i));
  return { key: text.slice(start, i), end: i + 1 };
}

/** The edit for the `output_fields[…]` reference at `at` (`open` is its `[`). */
function outputFieldEdit(text: string, at: number, open: number): Edit {
  const { key, end } = outputFieldKey(text, open);
  const replacement =
    KEY_AS_FIELD.test(key) && !key.startsWith('alert.')
      ? key
      : `${OUTPUT_FIELDS_NAME}["${[...key].map((ch) => QUOTED_ARG[ch] ?? ch).join('')}"]`;
  return { at, length: end - at, text: replacement };
}

/** The edits that make an expression parse as Falco's grammar wants it, in order. */
function alertKeyEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  let previous = '';
  /** What came before the last `(`: a list operator makes what follows list items, not fields. */
  let opener = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      i = skipQuoted(text, i);
      previous = 'value';
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(text)?.[0];
    if (!word) {
      if (ch === '(') opener = previous;
      if (!/\s/.test(ch)) previous = ch;
      i++;
      continue;
    }
    const end = i + word.length;
    if (word === OUTPUT_FIELDS_WORD && text[end] === '[' && CHECK_STARTERS.has(previous) && !(previous === '(' && LIST_OPERATORS.has(opener))) {
      const edit = outputFieldEdit(text, i, end);
      edits.push(edit);
      i = edit.at + edit.length;
      previous = 'field';
      continue;
    }
    OPERATOR_AHEAD.lastIndex = end;
    const operator = CHECK_STARTERS.has(previous) && text[end] !== '[' ? OPERATOR_AHEAD.exec(text)?.[1] : undefined;
    if (operator !== undefined && word === OUTPUT_FIELDS_WORD) {
      throw new MatchExpressionError(`${OUTPUT_FIELDS_WORD} needs the name of an output field in brackets, e.g. ${OUTPUT_FIELDS_WORD}[proc.name]`, columnAt(text, i));
    }
    previous = word;
    if (operator !== undefined) {
      if (KEY_WORDS.has(word)) edits.push({ at: i, length: word.length, text: alertFieldName(word as AlertKey) });
      if (PRIORITY_WORDS.has(word)) {
        const values = priorityValueEdits(text, operator, OPERATOR_AHEAD.lastIndex);
        edits.push(...values);
        const last = values[values.length - 1];
        if (last) {
          // Resume after the values, so a value is never read as the start of a check.
          i = last.at + last.length;
          previous = 'value';
          continue;
        }
      }
    }
    i = end;
  }
  return edits;
}

function rewrite(text: string): Rewritten {
  const edits = alertKeyEdits(text);
  let out = '';
  let from = 0;
  for (const edit of edits) {
    out += text.slice(from, edit.at) + edit.text;
    from = edit.at + edit.length;
  }
  return { text: out + text.slice(from), edits };
}

/** Maps an offset in the rewritten text back to a 1-based column in the text as written. */
function originalColumn(source: string, rewritten: Rewritten, pos: Position): number {
  let delta = 0;
  let original: number | undefined;
  for (const edit of rewritten.edits) {
    const start = edit.at + delta;
    if (pos.offset < start) break;
    if (pos.offset < start + edit.text.length) {
      // Inside replaced text: point at what was written there.
      original = edit.at;
      break;
    }
    delta += edit.text.length - edit.length;
  }
  const offset = Math.max(0, Math.min(original ?? pos.offset - delta, source.length));
  const before = source.slice(0, offset);
  return before.length - before.lastIndexOf('\n');
}

/** Table names back to what the user wrote, in messages. */
function userWords(message: string): string {
  return message.replace(/\balert\.(rule|priority|source|hostname|tags|output_fields)\b/g, '$1');
}

/** The field names a tree reads, and the bare names (macro references in Falco) it holds. */
function namesIn(node: unknown, found: { fields: Set<string>; identifiers: IdentifierExpr[] }): void {
  if (Array.isArray(node)) {
    for (const child of node) namesIn(child, found);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const kind = (node as { kind?: unknown }).kind;
  if (kind === 'field') found.fields.add((node as { name: string }).name);
  if (kind === 'identifier') found.identifiers.push(node as IdentifierExpr);
  for (const [key, child] of Object.entries(node)) if (key !== 'pos') namesIn(child, found);
}

const IDENTIFIER_HINT = `alert keys are ${ALERT_KEYS.join(', ')}; output fields are written with their dotted name, e.g. k8s.ns.name, or as output_fields[name]`;

/** Parses and compiles a `match:` expression; throws `MatchExpressionError` naming the problem and column. */
export function compileMatch(text: string): MatchExpression {
  const rewritten = rewrite(text);
  try {
    const expr: Expr = parseCondition(rewritten.text);
    const found = { fields: new Set<string>(), identifiers: [] as IdentifierExpr[] };
    namesIn(expr, found);
    // Expressions have no macros: a bare name is a mistyped key or a field written without its dots.
    const [bare] = found.identifiers;
    if (bare) throw new MatchExpressionError(`unknown name '${bare.name}' (${IDENTIFIER_HINT})`, originalColumn(text, rewritten, bare.pos));
    const compiled = compileCondition(expr, alertFieldTable(found.fields));
    return { text, matches: (alert) => compiled.matches(alert) };
  } catch (error) {
    if (error instanceof CompileError || error instanceof ConditionSyntaxError) {
      throw new MatchExpressionError(userWords(error.message), originalColumn(text, rewritten, error.pos), { cause: error });
    }
    throw error;
  }
}
