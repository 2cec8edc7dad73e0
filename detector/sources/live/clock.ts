/**
 * Kernel timestamps to wall-clock time. bpftrace's `nsecs` is the kernel's CLOCK_MONOTONIC, and so is
 * Node's `process.hrtime.bigint()` on Linux; the offset between that clock and the epoch is measured
 * once, so event times keep their kernel ordering and spacing even if the wall clock is stepped later.
 */

const NS_PER_MS = 1_000_000n;

/** Converts kernel monotonic nanoseconds to nanoseconds since the epoch. */
export class MonotonicClock {
  /** Epoch ns minus monotonic ns. */
  readonly offsetNs: bigint;

  /** `offsetNs` fixes the offset (tests, replays); without it the offset is measured now. */
  constructor(offsetNs?: bigint) {
    this.offsetNs = offsetNs ?? measureOffset();
  }

  toEpochNs(ktime: bigint): bigint {
    return ktime + this.offsetNs;
  }
}

/**
 * Reads the two clocks back to back; sampling the monotonic clock on both sides of `Date.now()` and
 * taking the midpoint halves the error of the (millisecond) wall-clock read's position.
 */
function measureOffset(): bigint {
  const before = process.hrtime.bigint();
  const wall = BigInt(Date.now()) * NS_PER_MS;
  const after = process.hrtime.bigint();
  return wall - (before + (after - before) / 2n);
}
