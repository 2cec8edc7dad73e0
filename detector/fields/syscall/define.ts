/**
 * The small helper every syscall field file uses to declare its fields: a name, type, argument rule
 * and either a plain getter or a binder for fields that take an argument.
 */
import type { Extractor, FieldArgSpec, FieldSpec, FieldType, FieldValue } from '../../engine/fields.js';
import type { SyscallEvent } from '../../sources/syscall/index.js';

/** One field declaration. */
export interface FieldDef {
  name: string;
  type: FieldType;
  desc: string;
  list?: boolean;
  /** See FieldSpec.multiValue: several values at once without being a list field. */
  multiValue?: 'any' | 'any-eq-all-ne';
  arg?: FieldArgSpec;
  /** For argument-less fields. */
  get?: (e: SyscallEvent) => FieldValue | undefined;
  /** For fields with an argument: validate it and return the extractor. */
  bind?: (arg: string | undefined) => Extractor<SyscallEvent>;
  /** See FieldSpec.jsonValue: what output_fields carries instead of the extracted value. */
  json?: (e: SyscallEvent) => FieldValue | undefined;
}

const NONE: FieldArgSpec = { kind: 'none' };

/** Turns declarations into field specs. */
export function defineFields(defs: readonly FieldDef[]): FieldSpec<SyscallEvent>[] {
  return defs.map((d) => ({
    name: d.name,
    type: d.type,
    ...(d.list ? { list: true } : {}),
    ...(d.multiValue ? { multiValue: d.multiValue } : {}),
    arg: d.arg ?? NONE,
    description: d.desc,
    ...(d.json ? { jsonValue: d.json } : {}),
    bind(arg: string | undefined): Extractor<SyscallEvent> {
      if (d.bind) return d.bind(arg);
      if (arg !== undefined) throw new Error(`${d.name} takes no argument`);
      const get = d.get;
      if (!get) throw new Error(`${d.name} has no extractor`);
      return get;
    },
  }));
}

/** Parses a non-negative integer index argument or throws. */
export function parseIndex(field: string, arg: string): number {
  if (!/^\d+$/.test(arg)) throw new Error(`${field} expects a numeric index, got '${arg}'`);
  return Number(arg);
}

/** A string, or undefined for the empty string (fields libsinsp leaves unset when empty). */
export function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
