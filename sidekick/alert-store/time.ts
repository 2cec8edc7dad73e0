/**
 * Converts an RFC 3339 timestamp with up to nine fractional digits into microseconds since the epoch,
 * the resolution the store indexes (JavaScript's Date keeps only milliseconds). NaN when unparseable.
 */
export function timeToMicros(time: string): number {
  const match = /^(.{19})(?:\.(\d{1,9}))?(.*)$/.exec(time);
  if (!match) return Number.NaN;
  const fraction = (match[2] ?? '').padEnd(6, '0');
  const ms = Date.parse(`${match[1]}.${fraction.slice(0, 3)}${match[3] ?? ''}`);
  return ms * 1000 + Number(fraction.slice(3, 6));
}
