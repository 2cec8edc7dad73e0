import { formatNanoTime } from '../../../contract/time.js';
import type { FieldSpec } from '../../engine/fields.js';
import type { JsonEvent } from '../../sources/json-event.js';
import { jsonText } from './doc.js';
import { compilePointer, resolvePointer } from './pointer.js';
import { REQUIRED_KEY, fieldMap, plainField } from './spec.js';

function valueField(name: string, description: string): FieldSpec<JsonEvent> {
  return {
    name,
    type: 'string',
    arg: REQUIRED_KEY,
    description,
    bind(arg) {
      const pointer = compilePointer(arg ?? '');
      return (event) => {
        const found = resolvePointer(event.doc, pointer);
        return found === undefined ? undefined : jsonText(found);
      };
    },
  };
}

// Falco's json plugin indents the original bytes with two spaces; re-serializing the parsed document
// gives the same text for every document whose numbers JSON.parse round-trips.
const objText = (event: JsonEvent): string => JSON.stringify(event.doc, null, 2);
const rawTime = (event: JsonEvent): string => event.time.toString();

/** `HH:MM:SS.nnnnnnnnn` in UTC, as libsinsp's ts_to_string without the date. */
function clockTime(event: JsonEvent): string {
  const iso = formatNanoTime(event.time);
  return iso.slice(11, 29);
}

/**
 * The fields of Falco's `json` plugin (0.7): `json.value[<RFC 6901 pointer>]`, `json.obj`,
 * `json.rawtime` and their `jevt.*` aliases — all strings — plus the legacy `jevt.time` and
 * `jevt.time.iso8601` that Falco's built-in JSON events had before plugins. Merge into the table of
 * any source whose events are JSON documents.
 */
export const JSON_FIELDS: ReadonlyMap<string, FieldSpec<JsonEvent>> = fieldMap<JsonEvent>([
  valueField('json.value', 'A value from the event\'s JSON document, by JSON pointer (RFC 6901): json.value[/user/name]. Strings as is, anything else as compact JSON.'),
  plainField('json.obj', 'string', 'The whole JSON document as text.', objText),
  plainField('json.rawtime', 'string', 'The event time in nanoseconds since the epoch, as text (same as evt.rawtime).', rawTime),
  valueField('jevt.value', 'Alias for json.value.'),
  plainField('jevt.obj', 'string', 'Alias for json.obj.', objText),
  plainField('jevt.rawtime', 'string', 'Alias for json.rawtime.', rawTime),
  plainField('jevt.time', 'string', 'The event time as HH:MM:SS.nnnnnnnnn (UTC).', clockTime),
  plainField('jevt.time.iso8601', 'string', 'The event time in ISO 8601 with nanoseconds, in UTC.', (event) => formatNanoTime(event.time)),
]);
