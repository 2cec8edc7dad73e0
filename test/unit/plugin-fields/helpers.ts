import type { FieldTable, FieldValue } from '../../../detector/engine/fields.js';
import type { JsonEvent, JsonObject } from '../../../detector/sources/json-event.js';

/** Event number 1 at a fixed time (2026-11-22T10:00:00.123456789Z) carrying `doc`. */
export function jsonEvent(doc: JsonObject, time = 1_795_341_600_123_456_789n): JsonEvent {
  return { num: 1, time, doc };
}

/** Binds `name[arg]` in `table` and extracts it from `event`, as the engine would. */
export function extract(table: FieldTable<JsonEvent>, name: string, event: JsonEvent, arg?: string): FieldValue | undefined {
  const spec = table.fields.get(name);
  if (spec === undefined) throw new Error(`no field ${name} in ${table.source}`);
  return spec.bind(arg)(event);
}
