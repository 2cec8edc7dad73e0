import type { Position } from '../ast.js';
import type { Extractor, FieldSpec, FieldTable } from '../fields.js';
import { CompileError } from './compile-error.js';

/** A field name as written, resolved against a table: the spec and the argument it takes. */
export interface ResolvedField<E> {
  spec: FieldSpec<E>;
  /** The argument: from `[...]`, or the dotted remainder for `dotted-key` fields (`evt.arg.flags`). */
  arg: string | undefined;
}

/**
 * Finds the field a written name refers to by longest prefix: `evt.arg.flags` is the field `evt.arg`
 * with the argument `flags` when no field is named `evt.arg.flags`. Only `dotted-key` fields accept a
 * dotted remainder. Undefined when nothing matches.
 */
export function lookupField<E>(table: FieldTable<E>, name: string): { spec: FieldSpec<E>; dotted: string | undefined } | undefined {
  const exact = table.fields.get(name);
  if (exact) return { spec: exact, dotted: undefined };
  let cut = name.lastIndexOf('.');
  while (cut > 0) {
    const spec = table.fields.get(name.slice(0, cut));
    if (spec) return spec.arg.kind === 'dotted-key' ? { spec, dotted: name.slice(cut + 1) } : undefined;
    cut = name.lastIndexOf('.', cut - 1);
  }
  return undefined;
}

/** Resolves and validates a field reference; throws CompileError with a stable reason. */
export function resolveField<E>(table: FieldTable<E>, name: string, bracketArg: string | undefined, pos: Position): ResolvedField<E> {
  const found = lookupField(table, name);
  if (!found) throw new CompileError('unknown_field', `nonexistent field ${name}`, pos);
  const { spec, dotted } = found;
  if (dotted !== undefined && bracketArg !== undefined) {
    throw new CompileError('bad_field_arg', `field ${name} has both a dotted and a bracketed argument`, pos);
  }
  const arg = dotted ?? bracketArg;
  const kind = spec.arg.kind;
  if (kind === 'none') {
    if (arg !== undefined) throw new CompileError('bad_field_arg', `field ${spec.name} does not accept an argument`, pos);
  } else {
    if (arg === undefined && spec.arg.required) throw new CompileError('bad_field_arg', `field ${spec.name} requires an argument`, pos);
    if (arg !== undefined && kind === 'index' && !/^\d+$/.test(arg)) {
      throw new CompileError('bad_field_arg', `field ${spec.name} expects a numeric index, got '${arg}'`, pos);
    }
    if (arg === '') throw new CompileError('bad_field_arg', `field ${spec.name} has an empty argument`, pos);
  }
  return { spec, arg };
}

/** Binds a resolved field, turning the table's thrown Error into a CompileError. */
export function bindField<E>(field: ResolvedField<E>, pos: Position): Extractor<E> {
  try {
    return field.spec.bind(field.arg);
  } catch (error) {
    throw new CompileError('bad_field_arg', `field ${field.spec.name}: ${error instanceof Error ? error.message : String(error)}`, pos, { cause: error });
  }
}

/** The field as Falco names it in `output_fields`: `proc.aname[2]`, `evt.arg.flags`, `proc.name`. */
export function canonicalFieldName(name: string, bracketArg: string | undefined): string {
  return bracketArg === undefined ? name : `${name}[${bracketArg}]`;
}
