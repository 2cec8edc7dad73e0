// `GET /api/v1/events/:uuid` tells, per output, where the alert went or why not: delivered (when,
// after how many attempts), pending (attempts, next try, last error), dead-lettered (why), or skipped
// (not routed there). The sidekick's outbox answers by uuid, through the real delivery path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { createUiServer, type DeliveryStatus, type UiServer } from '../../../sidekick/ui-api/index.js';
import { webuiRoute } from '../../../sidekick/webui-route.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, until, webhookRoute, type RunningSidekick } from '../sidekick/harness.js';

let good: HttpPeer;
let broken: HttpPeer;
let flaky: HttpPeer;
let store: AlertStore;
let sidekick: RunningSidekick;
let ui: UiServer;
const outputs = ['broken', 'critical-only', 'flaky', 'good', 'webui'];

beforeAll(async () => {
  good = await startHttpPeer(() => ({ status: 200 }));
  broken = await startHttpPeer(() => ({ status: 400, body: 'bad payload' }));
  flaky = await startHttpPeer(() => ({ status: 503 }));
  store = AlertStore.open({ directory: ':memory:' });
  sidekick = await startSidekick({
    routes: () => [
      webhookRoute('good', good.url),
      webhookRoute('broken', broken.url),
      webhookRoute('flaky', flaky.url),
      webhookRoute('critical-only', good.url, 'Critical'),
      webuiRoute(store, ''),
    ],
    // The flaky output's next try is a minute away: it stays pending while the test looks.
    tweak: (config) => {
      config.outbox.initialbackoff = 60_000;
      config.outbox.maxbackoff = 60_000;
    },
  });
  ui = await createUiServer({ store, port: 0, staticDir: false, outputs: () => outputs, deliveryStatus: (uuid) => sidekick.sidekick.outbox.deliveryStatus(uuid) });
});

afterAll(async () => {
  await ui?.close();
  await sidekick?.stop();
  store?.close();
  await Promise.all([good?.close(), broken?.close(), flaky?.close()]);
  removeDataDirs();
});

async function detail(uuid: string): Promise<{ status: number; delivery: DeliveryStatus[] }> {
  const response = await fetch(`${ui.url}/api/v1/events/${uuid}`);
  const body = (await response.json()) as { delivery: DeliveryStatus[] };
  return { status: response.status, delivery: body.delivery };
}

describe('delivery status per output', () => {
  it('shows delivered, pending with its next try, dead-lettered with the reason, and skipped outputs', async () => {
    const before = Date.now();
    const accepted = await sidekick.post('/', FALCO_ALERT);
    expect(accepted.status).toBe(200);
    const { uuid } = accepted.json as { uuid: string };
    await until('every output to have tried once', () => {
      const states = sidekick.sidekick.outbox.deliveryStatus(uuid).map((d) => `${d.output}:${d.state}`);
      return ['broken:dead', 'flaky:pending', 'good:delivered', 'webui:delivered'].every((s) => states.includes(s)) && flaky.requests.length > 0;
    });

    const { status, delivery } = await detail(uuid);
    expect(status).toBe(200);
    const byOutput = new Map(delivery.map((d) => [d.output, d]));
    expect([...byOutput.keys()].sort()).toEqual(outputs);
    expect(byOutput.get('good')).toEqual({ output: 'good', state: 'delivered', attempts: 1, at: expect.any(Number) });
    expect(byOutput.get('good')?.at).toBeGreaterThanOrEqual(before);
    expect(byOutput.get('webui')).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(byOutput.get('broken')).toMatchObject({ state: 'dead', attempts: 1, error: expect.stringContaining('400') });
    const pending = byOutput.get('flaky');
    expect(pending).toMatchObject({ state: 'pending', attempts: 1, error: expect.stringContaining('503') });
    expect(pending?.nextAt).toBeGreaterThan(Date.now() + 30_000);
    expect(byOutput.get('critical-only')).toEqual({
      output: 'critical-only',
      state: 'skipped',
      error: 'not routed to this output (below its minimum priority, or filtered out)',
    });
  });

  it('forgets delivery confirmations past their retention (7 days), so the table stays bounded', async () => {
    const { uuid } = (await sidekick.post('/', FALCO_ALERT)).json as { uuid: string };
    await until('the good output to confirm', () => sidekick.sidekick.outbox.deliveryStatus(uuid).some((d) => d.output === 'good'));
    expect(sidekick.sidekick.outbox.pruneDelivered(Date.now())).toBe(0);
    expect(sidekick.sidekick.outbox.pruneDelivered(Date.now() + 8 * 86_400_000)).toBeGreaterThan(0);
    expect(sidekick.sidekick.outbox.deliveryStatus(uuid).filter((d) => d.state === 'delivered')).toEqual([]);
  });

  it('reports nothing for an alert the outbox never saw, and 404 for an unknown uuid', async () => {
    expect(sidekick.sidekick.outbox.deliveryStatus('00000000-0000-4000-8000-000000000000')).toEqual([]);
    expect((await detail('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
