import { SakerError } from '../../../common/errors.js';
import type { Extractor, FieldArgSpec, FieldSpec, FieldType } from '../../engine/fields.js';

/** Argument specs used by the plugin field tables. */
export const NO_ARG: FieldArgSpec = { kind: 'none' };
export const OPTIONAL_INDEX: FieldArgSpec = { kind: 'index', required: false };
export const REQUIRED_KEY: FieldArgSpec = { kind: 'key', required: true };

/** A field that takes no argument: its extractor is fixed. */
export function plainField<E>(
  name: string,
  type: FieldType,
  description: string,
  extract: Extractor<E>,
  options: { list?: boolean; jsonValue?: Extractor<E> } = {},
): FieldSpec<E> {
  return {
    name,
    type,
    ...(options.list === true ? { list: true } : {}),
    ...(options.jsonValue ? { jsonValue: options.jsonValue } : {}),
    arg: NO_ARG,
    description,
    bind(arg) {
      if (arg !== undefined) {
        throw new SakerError('SAKER_ERR_FIELD_ARG', `field ${name} does not take an argument`);
      }
      return extract;
    },
  };
}

/** Parses an index argument (`[2]`); undefined when none was given. */
export function parseIndexArg(field: string, arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined;
  const text = arg.trim();
  if (!/^\d+$/.test(text)) {
    throw new SakerError('SAKER_ERR_FIELD_ARG', `field ${field} takes a numeric index argument, got '${arg}'`);
  }
  return Number(text);
}

/** Requires a key argument (`[name]`). */
export function requireKeyArg(field: string, arg: string | undefined): string {
  if (arg === undefined || arg.length === 0) {
    throw new SakerError('SAKER_ERR_FIELD_ARG', `field ${field} requires an argument, e.g. ${field}[key]`);
  }
  return arg;
}

/** Builds a name-keyed table, refusing duplicate names (a typo in a table is a bug, not a shadow). */
export function fieldMap<E>(...groups: Iterable<FieldSpec<E>>[]): ReadonlyMap<string, FieldSpec<E>> {
  const map = new Map<string, FieldSpec<E>>();
  for (const group of groups) {
    for (const spec of group) {
      if (map.has(spec.name)) {
        throw new SakerError('SAKER_ERR_FIELD_TABLE', `field ${spec.name} is defined twice`);
      }
      map.set(spec.name, spec);
    }
  }
  return map;
}
