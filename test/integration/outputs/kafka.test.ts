import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../support/error-code.js';
import { configLeaves, ConfigSchema, loadConfig } from '../../../common/config/index.js';
import type { Alert } from '../../../contract/index.js';
import { createOutput, type Output, type SendContext } from '../../../outputs/index.js';
import { startKafkaMockBroker, type KafkaMockBroker } from '../../support/peers/kafka-broker.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';

const context: SendContext = { signal: new AbortController().signal, log: { debug() {}, warn() {} } };
const TOPIC = 'falco';
const opened: Output[] = [];
let broker: KafkaMockBroker;

// librdkafka's mock cluster reports controller id 0, which is none of its brokers, and kafkajs asks the
// controller for a producer id: the idempotent producer cannot start against it. Tests therefore turn it
// off and keep acks ALL; against a real cluster the default (idempotent on) applies.
function kafka(section: Record<string, unknown>): Output {
  const output = createOutput('kafka', { hostport: broker.brokers, topic: TOPIC, idempotent: false, timeout: 1500, ...section });
  opened.push(output);
  return output;
}

beforeAll(async () => {
  broker = await startKafkaMockBroker({ topic: TOPIC });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
afterAll(async () => {
  await broker?.stop();
});

describe('kafka output', () => {
  it('produces the alert JSON to the topic with its key and priority/rule/source/hostname headers', async () => {
    const before = broker.messages().length;
    const alert = sampleAlert({ hostname: 'kafka-host-1' });
    expect(await kafka({ key: 'hostname' }).send([alert], context)).toEqual([{ status: 'ok' }]);
    const [message] = (await broker.waitForMessages(before + 1)).slice(before);
    expect(message).toMatchObject({
      topic: TOPIC,
      key: 'kafka-host-1',
      headers: { priority: 'Critical', rule: 'Terminal shell in container', source: 'syscall', hostname: 'kafka-host-1' },
    });
    expect(JSON.parse(message!.payload)).toEqual(alert);
  });

  it('produces a gzip-compressed batch in one request, keyed by an output field', async () => {
    const before = broker.messages().length;
    const output = kafka({ compression: 'gzip', key: 'output_fields.container.id', clientid: 'saker-test', balancer: 'crc32' });
    expect(output.maxBatch).toBe(500);
    const alerts = Array.from({ length: 50 }, (_, i) => sampleAlert({ output_fields: { 'container.id': `c${i % 5}` } }));
    const results = await output.send(alerts, context);
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(50);
    const consumed = (await broker.waitForMessages(before + 50)).slice(before);
    expect(new Set(consumed.map((m) => (JSON.parse(m.payload) as Alert).uuid))).toEqual(new Set(alerts.map((a) => a.uuid)));
    // crc32 is consistent: one key, one partition.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const m of consumed) partitionsOfKey.set(m.key ?? '', (partitionsOfKey.get(m.key ?? '') ?? new Set()).add(m.partition));
    expect([...partitionsOfKey.keys()].sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    for (const partitions of partitionsOfKey.values()) expect(partitions.size).toBe(1);
  });

  it('reports retryable while the broker is frozen, then delivers every alert once it is back', async () => {
    const output = kafka({ key: 'rule' });
    const first = sampleAlert();
    expect(await output.send([first], context)).toEqual([{ status: 'ok' }]);
    const pending = Array.from({ length: 5 }, () => sampleAlert());
    await broker.pause();
    try {
      const [down] = await output.send(pending.slice(0, 1), context);
      expect(down?.status).toBe('retryable');
    } finally {
      broker.resume();
    }
    // What the delivery layer does: send again until ok (bounded here).
    let delivered = false;
    for (let attempt = 0; attempt < 20 && !delivered; attempt++) {
      delivered = (await output.send(pending, context)).every((r) => r.status === 'ok');
    }
    expect(delivered).toBe(true);
    const wanted = [first, ...pending].map((a) => a.uuid);
    // At least once: a request that timed out while frozen may still land, as a duplicate with the same uuid.
    const consumed = await broker.waitUntil((seen) => {
      const uuids = new Set(seen.map((m) => (JSON.parse(m.payload) as Alert).uuid));
      return wanted.every((uuid) => uuids.has(uuid));
    });
    expect(consumed.length).toBeGreaterThanOrEqual(wanted.length);
  });

  it('reports a broker that is gone as retryable', async () => {
    const gone = await startKafkaMockBroker({ topic: TOPIC });
    const hostport = gone.brokers;
    await gone.stop();
    const [result] = await kafka({ hostport }).send([sampleAlert()], context);
    expect(result?.status).toBe('retryable');
  });

  it("refuses settings it cannot honour when created, and reads falcosidekick's SASL names in any case", () => {
    expect(errorCodeOf(() => kafka({ compression: 'snappy' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => kafka({ sasl: 'GSSAPI' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => kafka({ requiredacks: 'some' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => kafka({ key: 'pid' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => kafka({ balancer: 'sticky' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => kafka({ topic: '' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    for (const sasl of ['plain', 'SCRAM_SHA256', 'scram-sha-256', 'Scram_Sha512', 'SCRAM-SHA-512']) {
      expect(errorCodeOf(() => kafka({ sasl, username: 'u', password: 'p' }))).toBe('no error');
    }
    expect(errorCodeOf(() => kafka({ requiredacks: 'one', compression: 'GZIP', balancer: 'Murmur2' }))).toBe('no error');
  });

  it("uses falcosidekick's keys and env names, with requiredacks ALL by default", () => {
    const names = configLeaves(ConfigSchema).map((l) => l.envName);
    for (const name of ['KAFKA_HOSTPORT', 'KAFKA_TOPIC', 'KAFKA_SASL', 'KAFKA_USERNAME', 'KAFKA_PASSWORD', 'KAFKA_TLS', 'KAFKA_BALANCER', 'KAFKA_CLIENTID', 'KAFKA_COMPRESSION', 'KAFKA_ASYNC', 'KAFKA_REQUIREDACKS', 'KAFKA_TOPICCREATION', 'KAFKA_MINIMUMPRIORITY']) {
      expect(names).toContain(name);
    }
    const config = loadConfig({ env: { KAFKA_HOSTPORT: broker.brokers, KAFKA_TOPIC: TOPIC } });
    expect(config.kafka).toMatchObject({ requiredacks: 'ALL', idempotent: true, balancer: 'round_robin', compression: 'NONE' });
  });
});
