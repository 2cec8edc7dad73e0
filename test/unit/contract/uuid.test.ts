import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeOrderedUuid } from '../../../contract/index.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix time in ms a version 7 uuid carries in its first 48 bits. */
function msOf(uuid: string): number {
  return Number.parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('timeOrderedUuid', () => {
  it('makes RFC 9562 version 7 uuids that carry the current time', () => {
    const before = Date.now();
    const uuid = timeOrderedUuid();
    const after = Date.now();
    expect(uuid).toMatch(UUID_V7);
    expect(msOf(uuid)).toBeGreaterThanOrEqual(before);
    expect(msOf(uuid)).toBeLessThanOrEqual(after + 1);
  });

  it('makes each uuid sort after the one before, many to a millisecond, and never repeats one', () => {
    const made = Array.from({ length: 20_000 }, () => timeOrderedUuid());
    expect(made.findIndex((uuid, i) => i > 0 && uuid <= made[i - 1]!)).toBe(-1);
    expect(new Set(made).size).toBe(made.length);
    expect(made.filter((uuid) => !UUID_V7.test(uuid))).toEqual([]);
  });

  it('keeps the order when the clock steps back', () => {
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(4_102_444_800_000); // 2100-01-01, later than any uuid made before this test
    const first = timeOrderedUuid();
    now.mockReturnValue(4_102_444_800_000 - 60_000);
    const second = timeOrderedUuid();
    expect(second > first).toBe(true);
    expect(msOf(second)).toBe(msOf(first));
    expect(second).toMatch(UUID_V7);
  });

  it('starts fresh random bits in a new millisecond', () => {
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(4_102_444_900_000);
    const a = timeOrderedUuid();
    now.mockReturnValue(4_102_444_900_001);
    const b = timeOrderedUuid();
    expect(msOf(b)).toBe(msOf(a) + 1);
    // Not a counter over the previous one: the random part is drawn again (equal only by a 1 in 2^74 chance).
    expect(b.slice(14)).not.toBe(a.slice(14));
  });
});
