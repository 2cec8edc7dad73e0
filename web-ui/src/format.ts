import { stringifyExact } from './exact-json.js';

/** `2026-11-22 10:00:00.123` in the browser's time zone; the raw string when it does not parse. */
export function formatTime(time: string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return time;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

/** An output field value as text: strings as they are, everything else as JSON (integers digit-exact). */
export function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : stringifyExact(value);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 alert`, `2,000 alerts`. */
export function alertCount(n: number): string {
  return `${formatCount(n)} alert${n === 1 ? '' : 's'}`;
}
