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
