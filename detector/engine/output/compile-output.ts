import type { OutputFieldValue } from '../../../contract/alert.js';
import type { FieldOperand } from '../ast.js';
import type { Extractor, FieldTable, FieldType, FieldValue } from '../fields.js';
import { CompileError, compileOperand, type Operand } from '../eval/index.js';
import { resolveField } from '../eval/resolve-field.js';
import { valueToText } from '../eval/value-text.js';
import { OutputCompileError, type OutputCompileReason } from './output-error.js';
import { parseFormatToken, TokenSyntaxError } from './token-parser.js';

/** A formatted output: the text line part and the typed values of the fields it names. */
export interface FormattedOutput {
  text: string;
  /** Keyed as Falco keys `output_fields` (`proc.aname[2]`), sorted; `null` for a missing value. */
  fields: Record<string, OutputFieldValue>;
}

/** An output format compiled against a field table. */
export interface CompiledOutput<E> {
  format(event: E): FormattedOutput;
  /** The `output_fields` keys this output produces, sorted. */
  fieldNames: readonly string[];
}

/** Options that change what the formatter reports. */
export interface OutputOptions {
  /**
   * Also report transformed values (`toupper(proc.name)`) in `fields`. libsinsp's formatter can do
   * this; Falco leaves it off, so `output_fields` carries only the plain fields.
   */
  resolveTransformedFields?: boolean;
}

/** What a missing value prints as, in text. */
export const NOT_AVAILABLE = '<NA>';

/** Longest token text tried when shrinking a token that does not resolve; bounds the work on bad input. */
const MAX_TOKEN_ATTEMPTS = 512;

type Piece<E> = { kind: 'text'; text: string } | { kind: 'field'; operand: Operand<E>; width: number };

interface Resolution<E> {
  name: string;
  operand: Operand<E>;
  transformed: boolean;
  /** What output_fields carries when it is not the extracted value (FieldSpec.jsonValue). */
  jsonValue?: Extractor<E>;
}

function toText(value: FieldValue | undefined, list: boolean): string {
  if (value === undefined) return NOT_AVAILABLE;
  if (Array.isArray(value)) {
    const items = (value as readonly FieldValue[]).map((v) => valueToText(v));
    // A list field prints as `(a,b)`; a multi-valued field (proc.aname without index) as `a b`.
    return list ? `(${items.join(',')})` : items.join(' ');
  }
  return list ? `(${valueToText(value)})` : valueToText(value);
}

const NUMERIC: ReadonlySet<FieldType> = new Set(['int', 'uint', 'double', 'abstime', 'reltime']);

/** A bigint as the contract carries it: a number while a double holds it exactly, else still a bigint. */
function exactInteger(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function scalarToJson(value: FieldValue, type: FieldType): string | number | bigint | boolean {
  if (typeof value === 'bigint') return exactInteger(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (NUMERIC.has(type) && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return valueToText(value);
}

function toJson(value: FieldValue | undefined, type: FieldType, list: boolean): OutputFieldValue {
  if (value === undefined) return null;
  if (Array.isArray(value)) {
    return (value as readonly FieldValue[]).map((v) => {
      const json = scalarToJson(v, type);
      return typeof json === 'boolean' ? String(json) : json;
    });
  }
  const json = scalarToJson(value, type);
  return list ? [typeof json === 'boolean' ? String(json) : json] : json;
}

/** libsinsp's formatter registers inner fields, and lets an outer transformer replace an inner one. */
function collectResolutions<E>(node: FieldOperand, table: FieldTable<E>, out: Resolution<E>[], state: { lastWasTransformer: boolean }): void {
  if (node.kind === 'field') {
    const operand = compileOperand(node, table);
    const { jsonValue } = resolveField(table, node.name, node.arg, node.pos).spec;
    out.push({ name: operand.text, operand, transformed: false, ...(jsonValue ? { jsonValue } : {}) });
    state.lastWasTransformer = false;
    return;
  }
  for (const arg of node.args) {
    if (arg.kind === 'value') continue;
    if (arg.kind === 'transformer_list') {
      for (const item of arg.items) if (item.kind !== 'value') collectResolutions(item, table, out, state);
      continue;
    }
    collectResolutions(arg, table, out, state);
  }
  const operand = compileOperand(node, table);
  if (state.lastWasTransformer) out.pop();
  out.push({ name: operand.text, operand, transformed: true });
  state.lastWasTransformer = true;
}

function reasonOf(error: unknown): OutputCompileReason {
  if (error instanceof CompileError) {
    if (error.reason === 'unknown_field') return 'unknown_field';
    if (error.reason === 'bad_field_arg') return 'bad_field_arg';
    return 'bad_transformer';
  }
  return 'syntax';
}

/** Resolves the longest token at `start` that parses and compiles, as libsinsp's formatter does. */
function resolveToken<E>(format: string, start: number, table: FieldTable<E>, percent: number): { node: FieldOperand; operand: Operand<E>; end: number } {
  let size = format.length - start;
  let firstError: unknown;
  for (let attempt = 0; size > 0 && attempt < MAX_TOKEN_ATTEMPTS; attempt++) {
    let parsedEnd: number | undefined;
    try {
      const { operand: node, end } = parseFormatToken(format.slice(start, start + size), start);
      parsedEnd = end;
      return { node, operand: compileOperand(node, table), end: start + end };
    } catch (error) {
      if (!(error instanceof CompileError) && !(error instanceof TokenSyntaxError)) throw error;
      firstError ??= error;
      // Text past what the parser looked at cannot change the result: shrink below it.
      const seen = parsedEnd ?? (error instanceof TokenSyntaxError ? error.index + 1 : size);
      size = Math.min(size, seen) - 1;
    }
  }
  const detail = firstError instanceof Error ? firstError.message : 'no field here';
  throw new OutputCompileError(reasonOf(firstError), `unknown filter: ${detail}`, percent, { cause: firstError });
}

/**
 * Compiles an output format: `%field`, `%field[arg]`, `%evt.arg.name`, `%transformer(field)`, with an
 * optional width (`%20proc.name` pads or cuts to 20 characters). A token is the longest text that
 * names a known field, so `%proc.names` is `proc.name` followed by `s`. Throws OutputCompileError
 * (code SAKER_ERR_COMPILE_OUTPUT) with the offset of the `%` of a bad token.
 */
export function compileOutput<E>(format: string, table: FieldTable<E>, options: OutputOptions = {}): CompiledOutput<E> {
  const pieces: Piece<E>[] = [];
  const resolutions: Resolution<E>[] = [];
  let textStart = 0;
  let j = 0;
  while (j < format.length) {
    if (format[j] !== '%') {
      j++;
      continue;
    }
    const percent = j;
    if (textStart !== j) pieces.push({ kind: 'text', text: format.slice(textStart, j) });
    if (j === format.length - 1) throw new OutputCompileError('syntax', 'invalid formatting syntax: formatting cannot end with a %', percent);
    let k = j + 1;
    while (k < format.length && format.charCodeAt(k) >= 48 && format.charCodeAt(k) <= 57) k++;
    if (k === format.length) throw new OutputCompileError('syntax', 'invalid formatting syntax: formatting cannot end with a number', percent);
    const width = k > j + 1 ? Number(format.slice(j + 1, k)) : 0;
    const token = resolveToken(format, k, table, percent);
    try {
      collectResolutions(token.node, table, resolutions, { lastWasTransformer: false });
    } catch (error) {
      throw new OutputCompileError(reasonOf(error), error instanceof Error ? error.message : String(error), percent, { cause: error });
    }
    pieces.push({ kind: 'field', operand: token.operand, width });
    j = token.end;
    textStart = j;
  }
  if (textStart < format.length) pieces.push({ kind: 'text', text: format.slice(textStart) });

  const reported = new Map<string, Resolution<E>>();
  for (const r of resolutions) if (!r.transformed || options.resolveTransformedFields) reported.set(r.name, r);
  const fieldNames = [...reported.keys()].sort();
  const fieldList = fieldNames.map((name) => reported.get(name) as Resolution<E>);

  return {
    fieldNames,
    format(event) {
      let text = '';
      for (const piece of pieces) {
        if (piece.kind === 'text') {
          text += piece.text;
          continue;
        }
        let value = toText(piece.operand.extract(event), piece.operand.list);
        if (piece.width > 0) value = value.length >= piece.width ? value.slice(0, piece.width) : value.padEnd(piece.width, ' ');
        text += value;
      }
      const fields: Record<string, OutputFieldValue> = {};
      for (const r of fieldList) {
        fields[r.name] = r.jsonValue ? toJson(r.jsonValue(event), 'int', false) : toJson(r.operand.extract(event), r.operand.type, r.operand.list);
      }
      return { text, fields };
    },
  };
}
