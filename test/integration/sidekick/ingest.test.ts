import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, until, webhookRoute, type RunningSidekick } from './harness.js';

// Assigned on receipt: time-ordered UUIDv7 (RFC 9562).
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let peer: HttpPeer;
let running: RunningSidekick[] = [];

beforeAll(async () => {
  peer = await startHttpPeer(() => ({ status: 200 }));
});
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
  peer.requests.length = 0;
});
afterAll(async () => {
  await peer.close();
  removeDataDirs();
});

async function sidekick(env: Record<string, string> = {}): Promise<RunningSidekick> {
  const r = await startSidekick({ env, routes: () => [webhookRoute('webhook', peer.url)] });
  running.push(r);
  return r;
}

async function metricsText(r: RunningSidekick): Promise<string> {
  return (await fetch(`${r.url}/metrics`)).text();
}

describe('HTTP ingest (falcosidekick compatible)', () => {
  it('accepts the alert Falco posts, assigns a time-ordered (v7) uuid and delivers it with that uuid', async () => {
    const r = await sidekick();
    const { status, json } = await r.post('/', FALCO_ALERT);
    expect(status).toBe(200);
    const { uuid } = json as { uuid: string };
    expect(uuid).toMatch(UUID_V7);
    const [delivered] = await peer.waitForRequests(1);
    const alert = JSON.parse(delivered?.body ?? '{}') as Record<string, unknown>;
    expect(alert).toMatchObject({ rule: 'Write below binary dir', priority: 'Error', hostname: 'falco-node-1', uuid });
    expect(alert.output_fields).toMatchObject({ 'fd.name': '/bin/hack' });
  });

  it('reads priority in any case and `info`, defaults source to syscalls and ignores unknown keys', async () => {
    const r = await sidekick();
    const { status } = await r.post('/', { rule: 'R', time: '2026-11-22T10:00:00Z', priority: 'info', output: 'x', extra: { any: 1 } });
    expect(status).toBe(200);
    expect((await r.post('/', { ...FALCO_ALERT, priority: 'wArNiNg' })).status).toBe(200);
    const requests = await peer.waitForRequests(2);
    const alerts = requests.map((q) => JSON.parse(q.body) as Record<string, unknown>);
    const first = alerts.find((a) => a.rule === 'R');
    expect(first).toMatchObject({ priority: 'Informational', source: 'syscalls' });
    expect(first).not.toHaveProperty('extra');
    expect(alerts.find((a) => a.rule !== 'R')?.priority).toBe('Warning');
  });

  it.each([
    ['a missing rule', { ...FALCO_ALERT, rule: undefined }, '/rule'],
    ['a missing time', { ...FALCO_ALERT, time: undefined }, '/time'],
    ['a time that is not RFC 3339', { ...FALCO_ALERT, time: 'yesterday' }, '/time'],
    ['an unknown priority', { ...FALCO_ALERT, priority: 'Severe' }, '/priority'],
    ['output_fields that is not an object', { ...FALCO_ALERT, output_fields: 'x' }, '/output_fields'],
    ['a body that is not an object', [1, 2], '/'],
  ])('rejects %s with 400 naming the path', async (_label, body, path) => {
    const r = await sidekick();
    const { status, json } = await r.post('/', body);
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: 'SAKER_ERR_INGEST_INVALID' });
    expect((json as { problems: { path: string }[] }).problems.map((p) => p.path)).toContain(path);
  });

  it('rejects every other class of bad input with its status and code, and counts each by reason', async () => {
    const r = await sidekick({ BODYLIMIT: '2048' });
    const cases: [string, RequestInit, number, string][] = [
      ['bad JSON', { body: '{"rule": ', headers: { 'content-type': 'application/json' } }, 400, 'SAKER_ERR_INGEST_BAD_JSON'],
      ['an empty body', { body: '', headers: { 'content-type': 'application/json' } }, 400, 'SAKER_ERR_INGEST_INVALID'],
      ['text/plain', { body: JSON.stringify(FALCO_ALERT), headers: { 'content-type': 'text/plain' } }, 415, 'SAKER_ERR_INGEST_MEDIA_TYPE'],
      ['form encoding (curl -d)', { body: JSON.stringify(FALCO_ALERT), headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'SAKER_ERR_INGEST_MEDIA_TYPE'],
      [
        'a body over bodylimit',
        { body: JSON.stringify({ ...FALCO_ALERT, output: 'x'.repeat(4096) }), headers: { 'content-type': 'application/json' } },
        413,
        'SAKER_ERR_INGEST_TOO_LARGE',
      ],
    ];
    for (const [label, init, status, code] of cases) {
      const response = await fetch(`${r.url}/`, { method: 'POST', ...init });
      expect(response.status, label).toBe(status);
      expect(response.headers.get('content-type'), label).toMatch(/application\/json/);
      expect(await response.json(), label).toMatchObject({ code });
    }
    const metrics = await metricsText(r);
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="bad_json"} 1');
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="invalid"} 1');
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="media_type"} 2');
    expect(metrics).toContain('saker_sidekick_inputs_total{status="rejected",reason="too_large"} 1');
    expect(peer.requests).toHaveLength(0);
  });

  it('accepts a batch as one unit and rejects a batch with one bad alert whole, naming its index', async () => {
    const r = await sidekick();
    const good = await r.post('/batch', [FALCO_ALERT, { ...FALCO_ALERT, rule: 'Other' }]);
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ accepted: 2 });
    expect((good.json as { uuids: string[] }).uuids.every((u) => UUID_V7.test(u))).toBe(true);
    const bad = await r.post('/batch', [FALCO_ALERT, { ...FALCO_ALERT, priority: 'nope' }]);
    expect(bad.status).toBe(400);
    expect((bad.json as { problems: { path: string }[] }).problems).toEqual([expect.objectContaining({ path: '/1/priority' })]);
    expect((await r.post('/batch', FALCO_ALERT)).status).toBe(400);
    await peer.waitForRequests(2);
    expect(await metricsText(r)).toContain('saker_sidekick_inputs_total{status="accepted",reason=""} 2');
  });

  it('requires the bearer token when one is configured: 401 without, 403 wrong, 200 right', async () => {
    const r = await sidekick({ AUTH_BEARERTOKEN: 's3cret-token' });
    const none = await r.post('/', FALCO_ALERT);
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ code: 'SAKER_ERR_INGEST_UNAUTHORIZED' });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await r.post('/', FALCO_ALERT, { authorization: 'Bearer guess' });
    expect(wrong.status).toBe(403);
    expect(wrong.json).toMatchObject({ code: 'SAKER_ERR_INGEST_FORBIDDEN' });
    expect((await r.post('/', FALCO_ALERT, { authorization: 'Bearer s3cret-token' })).status).toBe(200);
    expect((await fetch(`${r.url}/api/v1/deadletters`)).status).toBe(401);
    // Probes stay open for health checkers.
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    expect(await metricsText(r)).toContain('saker_sidekick_inputs_total{status="rejected",reason="forbidden"} 1');
  });

  it('accepts basic auth when username and password are configured', async () => {
    const r = await sidekick({ AUTH_USERNAME: 'falco', AUTH_PASSWORD: 'pw' });
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    expect((await r.post('/', FALCO_ALERT, { authorization: basic('falco', 'nope') })).status).toBe(403);
    expect((await r.post('/', FALCO_ALERT, { authorization: basic('falco', 'pw') })).status).toBe(200);
  });

  it('answers /ping, /healthz and /metrics, and /healthz turns 503 when the store is gone', async () => {
    const r = await sidekick({ CUSTOMFIELDS: 'env:prod' });
    const ping = await fetch(`${r.url}/ping`);
    expect(await ping.text()).toBe('pong\n');
    const health = await fetch(`${r.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await r.post('/', FALCO_ALERT);
    await peer.waitForRequests(1);
    await until('delivery metric', async () => (await metricsText(r)).includes('saker_sidekick_deliveries_total{output="webhook",status="ok"} 1'));
    const metrics = await metricsText(r);
    expect(metrics).toContain('saker_sidekick_alerts_total{rule="Write below binary dir",priority="Error",source="syscall"} 1');
    expect(metrics).toMatch(/saker_sidekick_delivery_duration_seconds_count\{output="webhook"\} 1/);
    // falcosidekick's own series, for dashboards built on it.
    expect(metrics).toContain('falcosidekick_inputs{source="requests",status="accepted"} 1');
    expect(metrics).toContain(
      'falco_events{hostname="falco-node-1",rule="Write below binary dir",priority="Error",source="syscall",k8s_ns_name="",k8s_pod_name="",env="prod"} 1',
    );
    expect(metrics).toContain('falcosidekick_outputs{destination="webhook",status="ok"} 1');
    r.sidekick.outbox.close();
    const down = await fetch(`${r.url}/healthz`);
    expect(down.status).toBe(503);
    const rejected = await r.post('/', FALCO_ALERT);
    expect(rejected.status).toBe(503);
    expect(rejected.json).toMatchObject({ code: 'SAKER_ERR_STORE_UNAVAILABLE' });
  });

  it('sends the test alert to every output on POST /test, whatever their minimumpriority', async () => {
    const r = await startSidekick({ routes: () => [webhookRoute('webhook', peer.url, 'Emergency')] });
    running.push(r);
    const { status } = await r.post('/test', '');
    expect(status).toBe(200);
    const [request] = await peer.waitForRequests(1);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ rule: 'Test rule', priority: 'Debug', source: 'internal' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const r = await sidekick();
    const response = await fetch(`${r.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'SAKER_ERR_NOT_FOUND' });
  });
});
