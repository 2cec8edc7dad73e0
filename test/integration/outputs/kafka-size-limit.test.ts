// Saker's Kafka output against a broker that enforces a record batch size limit, as a real one does with
// the topic's max.message.bytes: the Kafka front (test/support/peers/kafka-produce-limit.ts) refuses a
// partition's record batch above LIMIT with MESSAGE_TOO_LARGE (10) and forwards the rest to the librdkafka
// mock cluster, whose consumer shows what really arrived.
import { afterAll, describe, expect, it } from 'vitest';
import { configLeaves, ConfigSchema, loadConfig } from '../../../common/config/index.js';
import type { Alert } from '../../../contract/index.js';
import { parseJson } from '../../../contract/json.js';
import type { DeliveryResult, SendContext } from '../../../outputs/index.js';
import { useKafkaFrontSuite } from '../../support/peers/kafka-front-suite.js';
import { producedCount, startKafkaSecureFront, type KafkaSecureFront } from '../../support/peers/kafka-secure-front.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';
import { removeDataDirs, startSidekick, until } from '../sidekick/harness.js';

const TOPIC = 'falco-size';
/** The front's limit on one partition's record batch, in bytes. */
const LIMIT = 64 * 1024;

// Keyed by hostname with the consistent crc32 balancer: every alert of one host lands in one partition,
// so a batch is one record batch there, as on a one-partition topic.
const suite = useKafkaFrontSuite(TOPIC, { key: 'hostname', balancer: 'crc32' });
const { kafka } = suite;

/** A fresh signal per send, as the delivery layer gives; `warnings` collects what the output logs. */
function context(warnings: string[] = []): SendContext {
  return { signal: new AbortController().signal, log: { debug() {}, warn: (_obj, msg) => warnings.push(msg ?? '') } };
}

const front = (): Promise<KafkaSecureFront> => suite.front({ maxRecordBytes: LIMIT });

/** An alert of about `bytes` bytes of JSON. */
function alertOf(bytes: number, hostname = 'node-size'): Alert {
  return sampleAlert({ hostname, output_fields: { 'container.id': 'abc123def456', 'proc.env': 'x'.repeat(bytes) } });
}

const uuidOf = (payload: string) => (parseJson(payload) as Alert).uuid;
const refusedOf = (listener: KafkaSecureFront) => listener.sessions().flatMap((s) => s.refused);
const largestOf = (listener: KafkaSecureFront) => Math.max(0, ...listener.sessions().map((s) => s.largestRecords));

/** Waits until every alert was consumed, then checks they sit in one partition in the order they were sent. */
async function expectArrivedInOrder(alerts: readonly Alert[]): Promise<void> {
  const wanted = new Set(alerts.map((a) => a.uuid));
  const consumed = await suite.broker.waitUntil((seen) => {
    const uuids = new Set(seen.map((m) => uuidOf(m.payload)));
    return alerts.every((a) => uuids.has(a.uuid));
  });
  const mine = consumed.filter((m) => wanted.has(uuidOf(m.payload)));
  expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
  expect(mine.sort((a, b) => a.offset - b.offset).map((m) => uuidOf(m.payload))).toEqual(alerts.map((a) => a.uuid));
}

afterAll(removeDataDirs);

describe('kafka output against a broker with a record batch size limit', () => {
  it('sends a batch the broker refuses as too large again cut smaller: every alert arrives, in order, none refused for good', async () => {
    const listener = await front();
    const output = kafka(listener.brokers); // default kafka.maxbatchbytes, far above LIMIT
    const alerts = Array.from({ length: 200 }, () => alertOf(2000)); // some 480 KB: over seven times LIMIT
    const warnings: string[] = [];
    const results = await output.send(alerts, context(warnings));
    expect(results).toEqual(alerts.map(() => ({ status: 'ok' })));
    await expectArrivedInOrder(alerts);
    // The broker did refuse (so the recovery really ran), and nothing above its limit was written.
    const refused = refusedOf(listener);
    expect(refused.length).toBeGreaterThan(0);
    for (const partition of refused) expect(partition.bytes).toBeGreaterThan(LIMIT);
    expect(largestOf(listener)).toBeLessThanOrEqual(LIMIT);
    expect(warnings.some((w) => /refused a \d+-byte produce as too large/.test(w))).toBe(true);

    // The output keeps the smaller size: the next batch is cut before the broker has to refuse anything.
    const next = Array.from({ length: 200 }, () => alertOf(2000));
    expect(await output.send(next, context())).toEqual(next.map(() => ({ status: 'ok' })));
    await expectArrivedInOrder(next);
    expect(refusedOf(listener)).toHaveLength(refused.length);
  });

  it('keeps every produce within kafka.maxbatchbytes, so a broker whose limit is above it refuses nothing', async () => {
    const listener = await front();
    const budget = 32 * 1024;
    const output = kafka(listener.brokers, { maxbatchbytes: budget });
    const alerts = Array.from({ length: 150 }, () => alertOf(2000));
    expect(await output.send(alerts, context())).toEqual(alerts.map(() => ({ status: 'ok' })));
    await expectArrivedInOrder(alerts);
    expect(refusedOf(listener)).toEqual([]);
    expect(largestOf(listener)).toBeLessThanOrEqual(budget);
    const total = alerts.reduce((n, a) => n + JSON.stringify(a).length, 0);
    expect(producedCount(listener.sessions())).toBeGreaterThanOrEqual(Math.ceil(total / budget));
  });

  it('reports an alert the broker refuses on its own as permanent, naming its size, and delivers the rest of its batch', async () => {
    const listener = await front();
    const good = kafka(listener.brokers);
    const huge = alertOf(LIMIT + 10_000);
    const alerts = [alertOf(500), huge, alertOf(500), alertOf(500)];
    const results = await good.send(alerts, context());
    expect(results.map((r: DeliveryResult) => r.status)).toEqual(['ok', 'permanent', 'ok', 'ok']);
    const reason = results[1]?.status === 'permanent' ? results[1].reason : '';
    expect(reason).toMatch(/^MESSAGE_TOO_LARGE: /);
    const bytes = Number(/\((\d+) bytes as a record batch\)/.exec(reason)?.[1]);
    expect(bytes).toBeGreaterThan(LIMIT);
    expect(refusedOf(listener).some((p) => p.bytes > LIMIT + 10_000)).toBe(true);
    const delivered = alerts.filter((a) => a !== huge);
    await expectArrivedInOrder(delivered);
    // The refused alert never reaches the topic: a sentinel sent after it arrives, the alert does not.
    const sentinel = alertOf(10);
    expect(await good.send([sentinel], context())).toEqual([{ status: 'ok' }]);
    const consumed = await suite.broker.waitUntil((seen) => seen.some((m) => uuidOf(m.payload) === sentinel.uuid));
    expect(consumed.some((m) => uuidOf(m.payload) === huge.uuid)).toBe(false);
  });

  it('stops a batch at the first request that fails otherwise: the later alerts are retryable, not sent ahead of it', async () => {
    const gone = await startKafkaSecureFront({ upstream: suite.broker.brokers, maxRecordBytes: LIMIT });
    const hostport = gone.brokers;
    await gone.close();
    const alerts = Array.from({ length: 30 }, () => alertOf(2000));
    const results = await kafka(hostport, { maxbatchbytes: 16 * 1024 }).send(alerts, context());
    expect(results).toHaveLength(alerts.length);
    expect(results.every((r) => r.status === 'retryable')).toBe(true);
    const reasons = results.map((r) => (r.status === 'retryable' ? r.reason : ''));
    // The first request's alerts carry its failure; the rest (three more requests' worth) were never tried.
    expect(reasons[0]).not.toMatch(/^not sent/);
    expect(reasons.at(-1)).toMatch(/^not sent: an earlier produce of this batch failed \(KafkaJS\w+Error/);
  });

  it('through the sidekick: a backlog bigger than the limit is delivered whole, only the alert too big on its own is dead-lettered', async () => {
    const listener = await front();
    const sidekick = await startSidekick({
      env: { OUTBOX_INITIALBACKOFF: '50', OUTBOX_MAXBACKOFF: '200' },
      routes: () => [{ name: 'kafka', output: kafka(listener.brokers) }],
    });
    try {
      const { outbox } = sidekick.sidekick;
      const backlog = Array.from({ length: 150 }, () => alertOf(2000, 'node-sidekick'));
      const huge = alertOf(LIMIT + 10_000, 'node-sidekick');
      const { status, json } = await sidekick.post('/batch', [...backlog.slice(0, 75), huge, ...backlog.slice(75)]);
      expect(status).toBe(200);
      const uuids = (json as { uuids: string[] }).uuids;
      expect(uuids).toHaveLength(151);
      await until('the outbox drained', () => outbox.pendingCount === 0, 30_000);
      const [hugeUuid] = uuids.splice(75, 1);
      expect(outbox.deliveryStatus(hugeUuid!)).toMatchObject([{ output: 'kafka', state: 'dead', error: expect.stringMatching(/^MESSAGE_TOO_LARGE: .*\d+ bytes/) as unknown }]);
      for (const uuid of uuids) expect(outbox.deliveryStatus(uuid)).toMatchObject([{ output: 'kafka', state: 'delivered' }]);
      const consumed = await suite.broker.waitUntil((seen) => {
        const seenUuids = new Set(seen.map((m) => uuidOf(m.payload)));
        return uuids.every((uuid) => seenUuids.has(uuid));
      });
      expect(consumed.some((m) => uuidOf(m.payload) === hugeUuid)).toBe(false);
      expect(refusedOf(listener).length).toBeGreaterThan(0);
    } finally {
      await sidekick.stop();
    }
  });

  it('declares kafka.maxbatchbytes (env KAFKA_MAXBATCHBYTES) with a default below the broker default of 1048588 bytes', () => {
    expect(configLeaves(ConfigSchema).map((l) => l.envName)).toContain('KAFKA_MAXBATCHBYTES');
    expect(loadConfig({ env: {} }).kafka.maxbatchbytes).toBe(900_000);
    expect(loadConfig({ env: { KAFKA_MAXBATCHBYTES: '65536' } }).kafka.maxbatchbytes).toBe(65_536);
  });
});
