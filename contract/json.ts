/**
 * The alert JSON codec: how every boundary (detector sinks, sidekick ingest, stores, UI API, outputs)
 * turns alerts into JSON text and back without losing digits.
 *
 * Falco writes integer fields of `output_fields` as JSON numbers, and some exceed 2^53: `evt.time` and
 * `evt.rawtime` are nanoseconds since the epoch (1700000000123456789). A JS number cannot hold them, so
 * the contract carries an integer outside the safe range as a `bigint` and every integer inside it as a
 * `number` (what JSON.parse gives). `parseJson` and `stringifyJson` keep that rule:
 *
 * - parsing is plain JSON.parse unless the text holds a run of 16 or more digits; only then is the text
 *   scanned (linearly) for integer literals longer than 15 digits outside strings, which are read as
 *   bigint when they do not fit a double exactly;
 * - stringifying is plain JSON.stringify unless the value holds a bigint, which is then written as its
 *   decimal digits, unquoted, as Falco writes it.
 */

/** Digits that a double always holds exactly: any integer literal of 15 digits or fewer. */
const SAFE_DIGITS = 15;
const MAY_HOLD_LONG_INTEGER = /\d{16}/;

/**
 * Prefix of the placeholder strings that stand for long integers between the scan and the revival.
 * It holds a per-process random part, so no string from the outside can be mistaken for one.
 */
const MARK = `\u0000saker-int-${globalThis.crypto.randomUUID()}:`;
const MARK_JSON = JSON.stringify(MARK).slice(1, -1);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Characters that may continue a JSON number after its integer part (fraction, exponent). */
function continuesNumber(code: number): boolean {
  return code === 0x2e /* . */ || code === 0x65 /* e */ || code === 0x45 /* E */;
}

/**
 * Index of the quote that closes the string opened at `open` (the text's end when none does). Jumps
 * from quote to quote with indexOf: strings are most of an alert's text.
 */
function endOfString(text: string, open: number): number {
  let quote = open;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
}

/**
 * Rewrites every integer literal longer than 15 digits that stands outside a string as a placeholder
 * string, so JSON.parse keeps its digits. Undefined when the text has none (the common case). Linear in
 * the text, whatever it holds; malformed JSON is left for JSON.parse to reject.
 */
export function markLongIntegers(text: string): string | undefined {
  if (!MAY_HOLD_LONG_INTEGER.test(text)) return undefined;
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = endOfString(text, i);
      continue;
    }
    if (code !== MINUS && !isDigit(code)) continue;
    // The start of a number: read its integer part.
    const start = i;
    let j = code === MINUS ? i + 1 : i;
    while (j < text.length && isDigit(text.charCodeAt(j))) j++;
    const digits = j - (code === MINUS ? i + 1 : i);
    if (digits > SAFE_DIGITS && !(j < text.length && continuesNumber(text.charCodeAt(j)))) {
      out += `${text.slice(copied, start)}"${MARK_JSON}${text.slice(start, j)}"`;
      copied = j;
    }
    // Skip the rest of the number (fraction, exponent digits) so none of it is read as a new number.
    while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
    i = j - 1;
  }
  return copied === 0 ? undefined : out + text.slice(copied);
}

function isNumberChar(code: number): boolean {
  return isDigit(code) || continuesNumber(code) || code === PLUS || code === MINUS;
}

/** A long integer literal's value: a number when a double holds it exactly, else a bigint. */
function integerValue(literal: string): number | bigint {
  const big = BigInt(literal);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** The value a placeholder stands for, or undefined when `value` is not one. */
function revived(value: unknown): number | bigint | undefined {
  // The first character test keeps the common case (any other string) to one comparison.
  if (typeof value !== 'string' || value.charCodeAt(0) !== 0 || !value.startsWith(MARK)) return undefined;
  return integerValue(value.slice(MARK.length));
}

/** Replaces the placeholders `markLongIntegers` left, in place, and returns the value. */
export function reviveLongIntegers(value: unknown): unknown {
  const top = revived(value);
  if (top !== undefined) return top;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object') reviveLongIntegers(item);
      else {
        const integer = revived(item);
        if (integer !== undefined) value[i] = integer;
      }
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'object') reviveLongIntegers(item);
    else {
      const integer = revived(item);
      if (integer !== undefined) record[key] = integer;
    }
  }
  return value;
}

/**
 * JSON.parse that keeps every integer exactly: those beyond 2^53 come back as bigint. Throws
 * SyntaxError on text that is not JSON, as JSON.parse does.
 */
export function parseJson(text: string): unknown {
  const marked = markLongIntegers(text);
  return marked === undefined ? JSON.parse(text) : reviveLongIntegers(JSON.parse(marked));
}

const BIGINT_PLACEHOLDER = new RegExp(`"${MARK_JSON.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(-?\\d+)"`, 'g');

function bigintToPlaceholder(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${MARK}${value.toString()}` : value;
}

/**
 * JSON.stringify that writes a bigint as a JSON number with all its digits (JSON.stringify throws on
 * one). `space` as in JSON.stringify.
 */
export function stringifyJson(value: unknown, space?: string | number): string {
  if (space === undefined) {
    if (isAlertWithBigint(value)) return stringifyAlertWithBigint(value);
    if (Array.isArray(value) && value.length > 0 && value.every(isAlertWithBigint)) return `[${value.map(stringifyAlertWithBigint).join(',')}]`;
  }
  if (!alertsHoldBigint(value)) {
    try {
      return JSON.stringify(value, null, space);
    } catch (error) {
      // Only a bigint takes the slow path; anything else (a cycle) fails again below, as it should.
      if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    }
  }
  return JSON.stringify(value, bigintToPlaceholder, space).replace(BIGINT_PLACEHOLDER, '$1');
}

type AlertWithFields = Record<string, unknown> & { output_fields: Record<string, unknown> };

function isAlertWithBigint(value: unknown): value is AlertWithFields {
  return !Array.isArray(value) && outputFieldsHoldBigint(value);
}

/**
 * An alert whose bigints sit directly in `output_fields` (nearly every detector alert: evt.time),
 * written without a replacer function, which JSON.stringify would call for every value: only the
 * fields object is copied, its bigints as placeholders. A bigint anywhere else makes JSON.stringify
 * throw, and the general path takes over.
 */
function stringifyAlertWithBigint(alert: AlertWithFields): string {
  // No prototype: a field named `__proto__` stays a plain key, as JSON.parse made it.
  const fields = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(alert.output_fields)) {
    const item = alert.output_fields[key];
    fields[key] = typeof item === 'bigint' ? `${MARK}${item.toString()}` : item;
  }
  try {
    return JSON.stringify({ ...alert, output_fields: fields }).replace(BIGINT_PLACEHOLDER, '$1');
  } catch {
    return JSON.stringify(alert, bigintToPlaceholder).replace(BIGINT_PLACEHOLDER, '$1');
  }
}

function outputFieldsHoldBigint(value: unknown): boolean {
  const fields = typeof value === 'object' && value !== null ? (value as { output_fields?: unknown }).output_fields : undefined;
  if (typeof fields !== 'object' || fields === null) return false;
  for (const key in fields) if (typeof (fields as Record<string, unknown>)[key] === 'bigint') return true;
  return false;
}

/**
 * True when an alert (or the first of a list of alerts) has a bigint output field: where bigints live,
 * and nearly always for detector alerts (evt.time). Skips the throw-and-retry of the general path.
 */
function alertsHoldBigint(value: unknown): boolean {
  return outputFieldsHoldBigint(Array.isArray(value) ? value[0] : value);
}
