import type { JsonValue } from '../../sources/json-event.js';
import { isJsonObject } from '../../sources/json-event.js';

/**
 * One step into a JSON value the way Falco's plugins step (fastjson's `Get`): an object member by
 * name, or an array element by a decimal index. Undefined when there is nothing there.
 */
export function step(value: JsonValue | undefined, key: string): JsonValue | undefined {
  if (Array.isArray(value)) {
    if (!/^\d+$/.test(key)) return undefined;
    return value[Number(key)];
  }
  if (isJsonObject(value)) return Object.hasOwn(value, key) ? value[key] : undefined;
  return undefined;
}

/** Follows `keys` from `value`; undefined as soon as a step finds nothing. */
export function getPath(value: JsonValue | undefined, keys: readonly string[]): JsonValue | undefined {
  let current = value;
  for (const key of keys) {
    current = step(current, key);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * The text Falco's JSON-based extractors give a value: a string as itself, anything else (numbers,
 * booleans, null, objects, arrays) as compact JSON — so `hostNetwork: true` reads as `true` and a
 * response code as `403`.
 */
export function jsonText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  // What JSON.stringify prints for these, without its general machinery (a number that JSON.parse
  // read as Infinity prints as null).
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** The string at `keys`, only when it is a JSON string (CloudTrail's `GetStringBytes`). */
export function getString(value: JsonValue | undefined, keys: readonly string[]): string | undefined {
  const found = getPath(value, keys);
  return typeof found === 'string' ? found : undefined;
}
