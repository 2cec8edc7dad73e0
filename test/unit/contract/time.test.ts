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
