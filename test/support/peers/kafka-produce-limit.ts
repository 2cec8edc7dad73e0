import { Reader, Writer } from './kafka-wire.js';

/**
 * What a Kafka broker does with a Produce request whose record batch for a partition is larger than the
 * topic's `max.message.bytes` (broker `message.max.bytes`): that partition is refused with error code 10,
 * MESSAGE_TOO_LARGE, and nothing of it is written, while the request's other partitions are appended as
 * usual. The librdkafka mock cluster enforces no such limit, so the Kafka front does it in its place: it
 * forwards the request without the oversized partitions and adds their refusals to the mock's answer.
 *
 * Wire layouts (Kafka protocol guide; non-flexible versions only, Produce v0–v7 as kafkajs 2.2 speaks):
 * request = [transactional_id NULLABLE_STRING (v3+)] acks INT16 timeout_ms INT32
 *           [topic: name STRING [partition: index INT32 records NULLABLE_BYTES]];
 * response = [topic: name STRING [partition: index INT32 error_code INT16 base_offset INT64
 *           log_append_time_ms INT64 (v2+) log_start_offset INT64 (v5+)]] throttle_time_ms INT32 (v1+).
 */

/** Highest Produce version whose layout is the one above (v8 adds per-record errors, v9 is flexible). */
export const PRODUCE_MAX_VERSION = 7;

const MESSAGE_TOO_LARGE = 10;

/** A partition's record batch the front refused. */
export interface RefusedPartition {
  topic: string;
  partition: number;
  /** Size of the refused record set, as the broker measures it. */
  bytes: number;
}

export interface LimitedProduce {
  /** The request body without the refused partitions (topics left with none are dropped). */
  body: Buffer;
  refused: RefusedPartition[];
  /** Largest record set let through, in bytes. */
  largestForwarded: number;
  /** acks 0: the client expects no response at all. */
  noResponse: boolean;
}

/** Splits a Produce request body at `maxBytes` per partition record set. */
export function limitProduce(body: Buffer, version: number, maxBytes: number): LimitedProduce {
  const r = new Reader(body);
  const w = new Writer();
  if (version >= 3) w.string(r.string());
  const acks = r.int16();
  w.int16(acks).int32(r.int32());
  const topics: { name: string; partitions: { index: number; records: Buffer; length: number }[] }[] = [];
  const topicCount = r.int32();
  for (let t = 0; t < topicCount; t++) {
    const name = r.string() ?? '';
    const partitions: { index: number; records: Buffer; length: number }[] = [];
    const partitionCount = r.int32();
    for (let p = 0; p < partitionCount; p++) {
      const index = r.int32();
      const length = r.int32();
      partitions.push({ index, length, records: r.raw(Math.max(0, length)) });
    }
    topics.push({ name, partitions });
  }
  const refused: RefusedPartition[] = [];
  let largestForwarded = 0;
  const kept = topics
    .map(({ name, partitions }) => ({
      name,
      partitions: partitions.filter(({ index, records }) => {
        if (records.length <= maxBytes) {
          largestForwarded = Math.max(largestForwarded, records.length);
          return true;
        }
        refused.push({ topic: name, partition: index, bytes: records.length });
        return false;
      }),
    }))
    .filter(({ partitions }) => partitions.length > 0);
  w.int32(kept.length);
  for (const { name, partitions } of kept) {
    w.string(name).int32(partitions.length);
    for (const { index, length, records } of partitions) w.int32(index).int32(length).raw(records);
  }
  return { body: w.buffer(), refused, largestForwarded, noResponse: acks === 0 };
}

/** Adds the refused partitions, with MESSAGE_TOO_LARGE, to the broker's Produce response body. */
export function addRefusals(body: Buffer, version: number, refused: readonly RefusedPartition[]): Buffer {
  const partitionBytes = 4 + 2 + 8 + (version >= 2 ? 8 : 0) + (version >= 5 ? 8 : 0);
  const refusal = (partition: number) => {
    const w = new Writer().int32(partition).int16(MESSAGE_TOO_LARGE).int64(-1n);
    if (version >= 2) w.int64(-1n);
    if (version >= 5) w.int64(-1n);
    return w.buffer();
  };
  const r = new Reader(body);
  const topics = new Map<string, Buffer[]>();
  const topicCount = r.int32();
  for (let t = 0; t < topicCount; t++) {
    const name = r.string() ?? '';
    const partitions: Buffer[] = [];
    const partitionCount = r.int32();
    for (let p = 0; p < partitionCount; p++) partitions.push(r.raw(partitionBytes));
    topics.set(name, partitions);
  }
  for (const { topic, partition } of refused) topics.set(topic, [...(topics.get(topic) ?? []), refusal(partition)]);
  const w = new Writer().int32(topics.size);
  for (const [name, partitions] of topics) {
    w.string(name).int32(partitions.length);
    for (const partition of partitions) w.raw(partition);
  }
  return w.raw(r.rest()).buffer();
}
