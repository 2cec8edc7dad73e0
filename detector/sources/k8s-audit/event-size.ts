import type { JsonValue } from '../json-event.js';

/** Most UTF-8 bytes one UTF-16 unit of a string takes in compact JSON: `\u001f`, or a lone surrogate's `\udxxx`. */
const MAX_BYTES_PER_UNIT = 6;
/** More than the longest compact JSON of a number (`-0.0000012345678901234567` is 25), `true`, `false` or `null`. */
const MAX_SCALAR_BYTES = 32;

/**
 * Whether `value` surely serialises (JSON.stringify) to at most `limit` UTF-8 bytes, from an upper
 * bound summed without serialising: every string counted at its worst escaping, every scalar at
 * the longest a number can print. Stops as soon as the bound passes the limit. Walks with its own
 * stack, so a deeply nested document cannot overflow the call stack.
 */
function surelyWithin(root: JsonValue, limit: number): boolean {
  let bound = 0;
  const stack: JsonValue[] = [root];
  while (stack.length > 0) {
    const value = stack.pop() as JsonValue;
    if (typeof value === 'string') {
      bound += value.length * MAX_BYTES_PER_UNIT + 2;
    } else if (typeof value !== 'object' || value === null) {
      bound += MAX_SCALAR_BYTES;
    } else if (Array.isArray(value)) {
      // Brackets and commas.
      bound += value.length + 2;
      for (const item of value) stack.push(item);
    } else {
      bound += 2;
      // Quotes, colon and comma around each key; an inherited enumerable key only adds to the bound.
      for (const key in value) {
        bound += key.length * MAX_BYTES_PER_UNIT + 4;
        stack.push(value[key] as JsonValue);
      }
    }
    if (bound > limit) return false;
  }
  return true;
}

/**
 * The size in bytes of `value`'s compact JSON when it is over `limit`, else undefined. Audit events
 * are a few kB against a 256 kB limit, so the bound settles nearly all of them and only a possibly
 * oversized event is serialised to be measured exactly.
 */
export function compactSizeOver(value: JsonValue, limit: number): number | undefined {
  if (surelyWithin(value, limit)) return undefined;
  const size = Buffer.byteLength(JSON.stringify(value));
  return size > limit ? size : undefined;
}
