import type { Message } from 'kafkajs';

/**
 * Byte sizes of Kafka records as a producer writes them (record batch format v2, which kafkajs uses for
 * Produce v3+). A broker refuses a partition's record batch larger than the topic's `max.message.bytes`
 * (broker default `message.max.bytes`, 1,048,588) with MESSAGE_TOO_LARGE, so a produce must be cut before
 * it gets there. The figures are upper bounds: varints are counted at their longest, and compression
 * (which the broker checks after) can only make a batch smaller.
 */

/** A record batch's fixed header: base offset … record count (61 bytes in format v2). */
export const RECORD_BATCH_OVERHEAD = 61;

/**
 * A record's fixed fields at their longest: length varint (5), attributes (1), timestamp delta varlong
 * (10), offset delta varint (5), key length (5), value length (5), header count (5).
 */
const RECORD_OVERHEAD = 36;

/** A header's key length and value length varints, at their longest. */
const HEADER_OVERHEAD = 10;

function bytesOf(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Upper bound of the bytes `message` adds to a record batch. */
export function recordBytes(message: Message): number {
  let bytes = RECORD_OVERHEAD + bytesOf(message.key) + bytesOf(message.value);
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) bytes += HEADER_OVERHEAD + Buffer.byteLength(key) + bytesOf(v as Buffer | string | undefined);
  }
  return bytes;
}

/** Bytes of one record batch holding the records `sizes[start..end)`. */
export function batchBytes(sizes: readonly number[], start: number, end: number): number {
  let bytes = RECORD_BATCH_OVERHEAD;
  for (let i = start; i < end; i++) bytes += sizes[i]!;
  return bytes;
}

/**
 * End of the run of records starting at `start` that fits in `budget` bytes as one record batch: the
 * records `[start, end)`, in order. A record too big for the budget on its own is a run of its own:
 * whether it fits is the broker's call, not the budget's. A produce spreads a run over partitions, so no
 * partition's batch is larger than the run's.
 */
export function runEnd(sizes: readonly number[], budget: number, start: number): number {
  let bytes = RECORD_BATCH_OVERHEAD + sizes[start]!;
  let end = start + 1;
  while (end < sizes.length && bytes + sizes[end]! <= budget) bytes += sizes[end++]!;
  return end;
}
