import { describe, expect, it } from 'vitest';
import { parseRfc3339Nanos } from '../../../detector/sources/json-event.js';
import { StageTimeParser } from '../../../detector/sources/k8s-audit/stage-time.js';

// Fast-path shapes, shapes that must fall back, and invalid texts; several share a second so the
// cached calendar part is reused, and some differ in one field from a cached second.
const TEXTS = [
  '2026-11-23T01:02:03.123456Z',
  '2026-11-23T01:02:03.123457Z',
  '2026-11-23T01:02:03Z',
  '2026-11-23T01:02:03.1Z',
  '2026-11-23T01:02:03.000000001Z',
  '2026-11-23T01:02:03.999999999Z',
  '2026-11-23T01:02:03.1234567890Z',
  '2026-11-23T01:02:03.Z',
  '2026-11-23T01:02:03.12a4Z',
  '2026-11-23T01:02:04.5Z',
  '2026-11-23T01:02:03.5z',
  '2026-11-23t01:02:03.5Z',
  '2026-11-23T01:02:03.5+02:00',
  '2026-11-23T01:02:03.5-00:30',
  '2026-02-31T01:02:03.5Z',
  '2026-02-31T01:02:03Z',
  '2026-13-01T00:00:00.1Z',
  '2026-11-23T24:00:00.1Z',
  '2026-11-23 01:02:03.1Z',
  '2026-11-23T01:02:03,1Z',
  '2026-11-23T01:02Z',
  '1970-01-01T00:00:00.000000000Z',
  '1969-12-31T23:59:59.5Z',
  'Z',
  '',
  '2026-11-23T01:02:03.123456Z',
];

describe('StageTimeParser', () => {
  it('gives what parseRfc3339Nanos gives for every text, in any order', () => {
    const parser = new StageTimeParser();
    for (const text of [...TEXTS, ...[...TEXTS].reverse()]) expect([text, parser.parse(text)]).toEqual([text, parseRfc3339Nanos(text)]);
  });

  it('does not carry a cached second over to a text of another second', () => {
    const parser = new StageTimeParser();
    expect(parser.parse('2026-11-23T01:02:03.5Z')).toBe(parseRfc3339Nanos('2026-11-23T01:02:03.5Z'));
    expect(parser.parse('2026-11-23T01:02:04.5Z')).toBe(parseRfc3339Nanos('2026-11-23T01:02:03.5Z')! + 1_000_000_000n);
    // An invalid second after a valid one must not reuse the valid one.
    expect(parser.parse('2026-02-30T01:02:04.5Z')).toBeUndefined();
    expect(parser.parse('2026-11-23T01:02:04.25Z')).toBe(parseRfc3339Nanos('2026-11-23T01:02:04.25Z'));
  });
});
