/**
 * The event shape shared by JSON-document sources (Kubernetes audit, CloudTrail, any plugin that
 * carries one JSON object per event): a timestamp and the parsed document. Field tables for these
 * sources read from `doc`; nothing re-parses text on the hot path.
 */

/** A decoded JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (the top level of every document these sources produce). */
export type JsonObject = { [key: string]: JsonValue };

/** A document and its time, as parsed from a payload, before the source numbers it. */
export interface TimedDocument {
  /** Nanoseconds since the epoch (`evt.rawtime`). */
  readonly time: bigint;
  /** The event's document, e.g. one audit `Event` or one CloudTrail record. */
  readonly doc: JsonObject;
}

/** One event of a JSON-document source. */
export interface JsonEvent extends TimedDocument {
  /** Sequence number within the source, from 1 (`evt.num`). */
  readonly num: number;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Go's time.RFC3339 / RFC3339Nano parsing, which both Falco plugins use: `T` separator, seconds
// required, an optional fraction of up to nine digits, then `Z` or a ±hh:mm offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 timestamp into nanoseconds since the epoch, keeping all nine fractional digits
 * (a JS Date would keep three). Undefined when the text is not a valid RFC 3339 timestamp.
 */
export function parseRfc3339Nanos(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March; Go rejects it, so do we.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  let nanos = BigInt(ms) * 1_000_000n + BigInt((frac ?? '').padEnd(9, '0') || '0');
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offsetNanos = BigInt(offsetHours * 3600 + offsetMinutes * 60) * 1_000_000_000n;
    nanos = sign === '+' ? nanos - offsetNanos : nanos + offsetNanos;
  }
  return nanos;
}
