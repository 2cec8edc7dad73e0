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

/**
 * Prefix of the placeholder strings that stand for long integers between the scan and the revival.
 * It holds a per-process random part, so no string from the outside can be mistaken for one.
 */
const MARK = `\u0000saker-int-${globalThis.crypto.randomUUID()}:`;
const MARK_JSON = JSON.stringify(MARK).slice(1, -1);

const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;

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

/** Runs of 16 or more digits: each is a long integer literal, or digits inside a string, fraction or exponent. */
const LONG_DIGIT_RUN = new RegExp(`\\d{${SAFE_DIGITS + 1},}`, 'g');

/**
 * Rewrites every integer literal longer than 15 digits that stands outside a string as a placeholder
 * string, so JSON.parse keeps its digits. Undefined when the text has none (the common case). Only the
 * runs of 16 or more digits are looked at; whether one stands in a string is found by hopping from
 * string to string up to it (each quote found once), so the text is read linearly, whatever it holds,
 * and not past its last run. Malformed JSON is left for JSON.parse to reject.
 */
export function markLongIntegers(text: string): string | undefined {
  LONG_DIGIT_RUN.lastIndex = 0;
  let run = LONG_DIGIT_RUN.exec(text);
  if (run === null) return undefined;
  let out = '';
  let copied = 0;
  // The first quote not yet hopped over; every quote before it opened or closed a string.
  let quote = text.indexOf('"');
  while (run !== null) {
    const first = run.index;
    const end = first + run[0].length;
    let resume = end;
    while (quote >= 0 && quote < first) {
      const close = endOfString(text, quote);
      quote = close + 1 < text.length ? text.indexOf('"', close + 1) : -1;
      if (close > first) {
        resume = close + 1; // the run is inside this string
        break;
      }
    }
    if (resume === end) {
      const start = literalStart(text, first);
      if (start >= 0 && !(end < text.length && continuesNumber(text.charCodeAt(end)))) {
        out += `${text.slice(copied, start)}"${MARK_JSON}${text.slice(start, end)}"`;
        copied = end;
      }
    }
    LONG_DIGIT_RUN.lastIndex = resume;
    run = LONG_DIGIT_RUN.exec(text);
  }
  return copied === 0 ? undefined : out + text.slice(copied);
}

/**
 * Where the integer literal whose digits begin at `first` (outside a string) begins: at its minus sign
 * if it has one. -1 when the digits are not an integer literal JSON allows: a fraction's, an
 * exponent's, or ones with a leading zero (left as they are, for JSON.parse to reject).
 */
function literalStart(text: string, first: number): number {
  if (text.charCodeAt(first) === ZERO) return -1;
  const before = text.charCodeAt(first - 1);
  if (before === PLUS) return -1;
  if (before === MINUS) {
    const exponent = text.charCodeAt(first - 2);
    return exponent === 0x65 /* e */ || exponent === 0x45 /* E */ ? -1 : first - 1;
  }
  return continuesNumber(before) ? -1 : first;
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
    if (hasOutputFields(value)) return stringifyAlert(value);
    if (Array.isArray(value) && value.length > 0 && value.every(hasOutputFields)) return `[${value.map(stringifyAlert).join(',')}]`;
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

/** An alert, or anything shaped like one: an object (not an array) with an `output_fields` object. */
function hasOutputFields(value: unknown): value is AlertWithFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const fields = (value as { output_fields?: unknown }).output_fields;
  return typeof fields === 'object' && fields !== null;
}

/**
 * An alert, whose bigints sit directly in `output_fields` (nearly every detector alert: evt.time),
 * written without a replacer function, which JSON.stringify would call for every value, and without
 * copying the alert: its bigint fields are swapped for placeholder strings for the duration of one
 * JSON.stringify call and put back before returning (even when it throws), so no caller can observe
 * the swap. One pass over the fields finds and swaps them. A bigint anywhere else makes
 * JSON.stringify throw, and the general path takes over (a cycle throws there again, as it should).
 */
function stringifyAlert(alert: AlertWithFields): string {
  const fields = alert.output_fields;
  const swapped: string[] = [];
  const values: bigint[] = [];
  let json: string | undefined;
  try {
    for (const key in fields) {
      const item = fields[key];
      if (typeof item !== 'bigint' || !Object.hasOwn(fields, key)) continue;
      fields[key] = `${MARK}${item.toString()}`; // throws on a frozen object: then nothing was swapped
      swapped.push(key);
      values.push(item);
    }
    json = JSON.stringify(alert);
  } catch {
    // The general path below, on the alert as it was.
  } finally {
    for (let i = 0; i < swapped.length; i++) fields[swapped[i] as string] = values[i];
  }
  if (json === undefined) return JSON.stringify(alert, bigintToPlaceholder).replace(BIGINT_PLACEHOLDER, '$1');
  return swapped.length === 0 ? json : unquotePlaceholders(json, swapped.length);
}

const QUOTED_MARK = `"${MARK_JSON}`;

/**
 * `"<placeholder>digits"` → `digits` for the `count` placeholders in JSON text that the fast path above
 * wrote (each followed by its digits and a quote): found with indexOf, cheaper than the regex, and not
 * searched for past the last one.
 */
function unquotePlaceholders(json: string, count: number): string {
  let out = '';
  let copied = 0;
  for (let n = 0; n < count; n++) {
    const at = json.indexOf(QUOTED_MARK, copied);
    if (at < 0) break;
    const digits = at + QUOTED_MARK.length;
    const close = json.indexOf('"', digits);
    out += json.slice(copied, at) + json.slice(digits, close);
    copied = close + 1;
  }
  return copied === 0 ? json : out + json.slice(copied);
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
