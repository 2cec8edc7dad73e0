/**
 * JSON with exact integers in the browser. Falco's `evt.time` and `evt.rawtime` are integer
 * nanoseconds beyond 2^53; a plain JSON.parse would show them rounded. The reviver reads the literal's
 * source text (JSON.parse source text access, Chromium 114+) and keeps such an integer as a bigint;
 * where the browser lacks it, the value stays the rounded number, as before.
 */

type SourceReviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const keepLongIntegers: SourceReviver = (_key, value, context) => {
  if (typeof value !== 'number' || Number.isSafeInteger(value) || !Number.isInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && /^-?\d+$/.test(source) ? BigInt(source) : value;
};

/** JSON.parse keeping integers beyond 2^53 exact (as bigint). */
export function parseExact(text: string): unknown {
  return JSON.parse(text, keepLongIntegers as (this: unknown, key: string, value: unknown) => unknown);
}

/** JSON.stringify that writes a bigint as its digits, unquoted. */
export function stringifyExact(value: unknown, space?: number): string {
  const marker = `\u0000bigint:${Math.random().toString(36).slice(2)}:`;
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${marker}${v.toString()}` : v), space);
  return text.split(`"${JSON.stringify(marker).slice(1, -1)}`).map((part, i) => (i === 0 ? part : part.replace(/^(-?\d+)"/, '$1'))).join('');
}
