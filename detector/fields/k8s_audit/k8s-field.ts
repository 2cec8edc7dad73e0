import { SakerError } from '../../../common/errors.js';
import type { Extractor, FieldArgSpec, FieldSpec, FieldValue } from '../../engine/fields.js';
import type { JsonEvent, JsonObject } from '../../sources/json-event.js';
import { NO_ARG, OPTIONAL_INDEX, REQUIRED_KEY, parseIndexArg, requireKeyArg } from '../json/index.js';

type Read<A> = (doc: JsonObject, arg: A) => FieldValue | undefined;

// The plugin reports nothing for documents that are not audit events (no auditID), for every ka.*
// field, so that only the json plugin's fields work on foreign documents.
function guarded<A>(read: Read<A>, arg: A): Extractor<JsonEvent> {
  return (event) => (Object.hasOwn(event.doc, 'auditID') ? read(event.doc, arg) : undefined);
}

// Every field of Falco's k8saudit plugin is a string (or a list of strings).
function spec(
  name: string,
  description: string,
  arg: FieldArgSpec,
  list: boolean,
  bind: (arg: string | undefined) => Extractor<JsonEvent>,
): FieldSpec<JsonEvent> {
  return { name, type: 'string', ...(list ? { list: true } : {}), arg, description, bind };
}

/** A `ka.*` field without an argument. */
export function plain(name: string, description: string, read: Read<void>, list = false): FieldSpec<JsonEvent> {
  return spec(name, description, NO_ARG, list, (arg) => {
    if (arg !== undefined) throw new SakerError('SAKER_ERR_FIELD_ARG', `field ${name} does not take an argument`);
    return guarded(read, undefined);
  });
}

/** A list field with an optional `[n]` that narrows the underlying array to its n-th element. */
export function indexed(name: string, description: string, read: Read<number | undefined>): FieldSpec<JsonEvent> {
  return spec(name, description, OPTIONAL_INDEX, true, (arg) => guarded(read, parseIndexArg(name, arg)));
}

/** A field with a required `[key]` argument. */
export function keyed(name: string, description: string, read: Read<string>): FieldSpec<JsonEvent> {
  return spec(name, description, REQUIRED_KEY, false, (arg) => guarded(read, requireKeyArg(name, arg)));
}
