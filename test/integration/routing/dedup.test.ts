import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { routesFromConfig } from '../../../sidekick/index.js';
import { DEDUP_COUNT_FIELD, DEDUP_FIRST_FIELD } from '../../../sidekick/delivery/dedup.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, until, type RunningSidekick } from '../sidekick/harness.js';

let sidekick: RunningSidekick | undefined;
let peer: HttpPeer | undefined;

afterEach(async () => {
  await sidekick?.stop();
  sidekick = undefined;
  await peer?.close();
  peer = undefined;
});
afterAll(removeDataDirs);

interface Received {
  rule: string;
  hostname: string;
  time: string;
  uuid: string;
  output_fields: Record<string, unknown>;
}

const received = (): Received[] => (peer?.requests ?? []).map((request) => JSON.parse(request.body) as Received);

const repeat = (hostname: string, n: number) => ({ ...FALCO_ALERT, hostname, time: `2026-11-22T10:00:0${n}.000000000Z` });

async function webhookWithDedup(window: number): Promise<RunningSidekick> {
  peer = await startHttpPeer(() => ({ status: 200 }));
  return startSidekick({
    env: { WEBHOOK_ADDRESS: `${peer.url}/hook`, WEBHOOK_DEDUP_WINDOW: String(window), WEBHOOK_DEDUP_FIELDS: 'hostname' },
    routes: (config) => routesFromConfig(config),
  });
}

describe('de-duplication', () => {
  it('delivers the first alert at once and one summary with the count when the window closes', async () => {
    sidekick = await webhookWithDedup(1);
    const batch = [repeat('node-a', 1), repeat('node-a', 2), repeat('node-b', 3), repeat('node-a', 4), repeat('node-a', 5)];
    const accepted = await sidekick.post('/batch', batch);
    expect(accepted.status).toBe(200);

    await until('the summary arrived', () => received().length === 3);
    const [first, other, summary] = received() as [Received, Received, Received];
    // First of a kind: as received, nothing added. Another hostname is another kind.
    expect([first.hostname, first.time, first.output_fields[DEDUP_COUNT_FIELD]]).toEqual(['node-a', batch[0]?.time, undefined]);
    expect([other.hostname, other.output_fields[DEDUP_COUNT_FIELD]]).toEqual(['node-b', undefined]);
    // The summary is the last repeat, standing for the three held back, with the first one's time.
    expect(summary.hostname).toBe('node-a');
    expect(summary.time).toBe(batch[4]?.time);
    expect(summary.output_fields[DEDUP_COUNT_FIELD]).toBe(3);
    expect(summary.output_fields[DEDUP_FIRST_FIELD]).toBe(batch[1]?.time);
    expect(summary.output_fields['fd.name']).toBe('/bin/hack');

    const metrics = await (await fetch(`${sidekick.url}/metrics`)).text();
    expect(metrics).toContain('saker_sidekick_dedup_total{output="webhook",outcome="delivered"} 2');
    expect(metrics).toContain('saker_sidekick_dedup_total{output="webhook",outcome="held"} 3');
    expect(metrics).toContain('saker_sidekick_dedup_total{output="webhook",outcome="summarised"} 1');
  });

  it('sends no summary when nothing repeated, and starts a new window after one closes', async () => {
    sidekick = await webhookWithDedup(1);
    expect((await sidekick.post('/', repeat('node-a', 1))).status).toBe(200);
    await until('the first alert arrived', () => received().length === 1);
    const metricsOf = async () => (await fetch(`${sidekick?.url}/metrics`)).text();
    await until('the window closed', async () => (await metricsOf()).includes('saker_sidekick_dedup_open_windows{output="webhook"} 0'));
    expect(received()).toHaveLength(1);
    expect((await sidekick.post('/', repeat('node-a', 2))).status).toBe(200);
    await until('the next alert was delivered as a first', () => received().length === 2);
    expect(received()[1]?.output_fields[DEDUP_COUNT_FIELD]).toBeUndefined();
    expect(await metricsOf()).not.toContain('outcome="summarised"');
  });

  it('queues the summaries of open windows at shutdown, so the drain delivers them', async () => {
    sidekick = await webhookWithDedup(3600);
    expect((await sidekick.post('/batch', [repeat('node-a', 1), repeat('node-a', 2), repeat('node-a', 3)])).status).toBe(200);
    await until('the first alert arrived', () => received().length === 1);
    await sidekick.stop(5000);
    sidekick = undefined;
    expect(received()).toHaveLength(2);
    expect(received()[1]?.output_fields[DEDUP_COUNT_FIELD]).toBe(2);
  });
});
