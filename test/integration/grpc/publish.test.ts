import { credentials, status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { createTestPki, type TestPki } from '../../support/peers/test-pki.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, until, webhookRoute, type RunningSidekick } from '../sidekick/harness.js';
import { publishClient, type PublishClient } from './clients.js';

// Assigned on receipt: time-ordered UUIDv7 (RFC 9562).
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let peer: HttpPeer;
let running: RunningSidekick[] = [];
const clients: PublishClient[] = [];

beforeAll(async () => {
  peer = await startHttpPeer(() => ({ status: 200 }));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(running.map((r) => r.stop()));
  running = [];
  peer.requests.length = 0;
});
afterAll(async () => {
  await peer.close();
  removeDataDirs();
});

/** A sidekick with gRPC on a free loopback port and one webhook output to the local peer. */
async function sidekick(env: Record<string, string> = {}): Promise<{ r: RunningSidekick; address: string }> {
  const r = await startSidekick({
    env: { GRPC_ENABLED: 'true', ...env },
    routes: () => [webhookRoute('webhook', peer.url)],
    tweak: (config) => {
      config.grpc.listenport = 0 as number; // any free port
    },
  });
  running.push(r);
  return { r, address: `127.0.0.1:${r.sidekick.grpc?.port}` };
}

function connect(address: string, options: Parameters<typeof publishClient>[1] = {}): PublishClient {
  const client = publishClient(address, options);
  clients.push(client);
  return client;
}

async function metricsText(r: RunningSidekick): Promise<string> {
  return (await fetch(`${r.url}/metrics`)).text();
}

describe('gRPC ingest (saker.v1.Ingest/Publish)', () => {
  it('acks a batch with one uuid per alert and delivers each alert, enriched as HTTP ingest does, with that uuid', async () => {
    const { r, address } = await sidekick({ CUSTOMFIELDS: 'cluster:prod', CUSTOMTAGS: 'saker' });
    const client = connect(address);
    const second = { ...FALCO_ALERT, rule: 'Second rule', priority: 'warning', source: undefined };
    const ack = await client.send([JSON.stringify(FALCO_ALERT), JSON.stringify(second)]);
    expect(ack.rejection).toBeNull();
    expect(ack.batch_id).toBe('1');
    expect(ack.uuids).toHaveLength(2);
    for (const uuid of ack.uuids) expect(uuid).toMatch(UUID_V7);

    const delivered = (await peer.waitForRequests(2)).map((req) => JSON.parse(req.body) as Record<string, unknown>);
    const byRule = new Map(delivered.map((d) => [d.rule, d]));
    expect(byRule.get('Write below binary dir')).toMatchObject({
      uuid: ack.uuids[0],
      priority: 'Error',
      source: 'syscall',
      hostname: 'falco-node-1',
      output_fields: { ...FALCO_ALERT.output_fields, cluster: 'prod' },
      tags: expect.arrayContaining(['filesystem', 'mitre_persistence', 'saker']),
    });
    // The same defaults as POST /: canonical priority spelling, falcosidekick's default source.
    expect(byRule.get('Second rule')).toMatchObject({ uuid: ack.uuids[1], priority: 'Warning', source: 'syscalls' });
    expect(await metricsText(r)).toContain('saker_sidekick_inputs_total{status="accepted",reason=""} 2');
  });

  it('keeps long integers exact, as HTTP ingest does', async () => {
    const { address } = await sidekick();
    const text = JSON.stringify(FALCO_ALERT).replace('"evt.time":1558107116746609', '"evt.time":1558107116746609046');
    const ack = await connect(address).send([text]);
    expect(ack.rejection).toBeNull();
    const [delivered] = await peer.waitForRequests(1);
    expect(delivered?.body).toContain('"evt.time":1558107116746609046');
  });

  it('rejects a batch holding an invalid alert as a whole, naming where the problem is, and keeps the stream open', async () => {
    const { r, address } = await sidekick();
    const client = connect(address);
    const bad = { ...FALCO_ALERT, priority: 'Severe' };
    const ack = await client.send([JSON.stringify(FALCO_ALERT), JSON.stringify(bad)]);
    expect(ack.uuids).toEqual([]);
    expect(ack.rejection).toMatchObject({ code: 'SAKER_ERR_INGEST_INVALID', retryable: false });
    expect(ack.rejection?.problems).toEqual([{ path: '/alerts/1/priority', message: expect.stringContaining("unknown priority 'Severe'") }]);

    const missing = await client.send([JSON.stringify({ rule: 'no time', priority: 'Error' })]);
    expect(missing.rejection?.code).toBe('SAKER_ERR_INGEST_INVALID');
    expect(missing.rejection?.problems.map((p) => p.path)).toContain('/alerts/0/time');

    const notJson = await client.send(['{"rule": ']);
    expect(notJson.rejection).toMatchObject({ code: 'SAKER_ERR_INGEST_BAD_JSON', problems: [{ path: '/alerts/0' }] });

    // Nothing of the rejected batches was kept; the stream still takes the next batch.
    expect(r.sidekick.outbox.pendingCount + peer.requests.length).toBe(0);
    const good = await client.send([JSON.stringify(FALCO_ALERT)]);
    expect(good.uuids).toHaveLength(1);
    expect(good.batch_id).toBe('4');
    const metrics = await metricsText(r);
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="invalid"} 2');
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="bad_json"} 1');
  });

  it('acks pipelined batches in batch order when batches rejected on sight sit between batches waiting for their commit', async () => {
    const { address } = await sidekick();
    const client = connect(address);
    const invalid = (i: number) => i % 4 === 2;
    // Written without waiting: the valid ones are staged for one group commit, the invalid ones are answered at once.
    const acks = await Promise.all(
      Array.from({ length: 24 }, (_, i) => client.send([invalid(i) ? JSON.stringify({ ...FALCO_ALERT, rule: undefined }) : JSON.stringify({ ...FALCO_ALERT, rule: `rule ${i}` })])),
    );
    expect(acks.map((a) => a.batch_id)).toEqual(acks.map((_, i) => String(i + 1)));
    acks.forEach((ack, i) => {
      if (invalid(i)) expect(ack.rejection, `batch ${i + 1}`).toMatchObject({ code: 'SAKER_ERR_INGEST_INVALID', retryable: false });
      else expect(ack.rejection, `batch ${i + 1}`).toBeNull();
    });
    const delivered = (await peer.waitForRequests(18)).map((req) => JSON.parse(req.body) as { rule: string; uuid: string });
    const uuidOf = new Map(delivered.map((d) => [d.rule, d.uuid]));
    acks.forEach((ack, i) => {
      if (!invalid(i)) expect(uuidOf.get(`rule ${i}`), `batch ${i + 1}`).toBe(ack.uuids[0]);
    });
  });

  it('answers a full outbox with a retryable rejection carrying a delay', async () => {
    const { address } = await sidekick({ OUTBOX_MAXPENDING: '1' });
    const client = connect(address);
    expect((await client.send([JSON.stringify(FALCO_ALERT)])).rejection).toBeNull();
    const full = await client.send([JSON.stringify(FALCO_ALERT)]);
    expect(full.rejection).toMatchObject({ code: 'SAKER_ERR_OUTBOX_FULL', retryable: true, retry_after_ms: 1000 });
  });

  it('requires the ingest credentials when auth is configured', async () => {
    const { r, address } = await sidekick({ AUTH_BEARERTOKEN: 's3cret-token' });
    const none = connect(address);
    await expect(none.send([JSON.stringify(FALCO_ALERT)])).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    const wrong = connect(address, { authorization: 'Bearer guess' });
    await expect(wrong.send([JSON.stringify(FALCO_ALERT)])).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringContaining('SAKER_ERR_INGEST_FORBIDDEN') });
    const right = connect(address, { authorization: 'Bearer s3cret-token' });
    expect((await right.send([JSON.stringify(FALCO_ALERT)])).uuids).toHaveLength(1);
    const metrics = await metricsText(r);
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="unauthorized"} 1');
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="forbidden"} 1');
  });

  describe('over TLS', () => {
    let pki: TestPki;
    beforeAll(() => {
      pki = createTestPki();
    });
    afterAll(() => pki.remove());

    it('serves TLS from tlsserver.*, and with mutualtls refuses clients without a certificate', async () => {
      const tlsEnv = { TLSSERVER_DEPLOY: 'true', TLSSERVER_CERTFILE: pki.serverCert, TLSSERVER_KEYFILE: pki.serverKey, TLSSERVER_CACERTFILE: pki.caCert };
      const { address } = await sidekick(tlsEnv);
      const ca = Buffer.from(pki.read(pki.caCert));
      const trusted = connect(address, { channel: credentials.createSsl(ca) });
      expect((await trusted.send([JSON.stringify(FALCO_ALERT)])).uuids).toHaveLength(1);
      const plaintext = connect(address);
      await expect(plaintext.send([JSON.stringify(FALCO_ALERT)])).rejects.toMatchObject({ code: status.UNAVAILABLE });
      await until('the trusted alert delivered', () => peer.requests.length === 1);

      const mutual = await sidekick({ ...tlsEnv, TLSSERVER_MUTUALTLS: 'true' });
      const anonymous = connect(mutual.address, { channel: credentials.createSsl(ca) });
      await expect(anonymous.send([JSON.stringify(FALCO_ALERT)])).rejects.toMatchObject({ code: status.UNAVAILABLE });
      const withCert = connect(mutual.address, {
        channel: credentials.createSsl(ca, Buffer.from(pki.read(pki.clientKey)), Buffer.from(pki.read(pki.clientCert))),
      });
      expect((await withCert.send([JSON.stringify(FALCO_ALERT)])).uuids).toHaveLength(1);
    });
  });
});
