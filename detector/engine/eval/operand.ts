import type { FieldOperand, TransformerArg } from '../ast.js';
import type { FieldTable, FieldType, FieldValue } from '../fields.js';
import { bindField, canonicalFieldName, resolveField } from './resolve-field.js';
import { TRANSFORMER_TABLE } from './transformers.js';
import { valueToText } from './value-text.js';

/**
 * A compiled left-hand (or `val()`) operand: a field, possibly under transformers, with the type
 * and list-ness libsinsp would give it after the transformers' type rules.
 */
export interface Operand<E> {
  type: FieldType;
  list: boolean;
  /** The canonical text, as Falco prints it in `output_fields` keys: `toupper(proc.name)`. */
  text: string;
  /** True for a bare field; false for a transformer or a literal. */
  isField: boolean;
  /** True for a literal (a string, a number or a list of them written inside a transformer). */
  isLiteral: boolean;
  /** For a non-list operand that may extract several values at once; see FieldSpec.multiValue. */
  multiValue?: 'any' | 'any-eq-all-ne';
  extract(event: E): FieldValue | undefined;
}

/** Compiles a field or a transformer applied to fields. */
export function compileOperand<E>(operand: FieldOperand, table: FieldTable<E>): Operand<E> {
  if (operand.kind === 'field') {
    const field = resolveField(table, operand.name, operand.arg, operand.pos);
    const extract = bindField(field, operand.pos);
    const compiled: Operand<E> = {
      type: field.spec.type,
      list: field.spec.list === true,
      text: canonicalFieldName(operand.name, operand.arg),
      isField: true,
      isLiteral: false,
      extract,
    };
    if (field.spec.multiValue && !compiled.list) compiled.multiValue = field.spec.multiValue;
    return compiled;
  }
  const args = operand.args.map((arg) => compileTransformerArg(arg, table));
  return TRANSFORMER_TABLE[operand.name](args, operand.pos);
}

/** Compiles one argument of a transformer: a field, a transformer, a literal or a list of those. */
export function compileTransformerArg<E>(arg: TransformerArg, table: FieldTable<E>): Operand<E> {
  if (arg.kind === 'value') {
    const value = arg.value;
    return { type: 'string', list: false, text: value, isField: false, isLiteral: true, extract: () => value };
  }
  if (arg.kind === 'transformer_list') {
    const items = arg.items.map((item) => compileTransformerArg(item, table));
    const extractors = items.map((item) => item.extract);
    const allLiteral = items.every((item) => item.isLiteral);
    const constant = allLiteral ? items.map((item) => String(item.extract(undefined as unknown as E))) : undefined;
    return {
      type: 'string',
      list: true,
      text: `(${items.map((item) => item.text).join(',')})`,
      isField: false,
      isLiteral: allLiteral,
      extract: constant
        ? () => constant
        : (event) => {
            const out: string[] = [];
            for (const extract of extractors) {
              const value = extract(event);
              // An item without a value makes the whole list unavailable, as a failed extraction does.
              if (value === undefined) return undefined;
              if (Array.isArray(value)) for (const v of value as readonly (string | number)[]) out.push(String(v));
              else out.push(valueToText(value as FieldValue));
            }
            return out;
          },
    };
  }
  return compileOperand(arg, table);
}
