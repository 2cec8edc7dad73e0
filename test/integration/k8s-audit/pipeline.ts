import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import { AlertEmitter, AlertSpool, HttpSink } from '../../../detector/emit/index.js';
import { Engine } from '../../../detector/engine/index.js';
import { FIELD_TABLES } from '../../../detector/fields/index.js';
import type { JsonEvent } from '../../../detector/sources/json-event.js';
import { createOutput } from '../../../outputs/index.js';
import { createSidekick, type Sidekick } from '../../../sidekick/index.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { waitFor } from '../../support/wait.js';

export const OFFICIAL_RULES = fileURLToPath(new URL('../../../../shared/falco-rules/', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** `expected.json` of a fixture folder: file → the rules it fires (rule_matching: all). */
export function expectedRules(folder: string): Record<string, string[]> {
  return (JSON.parse(readFileSync(join(FIXTURES, folder, 'expected.json'), 'utf8')) as { expected: Record<string, string[]> }).expected;
}

/**
 * The detector's back half against a real sidekick: rules (loaded through the Engine with the
 * detector's FIELD_TABLES) → alerts → the detector's spool/emitter link → a sidekick (createSidekick)
 * whose webhook output delivers to a recording HTTP peer, where the test reads the alerts.
 */
export interface AlertPipeline {
  /** Evaluates every event of `events` and emits its alerts, until the iteration ends or `stop` is called. */
  consume(events: AsyncIterable<JsonEvent>): Promise<void>;
  /** Ends `consume` after its current event. */
  stop(): void;
  /**
   * Resolves with every alert the sidekick delivered, once there are at least `count` and nothing is
   * left in the detector's spool or the sidekick's outbox (so an extra alert would be in the list).
   */
  delivered(count: number): Promise<Alert[]>;
  close(): Promise<void>;
}

export async function startAlertPipeline(source: string, rulesFile: string): Promise<AlertPipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-pipeline-'));
  const log = createLogger({ level: 'silent', pretty: false });
  const peer: HttpPeer = await startHttpPeer(() => ({ status: 200 }));
  const config = loadConfig({ env: { LISTENADDRESS: '127.0.0.1', DATADIR: join(dir, 'sidekick') } });
  config.listenport = 0 as number;
  const sidekick: Sidekick = createSidekick({ config, routes: [{ name: 'webhook', output: createOutput('webhook', { address: peer.url }, 'webhook') }], log, env: {} });
  await sidekick.listen();
  const { port } = sidekick.app.server.address() as AddressInfo;

  const engine = new Engine({ fieldTables: FIELD_TABLES, ruleMatching: 'all', hostname: 'test-node' });
  const loaded = engine.loadRules([join(OFFICIAL_RULES, rulesFile)]);
  expect(loaded.toJSON()).toMatchObject({ falco_load_results: [{ successful: true, errors: [] }] });

  const spool = new AlertSpool(join(dir, 'detector', 'spool.db'), { maxAlerts: 10_000 });
  const emitter = new AlertEmitter({
    spool,
    sink: new HttpSink({ url: `http://127.0.0.1:${port}/`, batch: true, timeoutMs: 5000 }),
    maxBatch: 50,
    backoff: { initialMs: 20, maxMs: 200 },
  });
  emitter.start();
  let stopping = false;

  return {
    async consume(events) {
      for await (const event of events) {
        for (const alert of engine.process(source, event)) emitter.emit(alert);
        if (stopping) break;
      }
    },
    stop() {
      stopping = true;
    },
    async delivered(count) {
      await peer.waitForRequests(count, 30_000);
      await waitFor(() => emitter.stats().queued === 0 && sidekick.outbox.pendingCount === 0, 'the spool and the outbox to drain');
      return peer.requests.map((r) => JSON.parse(r.body) as Alert);
    },
    async close() {
      await emitter.close(1000);
      spool.close();
      await sidekick.close(0);
      await peer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
