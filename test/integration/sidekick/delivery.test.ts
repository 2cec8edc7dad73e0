import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Outbox, routesFromConfig } from '../../../sidekick/index.js';
import { startHttpPeer, type HttpPeer, type ScriptedReply } from '../../support/peers/http-peer.js';
import { startSlackServer } from '../../support/peers/slack-server.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, until, webhookRoute, type RunningSidekick } from './harness.js';

let peers: HttpPeer[] = [];
let running: RunningSidekick[] = [];

async function peer(reply: () => ScriptedReply = () => ({ status: 200 })): Promise<HttpPeer> {
  const p = await startHttpPeer(reply);
  peers.push(p);
  return p;
}

/** Fast retries so tests do not wait: 10 ms first backoff, 50 ms cap. */
const FAST_RETRY = { OUTBOX_INITIALBACKOFF: '10', OUTBOX_MAXBACKOFF: '50' };

async function sidekick(options: Parameters<typeof startSidekick>[0]): Promise<RunningSidekick> {
  const r = await startSidekick({ ...options, env: { ...FAST_RETRY, ...options.env } });
  running.push(r);
  return r;
}

function uuidsOf(p: HttpPeer): string[] {
  return p.requests.map((q) => (JSON.parse(q.body) as { uuid: string }).uuid);
}

afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await Promise.all(peers.map((p) => p.close()));
  running = [];
  peers = [];
});
afterAll(removeDataDirs);

describe('routing', () => {
  it('sends each alert only to the outputs whose minimumpriority it meets', async () => {
    const all = await peer();
    const critical = await peer();
    const r = await sidekick({ routes: () => [webhookRoute('everything', all.url), webhookRoute('pager', critical.url, 'Critical')] });
    for (const priority of ['Debug', 'Warning', 'Critical', 'Emergency']) {
      expect((await r.post('/', { ...FALCO_ALERT, rule: priority, priority })).status).toBe(200);
    }
    await all.waitForRequests(4);
    await critical.waitForRequests(2);
    await until('queues to settle', () => r.sidekick.outbox.pendingCount === 0);
    expect(critical.requests.map((q) => (JSON.parse(q.body) as { rule: string }).rule).sort()).toEqual(['Critical', 'Emergency']);
    expect(all.requests).toHaveLength(4);
  });

  it('reads per-output minimumpriority from the falcosidekick config key', async () => {
    const target = await peer();
    const r = await sidekick({
      env: { WEBHOOK_ADDRESS: target.url, WEBHOOK_MINIMUMPRIORITY: 'warning' },
      // Same path the CLI takes: routes from the loaded config and the output registry.
      routes: (config) => routesFromConfig(config),
    });
    await r.post('/', { ...FALCO_ALERT, priority: 'notice', rule: 'low' });
    await r.post('/', { ...FALCO_ALERT, priority: 'error', rule: 'high' });
    await target.waitForRequests(1);
    await until('queues to settle', () => r.sidekick.outbox.pendingCount === 0);
    expect(target.requests.map((q) => (JSON.parse(q.body) as { rule: string }).rule)).toEqual(['high']);
  });
});

describe('retries', () => {
  it("retries 5xx until the peer recovers, every attempt carrying the alert's uuid", async () => {
    const target = await peer();
    target.script({ status: 503 }, { status: 500 }, { status: 502 });
    const r = await sidekick({ routes: () => [webhookRoute('webhook', target.url)] });
    const { json } = await r.post('/', FALCO_ALERT);
    await until('a delivery that succeeds', () => target.requests.length >= 4);
    await until('queues to settle', () => r.sidekick.outbox.pendingCount === 0);
    expect(new Set(uuidsOf(target))).toEqual(new Set([(json as { uuid: string }).uuid]));
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="webhook",status="retried"} 3');
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="webhook",status="ok"} 1');
  });

  it("waits at least as long as the peer's Retry-After asks before the next attempt", async () => {
    const target = await peer();
    target.script({ status: 429, headers: { 'retry-after': '3600' } });
    const r = await sidekick({ routes: () => [webhookRoute('webhook', target.url)] });
    await r.post('/', FALCO_ALERT);
    await target.waitForRequests(1);
    await until('the retry to be scheduled', () => r.sidekick.outbox.schedule('webhook', 1)?.attempts === 1);
    const attemptedBefore = Date.now();
    const schedule = r.sidekick.outbox.schedule('webhook', 1);
    // Scheduled an hour out (minus the time since the attempt), not at the 10 ms backoff.
    expect((schedule?.nextAt ?? 0) - attemptedBefore).toBeGreaterThan(3_500_000);
    expect(target.requests).toHaveLength(1);
  });
});

describe("an output's own rate limit", () => {
  it('holds alerts back without using attempts, so those arriving behind the limit go out together as a digest', async () => {
    const slack = await startSlackServer();
    try {
      // One attempt allowed: were a held-back alert counted as a failed attempt, it would be dead-lettered.
      const r = await sidekick({ env: { SLACK_WEBHOOKURL: slack.webhookUrl, OUTBOX_MAXATTEMPTS: '1' }, routes: (config) => routesFromConfig(config) });
      await r.post('/', { ...FALCO_ALERT, rule: 'first' });
      await until('the first message', () => slack.posted.length === 1);
      for (let i = 0; i < 6; i++) {
        expect((await r.post('/', { ...FALCO_ALERT, rule: `behind the limit ${i}` })).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await until('every alert delivered', () => r.sidekick.outbox.pendingCount === 0, 15_000);
      const text = JSON.stringify(slack.posted.map((p) => p.payload));
      expect(text).toContain('Digest of');
      // Six alerts in at most two messages: they fell due together at the limit's next free slot(s).
      expect(slack.posted.length).toBeLessThanOrEqual(3);
      const dead = (await (await fetch(`${r.url}/api/v1/deadletters`)).json()) as { total: number };
      expect(dead.total).toBe(0);
      const metrics = await (await fetch(`${r.url}/metrics`)).text();
      expect(metrics).toMatch(/saker_sidekick_deliveries_total\{output="slack",status="deferred"\} [1-9]/);
    } finally {
      await slack.close();
    }
  });
});

describe('dead letters', () => {
  it('dead-letters a permanent failure at once, lists it, and replays it when the peer is fixed', async () => {
    let accept = false;
    const target = await peer(() => (accept ? { status: 200 } : { status: 400, body: 'bad payload' }));
    const r = await sidekick({ routes: () => [webhookRoute('webhook', target.url)] });
    const { json } = await r.post('/', FALCO_ALERT);
    const uuid = (json as { uuid: string }).uuid;
    await target.waitForRequests(1);
    const list = async () => (await (await fetch(`${r.url}/api/v1/deadletters`)).json()) as {
      total: number;
      deadletters: { id: number; output: string; attempts: number; reason: string; alert: { uuid: string } }[];
    };
    await until('the dead letter', async () => (await list()).total === 1);
    const [dead] = (await list()).deadletters;
    expect(dead).toMatchObject({ output: 'webhook', attempts: 1, alert: { uuid } });
    expect(dead?.reason).toContain('HTTP 400');
    expect(target.requests).toHaveLength(1);

    accept = true;
    const replay = await r.post('/api/v1/deadletters/replay', { ids: [dead?.id] });
    expect(replay.json).toEqual({ replayed: 1, skipped: 0 });
    await target.waitForRequests(2);
    expect(uuidsOf(target)).toEqual([uuid, uuid]);
    await until('the dead-letter list to empty', async () => (await list()).total === 0);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="webhook",status="failed"} 1');
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="webhook",status="deadlettered"} 1');
  });

  it('dead-letters after max attempts and replays all on an empty request', async () => {
    let up = false;
    const target = await peer(() => ({ status: up ? 200 : 503 }));
    const r = await sidekick({ env: { OUTBOX_MAXATTEMPTS: '3' }, routes: () => [webhookRoute('webhook', target.url)] });
    await r.post('/batch', [FALCO_ALERT, FALCO_ALERT]);
    await until('both dead letters', async () => {
      const body = (await (await fetch(`${r.url}/api/v1/deadletters?output=webhook`)).json()) as { total: number };
      return body.total === 2;
    });
    expect(target.requests).toHaveLength(6);
    up = true;
    const replay = await fetch(`${r.url}/api/v1/deadletters/replay`, { method: 'POST' });
    expect(await replay.json()).toEqual({ replayed: 2, skipped: 0 });
    await target.waitForRequests(8);
    await until('queues to settle', () => r.sidekick.outbox.pendingCount === 0);
  });

  it('rejects a malformed replay request and bad paging with 400', async () => {
    const r = await sidekick({ routes: () => [] });
    expect((await r.post('/api/v1/deadletters/replay', { ids: 'all' })).status).toBe(400);
    expect((await fetch(`${r.url}/api/v1/deadletters?limit=-1`)).status).toBe(400);
  });
});

describe('restart', () => {
  it('stops within the drain bound when an output hangs, keeping the delivery pending with no attempt used', async () => {
    const stalled = await peer(() => ({ status: 200, hang: true }));
    const r = await sidekick({ routes: () => [webhookRoute('webhook', stalled.url)] });
    await r.post('/', FALCO_ALERT);
    await stalled.waitForRequests(1);
    await r.stop(100);
    running = running.filter((x) => x !== r);
    const reopened = new Outbox(r.dataDir);
    try {
      expect(reopened.pendingCount).toBe(1);
      expect(reopened.schedule('webhook', 1)?.attempts).toBe(0);
    } finally {
      reopened.close();
    }
  });

  it('keeps undelivered alerts on disk across a restart and delivers them after it', async () => {
    const target = await peer(() => ({ status: 503 }));
    const first = await sidekick({ routes: () => [webhookRoute('webhook', target.url)] });
    const accepted = await first.post('/batch', [FALCO_ALERT, FALCO_ALERT, FALCO_ALERT]);
    const uuids = (accepted.json as { uuids: string[] }).uuids;
    await target.waitForRequests(1);
    await first.stop(0);
    running = running.filter((x) => x !== first);

    const healthy = await peer();
    const second = await sidekick({ dataDir: first.dataDir, routes: () => [webhookRoute('webhook', healthy.url)] });
    await healthy.waitForRequests(3);
    await until('queues to settle', () => second.sidekick.outbox.pendingCount === 0);
    expect(new Set(uuidsOf(healthy))).toEqual(new Set(uuids));
  });
});
