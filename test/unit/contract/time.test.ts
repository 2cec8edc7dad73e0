import { describe, expect, it } from 'vitest';
import { formatNanoTime } from '../../../contract/index.js';

describe('formatNanoTime', () => {
  it('writes RFC 3339 with nine fractional digits, as Falco does', () => {
    expect(formatNanoTime(1732270830123456789n)).toBe('2024-11-22T10:20:30.123456789Z');
  });

  it('pads small fractions and handles the epoch', () => {
    expect(formatNanoTime(5n)).toBe('1970-01-01T00:00:00.000000005Z');
    expect(formatNanoTime(0n)).toBe('1970-01-01T00:00:00.000000000Z');
  });
});

describe('formatLocalClock', () => {
  it('prints the local clock time with nine fractional digits, as Falco starts its output line', async () => {
    const { formatLocalClock } = await import('../../../contract/index.js');
    const nanos = 1732270830123456789n;
    const local = new Date(1732270830123);
    const expected = `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:${String(local.getSeconds()).padStart(2, '0')}.123456789`;
    expect(formatLocalClock(nanos)).toBe(expected);
    expect(formatLocalClock(5n)).toMatch(/^\d\d:\d\d:\d\d\.000000005$/);
  });
});
