import { parseRfc3339Nanos } from '../json-event.js';

/** `YYYY-MM-DDTHH:MM:SS`: the part of a timestamp that events of the same second share. */
const SECONDS_LENGTH = 19;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const UPPER_Z = 0x5a;
/** 10^(9 - digits): scales a fraction of 1..9 digits to nanoseconds. */
const SCALE = [0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1000, 100, 10, 1];

/**
 * Reads `stageTimestamp`s as parseRfc3339Nanos does (the same value, or undefined for the same
 * texts), faster for the API server's own form `2026-11-23T01:02:03.123456Z`: events arrive in
 * batches stamped within the same second, so the calendar part is computed once per second and
 * only the fraction per event. Anything else takes the general parse.
 */
export class StageTimeParser {
  private seconds = '';
  private secondsNanos = 0n;

  parse(text: string): bigint | undefined {
    const length = text.length;
    if (length < SECONDS_LENGTH + 1 || text.charCodeAt(length - 1) !== UPPER_Z) return parseRfc3339Nanos(text);
    const fraction = fractionNanos(text, length - 1);
    if (fraction === undefined) return parseRfc3339Nanos(text);
    const seconds = text.slice(0, SECONDS_LENGTH);
    if (seconds !== this.seconds) {
      const base = parseRfc3339Nanos(`${seconds}Z`);
      if (base === undefined) return undefined;
      this.seconds = seconds;
      this.secondsNanos = base;
    }
    return fraction === 0 ? this.secondsNanos : this.secondsNanos + BigInt(fraction);
  }
}

/** Nanoseconds of the `.ddd` between the seconds and `end` (0 when there is none), or undefined when it is not 1..9 digits. */
function fractionNanos(text: string, end: number): number | undefined {
  if (end === SECONDS_LENGTH) return 0;
  if (text.charCodeAt(SECONDS_LENGTH) !== DOT) return undefined;
  const digits = end - SECONDS_LENGTH - 1;
  if (digits < 1 || digits > 9) return undefined;
  let value = 0;
  for (let i = SECONDS_LENGTH + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return undefined;
    value = value * 10 + (c - ZERO);
  }
  return value * (SCALE[digits] as number);
}
