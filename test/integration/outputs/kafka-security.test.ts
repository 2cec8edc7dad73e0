import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { parseJson } from '../../../contract/json.js';
import type { DeliveryResult, Output, SendContext } from '../../../outputs/index.js';
import { startKafkaMockBroker } from '../../support/peers/kafka-broker.js';
import { useKafkaFrontSuite } from '../../support/peers/kafka-front-suite.js';
import { API, producedCount, type KafkaSecureFrontOptions } from '../../support/peers/kafka-secure-front.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';
import { createTestPki, type TestPki } from '../../support/peers/test-pki.js';

// Saker's Kafka output against a real wire-protocol peer that speaks SASL and TLS: the security front
// (test/support/peers/kafka-secure-front.ts) does what a broker's SASL_PLAINTEXT / SASL_SSL / SSL listener
// does and forwards to the librdkafka mock cluster, whose consumer shows what really arrived.

// A fresh signal per send, as the delivery layer gives (one shared signal would collect a listener per send).
const context = (): SendContext => ({ signal: new AbortController().signal, log: { debug() {}, warn() {} } });
const TOPIC = 'falco';
// A SCRAM user name with ',' and '=' checks the saslname escaping (=2C, =3D) on both sides.
const USERS = { alice: 'alice-secret', 'ops,team=1': 'p@ss,word=' };
const ALL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

let pki: TestPki;
const suite = useKafkaFrontSuite(TOPIC);
const { front, kafka } = suite;

/** TLS listener settings with the test CA's server certificate for 127.0.0.1. */
function serverTls(mutual = false): KafkaSecureFrontOptions['tls'] {
  return { cert: pki.read(pki.serverCert), key: pki.read(pki.serverKey), ...(mutual ? { clientCa: pki.read(pki.caCert) } : {}) };
}

const uuidOf = (payload: string) => (parseJson(payload) as Alert).uuid;

/** Sends, expects ok, then reads the topic back: exactly these alerts arrived, with their payloads intact. */
async function deliver(output: Output, alerts: Alert[]): Promise<void> {
  const before = suite.broker.messages().length;
  expect(await output.send(alerts, context())).toEqual(alerts.map(() => ({ status: 'ok' })));
  const consumed = (await suite.broker.waitForMessages(before + alerts.length)).slice(before);
  const byUuid = (list: Alert[]) => [...list].sort((a, b) => (a.uuid ?? '').localeCompare(b.uuid ?? ''));
  expect(byUuid(consumed.map((m) => parseJson(m.payload) as Alert))).toEqual(byUuid(alerts));
  expect(consumed.every((m) => m.topic === TOPIC)).toBe(true);
}

/**
 * The alerts of a failed send never reach the topic: a later alert sent through a good path arrives,
 * and none of the failed ones came before or with it.
 */
async function expectNotDelivered(failed: Alert[], goodPath: Output): Promise<void> {
  const sentinel = sampleAlert();
  expect(await goodPath.send([sentinel], context())).toEqual([{ status: 'ok' }]);
  const consumed = await suite.broker.waitUntil((seen) => seen.some((m) => uuidOf(m.payload) === sentinel.uuid));
  const uuids = new Set(consumed.map((m) => uuidOf(m.payload)));
  for (const alert of failed) expect(uuids.has(alert.uuid)).toBe(false);
}

beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki?.remove());

describe('kafka output security against a broker-like SASL/TLS listener', () => {
  it('authenticates with SASL PLAIN over plaintext (SASL_PLAINTEXT) and produces through the listener', async () => {
    const listener = await front({ sasl: { mechanisms: ALL_MECHANISMS, users: USERS } });
    const alerts = [sampleAlert(), sampleAlert({ hostname: 'node-2' })];
    await deliver(kafka(listener.brokers, { sasl: 'plain', username: 'alice', password: 'alice-secret' }), alerts);
    const sessions = listener.sessions();
    expect(sessions.length).toBeGreaterThan(0);
    // Every connection kafkajs opened (bootstrap and the partition leader's) authenticated first.
    for (const session of sessions) expect(session).toMatchObject({ tls: false, mechanism: 'PLAIN', user: 'alice', state: 'authenticated' });
    // The produce requests went through the listener, not straight to the mock (Metadata was rewritten).
    expect(producedCount(sessions)).toBeGreaterThan(0);
    expect(sessions.flatMap((s) => s.forwarded)).toContain(API.Metadata);
  });

  for (const [sasl, mechanism] of [
    ['SCRAM_SHA256', 'SCRAM-SHA-256'],
    ['scram-sha-512', 'SCRAM-SHA-512'],
  ] as const) {
    it(`authenticates with ${mechanism} over TLS with a custom CA (SASL_SSL), as ${sasl}`, async () => {
      const listener = await front({ tls: serverTls(), sasl: { mechanisms: [mechanism], users: USERS } });
      const output = kafka(listener.brokers, { sasl, username: 'ops,team=1', password: 'p@ss,word=', tls: true, cacertfile: pki.caCert });
      await deliver(output, [sampleAlert(), sampleAlert(), sampleAlert()]);
      const sessions = listener.sessions();
      for (const session of sessions) expect(session).toMatchObject({ tls: true, mechanism, user: 'ops,team=1', state: 'authenticated' });
      expect(producedCount(sessions)).toBeGreaterThan(0);
    });
  }

  it('keeps every broker of a multi-broker cluster behind the listener (Metadata rewritten per broker)', async () => {
    const cluster = await startKafkaMockBroker({ topic: TOPIC, brokers: 3 });
    try {
      const listener = await front({ upstream: cluster.brokers, tls: serverTls(), sasl: { mechanisms: ['SCRAM-SHA-256'], users: USERS } });
      expect(listener.brokers.split(',')).toHaveLength(3);
      const output = kafka(listener.brokers, { sasl: 'scram-sha-256', username: 'alice', password: 'alice-secret', tls: true, cacertfile: pki.caCert });
      const alerts = Array.from({ length: 24 }, () => sampleAlert());
      expect(await output.send(alerts, context())).toEqual(alerts.map(() => ({ status: 'ok' })));
      const consumed = await cluster.waitForMessages(alerts.length);
      expect(new Set(consumed.map((m) => uuidOf(m.payload)))).toEqual(new Set(alerts.map((a) => a.uuid)));
      expect(consumed).toHaveLength(alerts.length);
      const sessions = listener.sessions();
      for (const session of sessions) expect(session).toMatchObject({ mechanism: 'SCRAM-SHA-256', user: 'alice', state: 'authenticated' });
      // The 4 partitions' leaders are spread over the brokers: produce requests reached more than one listener.
      const producing = new Set(sessions.filter((s) => s.forwarded.includes(API.Produce)).map((s) => s.listener));
      expect(producing.size).toBeGreaterThan(1);
      expect(producedCount(sessions)).toBeGreaterThanOrEqual(producing.size);
    } finally {
      await suite.closeOutputs();
      await cluster.stop();
    }
  });

  it('presents a client certificate to a listener that demands one (SSL with mutual TLS), and is refused without it', async () => {
    const listener = await front({ tls: serverTls(true) });
    const output = kafka(listener.brokers, { tls: true, cacertfile: pki.caCert, certfile: pki.clientCert, keyfile: pki.clientKey });
    await deliver(output, [sampleAlert()]);
    const sessions = listener.sessions();
    for (const session of sessions) expect(session).toMatchObject({ tls: true, clientCertCn: 'saker-client', state: 'authenticated' });
    expect(producedCount(sessions)).toBeGreaterThan(0);

    const before = sessions.length;
    const anonymous = [sampleAlert()];
    const [result] = await kafka(listener.brokers, { tls: true, cacertfile: pki.caCert }).send(anonymous, context());
    // The listener's refusal is a transport failure: retryable by the output's rule.
    expect(result?.status).toBe('retryable');
    expect(listener.tlsErrors().length).toBeGreaterThan(0);
    expect(listener.sessions().length).toBe(before);
    await expectNotDelivered(anonymous, output);
  });

  it('does not deliver with a wrong password, reports it as permanent, and the listener closes the connection', async () => {
    const listener = await front({ tls: serverTls(), sasl: { mechanisms: ALL_MECHANISMS, users: USERS } });
    const good = kafka(listener.brokers, { sasl: 'SCRAM-SHA-256', username: 'alice', password: 'alice-secret', tls: true, cacertfile: pki.caCert });
    for (const sasl of ALL_MECHANISMS) {
      const failed = [sampleAlert(), sampleAlert()];
      const before = listener.sessions().length;
      const results = await kafka(listener.brokers, { sasl, username: 'alice', password: 'wrong', tls: true, cacertfile: pki.caCert }).send(failed, context());
      // Resending the same credentials cannot succeed: the delivery layer must not retry it (it dead-letters).
      expect(results.map((r: DeliveryResult) => r.status)).toEqual(['permanent', 'permanent']);
      expect(results[0]?.status === 'permanent' && results[0].reason).toMatch(/SASL/);
      const attempts = listener.sessions().slice(before);
      expect(attempts.length).toBeGreaterThan(0);
      for (const session of attempts) expect(session).toMatchObject({ mechanism: sasl, user: 'alice', state: 'failed' });
      expect(producedCount(attempts)).toBe(0);
      await expectNotDelivered(failed, good);
    }
  });

  it('refuses a mechanism the listener does not enable, and any request but ApiVersions before authentication', async () => {
    const listener = await front({ sasl: { mechanisms: ['SCRAM-SHA-512'], users: USERS } });
    const good = kafka(listener.brokers, { sasl: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' });
    // UNSUPPORTED_SASL_MECHANISM (33) is not retriable in Kafka's protocol: permanent.
    const plain = [sampleAlert()];
    const [unsupported] = await kafka(listener.brokers, { sasl: 'PLAIN', username: 'alice', password: 'alice-secret' }).send(plain, context());
    expect(unsupported?.status).toBe('permanent');
    expect(listener.sessions().at(-1)).toMatchObject({ state: 'failed', reason: 'unsupported SASL mechanism PLAIN' });
    // A client with no SASL at all gets its Metadata request refused (connection closed).
    const bare = [sampleAlert()];
    const [noSasl] = await kafka(listener.brokers, {}).send(bare, context());
    expect(noSasl?.status).toBe('retryable');
    const refused = listener.sessions().filter((s) => s.state === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    for (const session of refused) {
      expect(session.reason).toBe(`request with api key ${API.Metadata} before authentication`);
      expect(session.forwarded.every((k) => k === API.ApiVersions)).toBe(true);
    }
    await expectNotDelivered([...plain, ...bare], good);
  });

  it('checkcert: false accepts a certificate from an unknown CA; checkcert: true refuses it and delivers nothing', async () => {
    const listener = await front({ tls: serverTls(), sasl: { mechanisms: ['PLAIN'], users: USERS } });
    const sasl = { sasl: 'PLAIN', username: 'alice', password: 'alice-secret', tls: true };
    await deliver(kafka(listener.brokers, { ...sasl, checkcert: false }), [sampleAlert()]);

    const before = listener.sessions().length;
    for (const trust of [{}, { cacertfile: pki.otherCaCert }]) {
      const refused = [sampleAlert()];
      const [result] = await kafka(listener.brokers, { ...sasl, checkcert: true, ...trust }).send(refused, context());
      // A refused certificate fails alike on every attempt: permanent, as for the HTTP outputs.
      expect(result?.status).toBe('permanent');
      expect(result?.status === 'permanent' && result.reason).toMatch(/certificate/i);
      await expectNotDelivered(refused, kafka(listener.brokers, { ...sasl, checkcert: false }));
    }
    // The client gave up in the handshake: no connection reached the SASL stage.
    expect(listener.sessions().slice(before).every((s) => s.state === 'authenticated' && s.mechanism === 'PLAIN')).toBe(true);
  });
});
