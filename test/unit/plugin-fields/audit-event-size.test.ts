import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../detector/sources/json-event.js';
import { compactSizeOver } from '../../../detector/sources/k8s-audit/event-size.js';
import { parseAuditPayload } from '../../../detector/sources/k8s-audit/index.js';

const exactSize = (value: JsonValue): number => Buffer.byteLength(JSON.stringify(value));

// Documents whose compact JSON differs from a naive count: escapes, multi-byte text, lone
// surrogates, numbers that print longer than they parse, empty containers, deep nesting.
const DOCUMENTS: Record<string, JsonValue> = {
  plain: { kind: 'Event', verb: 'get', code: 200, ok: true, none: null },
  escapes: { reason: 'allowed by "cluster-admin"\\ \n\t\u0001', path: '/a/b' },
  multibyte: { user: 'zoë 名前 🚀', '键': 'värde' },
  loneSurrogate: { odd: '\ud800x\udfff' },
  numbers: { big: 1e20, small: 0.0000012345678901, tiny: -1.5e-7, neg: -0, list: [1e21, -1.7976931348623157e308, 0.1] },
  empty: { a: [], b: {}, c: '' },
  nested: [[[{ a: [[['deep']]] }]]],
};

describe('compactSizeOver (maxEventSize check without serialising)', () => {
  for (const [name, doc] of Object.entries(DOCUMENTS)) {
    it(`is exact at the limit: ${name}`, () => {
      const size = exactSize(doc);
      expect(compactSizeOver(doc, size)).toBeUndefined();
      expect(compactSizeOver(doc, size - 1)).toBe(size);
      expect(compactSizeOver(doc, 0)).toBe(size);
    });
  }

  it('accepts a document whose worst-case bound is over the limit but whose real size is not', () => {
    const doc = { data: 'x'.repeat(1000) };
    // The bound counts 6 bytes per character; the real size is 1011 bytes.
    expect(compactSizeOver(doc, 1011)).toBeUndefined();
    expect(compactSizeOver(doc, 1010)).toBe(1011);
  });

  it('parseAuditPayload skips exactly the events over maxEventSize', () => {
    const event = (id: string, data: string): JsonValue => ({ kind: 'Event', auditID: id, stageTimestamp: '2026-01-01T00:00:00.000000Z', requestObject: { data } });
    const fits = event('fits', 'é"'.repeat(300));
    const limit = exactSize(fits);
    const over = event('over', `${'é"'.repeat(300)}x`);
    const { events, skips } = parseAuditPayload([fits, over], { maxEventSize: limit });
    expect(events.map((e) => e.doc.auditID)).toEqual(['fits']);
    expect(skips).toEqual([{ reason: 'too-large', where: 'payload', detail: `event larger than maxEventSize: size=${limit + 1}` }]);
  });
});
