// The sidekick's Kafka path as a whole (ingest → outbox → delivery queue → kafkajs → broker): an alert
// leaves the outbox only once the broker acknowledged it, and a broker outage loses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { createOutput } from '../../../outputs/index.js';
import { startKafkaMockBroker, type KafkaMockBroker } from '../../support/peers/kafka-broker.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';
import { removeDataDirs, startSidekick, until, type RunningSidekick } from '../sidekick/harness.js';

const TOPIC = 'falco-delivery';
const ALERTS = 1200;

let broker: KafkaMockBroker;
let sidekick: RunningSidekick;

beforeAll(async () => {
  broker = await startKafkaMockBroker({ topic: TOPIC });
  sidekick = await startSidekick({
    // Several batches in flight (maxbatch 100 → 12 batches), quick retries; acks ALL as by default. The
    // mock cannot run the idempotent producer (see kafka.test.ts).
    env: { OUTPUTS_MAXCONCURRENTREQUESTS: '0', OUTBOX_INITIALBACKOFF: '50', OUTBOX_MAXBACKOFF: '200', OUTBOX_SENDTIMEOUT: '3000' },
    routes: () => [{ name: 'kafka', output: createOutput('kafka', { hostport: broker.brokers, topic: TOPIC, idempotent: false, timeout: 1000, maxbatch: 100 }, 'kafka') }],
  });
});

afterAll(async () => {
  broker?.resume();
  await sidekick?.stop();
  await broker?.stop();
  removeDataDirs();
});

const uuidsOf = (payloads: readonly string[]): Set<string | undefined> => new Set(payloads.map((p) => (JSON.parse(p) as Alert).uuid));

describe('the sidekick delivering to Kafka', () => {
  it('keeps every alert pending while the broker cannot acknowledge, and delivers them all once it is back', async () => {
    const { outbox } = sidekick.sidekick;
    // Warm: the producer is connected and knows the topic, so what follows is a broker that stops answering.
    const warm = await sidekick.post('/', sampleAlert());
    expect(warm.status).toBe(200);
    await until('the first alert delivered', () => outbox.pendingCount === 0);

    await broker.pause();
    const uuids: string[] = [];
    try {
      for (let i = 0; i < ALERTS; i += 200) {
        const { status, json } = await sidekick.post('/batch', Array.from({ length: 200 }, () => sampleAlert()));
        expect(status).toBe(200);
        uuids.push(...(json as { uuids: string[] }).uuids);
      }
      // Every batch was tried and failed (no acknowledgement): nothing may have left the outbox.
      await until(
        'a failed attempt for every alert',
        () => uuids.every((uuid) => outbox.deliveryStatus(uuid).some((r) => r.state === 'pending' && r.attempts > 0)),
        20_000,
      );
      expect(outbox.pendingCount).toBe(ALERTS);
    } finally {
      broker.resume();
    }

    await until('the outbox drained', () => outbox.pendingCount === 0, 30_000);
    expect(uuids.every((uuid) => outbox.deliveryStatus(uuid).some((r) => r.state === 'delivered'))).toBe(true);
    // At least once: a request that timed out while the broker was frozen may land too, as a duplicate.
    const consumed = await broker.waitUntil((seen) => {
      const seenUuids = uuidsOf(seen.map((m) => m.payload));
      return uuids.every((uuid) => seenUuids.has(uuid));
    }, 30_000);
    expect(consumed.length).toBeGreaterThanOrEqual(ALERTS + 1);
    expect(consumed.every((m) => m.headers.priority !== undefined && m.headers.rule !== undefined)).toBe(true);
  });
});
