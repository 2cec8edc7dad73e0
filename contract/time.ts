/**
 * Formats a timestamp in nanoseconds since the epoch as RFC 3339 with nine fractional digits, the way
 * Falco writes `time` in its JSON alerts (`2026-11-22T10:00:00.123456789Z`).
 */
export function formatNanoTime(epochNanos: bigint): string {
  const nanosPerSecond = 1_000_000_000n;
  let seconds = epochNanos / nanosPerSecond;
  let nanos = epochNanos % nanosPerSecond;
  if (nanos < 0n) {
    nanos += nanosPerSecond;
    seconds -= 1n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${nanos.toString().padStart(9, '0')}Z`;
}

/** Current wall-clock time in nanoseconds since the epoch (millisecond precision plus hrtime's sub-ms part). */
export function nowNanos(): bigint {
  const ms = BigInt(Date.now());
  const subMs = process.hrtime.bigint() % 1_000_000n;
  return ms * 1_000_000n + subMs;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * `HH:MM:SS.nnnnnnnnn` in the local time zone: Falco's `%evt.time`, which starts its text output
 * line. In containers, where the zone is usually UTC, it is the UTC clock time.
 */
export function formatLocalClock(epochNanos: bigint): string {
  const date = new Date(Number(epochNanos / 1_000_000n));
  const nanos = ((epochNanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${nanos.toString().padStart(9, '0')}`;
}
