import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { createTestPki, type TestPki } from '../../support/peers/test-pki.js';
import { freePort } from './child-process.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, webhookRoute, type RunningSidekick } from './harness.js';

let pki: TestPki;
let peer: HttpPeer;
let running: RunningSidekick[] = [];

beforeAll(async () => {
  pki = createTestPki();
  peer = await startHttpPeer(() => ({ status: 503 }));
});
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});
afterAll(async () => {
  await peer.close();
  pki.remove();
  removeDataDirs();
});

describe('sidekick server', () => {
  it('answers 503 with Retry-After instead of accepting alerts the full outbox cannot keep, and counts it', async () => {
    const r = await startSidekick({ env: { OUTBOX_MAXPENDING: '2' }, routes: () => [webhookRoute('webhook', peer.url)] });
    running.push(r);
    expect((await r.post('/batch', [FALCO_ALERT, FALCO_ALERT])).status).toBe(200);
    const full = await r.post('/', FALCO_ALERT);
    expect(full.status).toBe(503);
    expect(full.json).toMatchObject({ code: 'SAKER_ERR_OUTBOX_FULL' });
    expect(full.headers.get('retry-after')).toBe('1');
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="outbox_full"} 1');
    expect(metrics).toContain('saker_sidekick_queue_depth{output="webhook"} 2');
  });

  it('serves ingest over mutual TLS with tlsserver.*, and the notlspaths over plain HTTP on notlsport', async () => {
    const notlsPort = await freePort();
    const r = await startSidekick({
      env: {
        TLSSERVER_DEPLOY: 'true',
        TLSSERVER_CERTFILE: pki.serverCert,
        TLSSERVER_KEYFILE: pki.serverKey,
        TLSSERVER_MUTUALTLS: 'true',
        TLSSERVER_CACERTFILE: pki.caCert,
        TLSSERVER_NOTLSPORT: String(notlsPort),
        TLSSERVER_NOTLSPATHS: '/ping,/healthz',
      },
      routes: () => [],
    });
    running.push(r);
    const { port } = r.sidekick.app.server.address() as AddressInfo;
    const withCert = new Agent({ connect: { ca: pki.read(pki.caCert), cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) } });
    const withoutCert = new Agent({ connect: { ca: pki.read(pki.caCert) } });
    try {
      const accepted = await request(`https://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(FALCO_ALERT),
        dispatcher: withCert,
      });
      expect(accepted.statusCode).toBe(200);
      expect(await accepted.body.json()).toHaveProperty('uuid');
      await expect(
        request(`https://127.0.0.1:${port}/ping`, { dispatcher: withoutCert }).then((res) => res.body.text()),
      ).rejects.toThrow();

      expect(await (await fetch(`http://127.0.0.1:${notlsPort}/ping`)).text()).toBe('pong\n');
      expect((await fetch(`http://127.0.0.1:${notlsPort}/healthz`)).status).toBe(200);
      // Ingest is never served in clear text.
      const plainIngest = await fetch(`http://127.0.0.1:${notlsPort}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(plainIngest.status).toBe(404);
    } finally {
      await withCert.close();
      await withoutCert.close();
    }
  });
});
