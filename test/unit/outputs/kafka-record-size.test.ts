import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Message } from 'kafkajs';
import { batchBytes, RECORD_BATCH_OVERHEAD, recordBytes, runEnd } from '../../../outputs/kafka/record-size.js';

// kafkajs's own record batch encoder (what its Produce v3+ requests carry per partition), to hold the
// output's size figures against the bytes really sent.
const require = createRequire(import.meta.url);
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: Record<string, unknown>) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: Record<string, unknown>) => Promise<{ size(): number }>;
};

/** Bytes of the record batch kafkajs encodes for `messages`, as a produce does (offset and timestamp deltas). */
async function encodedBytes(messages: readonly Message[], timestampSpreadMs = 0): Promise<number> {
  const now = Date.now();
  const records = messages.map((message, i) => Record({ ...message, offsetDelta: i, timestampDelta: (i * timestampSpreadMs) | 0 }));
  const batch = await RecordBatch({ records, firstTimestamp: now, maxTimestamp: now, lastOffsetDelta: records.length - 1 });
  // The batch encoder's first 12 bytes (base offset, length) are part of the record set the broker measures.
  return batch.size();
}

const message = (value: string, key?: string): Message => ({
  ...(key === undefined ? {} : { key }),
  value,
  headers: { priority: 'Critical', rule: 'Terminal shell in container', source: 'syscall', hostname: 'node-1' },
});

describe('kafka record sizes', () => {
  it('bounds the bytes of the record batch kafkajs really encodes, and stays close to it', async () => {
    const batches: Message[][] = [
      [message('{}')],
      [message('é'.repeat(300), 'host-ä')],
      Array.from({ length: 500 }, (_, i) => message('x'.repeat(200 + i * 7), i % 2 === 0 ? `key-${i}` : undefined)),
      Array.from({ length: 40 }, () => message('y'.repeat(70_000))),
    ];
    for (const messages of batches) {
      const sizes = messages.map(recordBytes);
      const estimate = batchBytes(sizes, 0, sizes.length);
      for (const spread of [0, 1, 100_000]) {
        const real = await encodedBytes(messages, spread);
        expect(estimate).toBeGreaterThanOrEqual(real);
        // Varints are counted at their longest: with 4 headers, at most 61 bytes a record too many.
        expect(estimate - real).toBeLessThanOrEqual(61 * messages.length);
      }
    }
    // A batch's fixed part, records count included: what an empty batch is.
    expect(await encodedBytes([])).toBe(RECORD_BATCH_OVERHEAD);
  });

  it('cuts records into consecutive runs within the budget, a record too big for it alone in its own run', () => {
    const sizes = [100, 100, 100, 500, 100, 100];
    const runs = (budget: number): [number, number][] => {
      const out: [number, number][] = [];
      for (let start = 0; start < sizes.length; ) {
        const end = runEnd(sizes, budget, start);
        out.push([start, end]);
        start = end;
      }
      return out;
    };
    expect(runs(10_000)).toEqual([[0, 6]]);
    expect(runs(RECORD_BATCH_OVERHEAD + 200)).toEqual([[0, 2], [2, 3], [3, 4], [4, 6]]);
    expect(runs(RECORD_BATCH_OVERHEAD + 199)).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
    for (const budget of [1, 300, 700, 1_000]) {
      for (const [start, end] of runs(budget)) {
        expect(end - start === 1 || batchBytes(sizes, start, end) <= budget).toBe(true);
      }
    }
  });
});
