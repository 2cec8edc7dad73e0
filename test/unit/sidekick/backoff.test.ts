import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../../sidekick/index.js';

const policy = { initialMs: 1000, maxMs: 60_000 };

describe('retry backoff', () => {
  it('doubles per attempt with up to half of each delay as jitter', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(policy, n, undefined, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(policy, n, undefined, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never exceeds maxbackoff', () => {
    expect(retryDelay(policy, 40, undefined, () => 1)).toBe(60_000);
  });

  it("honours a Retry-After longer than the backoff, and ignores a shorter one", () => {
    expect(retryDelay(policy, 1, 30_000, () => 1)).toBe(30_000);
    expect(retryDelay(policy, 3, 10, () => 1)).toBe(4000);
  });
});
