import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import { AlertEmitter, AlertSpool, HttpSink } from '../../../detector/emit/index.js';
import { startSidekick } from '../../../sidekick/index.js';

/** The detector's emitter against the real sidekick: alerts posted in batches reach the UI store. */
describe('detector emitter → real sidekick', () => {
  it('delivers batched alerts that the sidekick accepts, stores and serves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-link-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const config = loadConfig({ env: { DATADIR: join(dir, 'sidekick'), LISTENPORT: String(port), WEBUI_LISTENPORT: String(port + 1) } });
    const sidekick = await startSidekick(config, createLogger({ level: 'silent', pretty: false }));
    const spool = new AlertSpool(join(dir, 'detector', 'spool.db'), { maxAlerts: 1000 });
    const emitter = new AlertEmitter({
      spool,
      sink: new HttpSink({ url: `http://127.0.0.1:${port}/`, batch: true, timeoutMs: 5000 }),
      maxBatch: 50,
      backoff: { initialMs: 20, maxMs: 200 },
    });
    try {
      emitter.start();
      const alert = (i: number): Alert => ({
        time: '2026-11-22T10:00:00.000000000Z',
        rule: 'Link test',
        priority: 'Error',
        source: 'syscall',
        hostname: 'host-1',
        output: `10:00:00.000000000: Error link test ${i}`,
        output_fields: { 'proc.name': 'cat', 'evt.num': i },
        tags: ['saker'],
      });
      for (let i = 0; i < 120; i++) emitter.emit(alert(i));
      for (let i = 0; i < 200 && emitter.stats().sent < 120; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(emitter.stats()).toMatchObject({ sent: 120, rejected: 0, queued: 0 });

      let total = 0;
      for (let i = 0; i < 100 && total < 120; i++) {
        const response = await fetch(`${sidekick.uiUrl}/api/v1/events/count?rule=Link%20test`);
        total = ((await response.json()) as { statistics: { all: number } }).statistics.all;
        if (total < 120) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(total).toBe(120);
    } finally {
      await emitter.close(1000);
      spool.close();
      await sidekick.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
