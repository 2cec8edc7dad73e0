import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEDUP_COUNT_FIELD, DEDUP_FIRST_FIELD } from '../../../sidekick/delivery/dedup.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { exited, freePort, SidekickProcesses } from './child-process.js';
import { FALCO_ALERT, until } from './harness.js';

/** Long enough that four local posts and the kill surely fall inside it; the test never waits on it. */
const WINDOW_SECONDS = 5;

const processes = new SidekickProcesses();
const dataDir = mkdtempSync(join(tmpdir(), 'saker-sidekick-dedup-kill-'));

afterAll(() => {
  try {
    processes.killAll();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** `saker sidekick` de-duplicating its webhook output (to `peer`) by hostname. */
function startChild(port: number, peer: HttpPeer): ReturnType<SidekickProcesses['start']> {
  return processes.start(port, {
    DATADIR: dataDir,
    WEBHOOK_ADDRESS: `${peer.url}/alerts`,
    WEBHOOK_DEDUP_WINDOW: String(WINDOW_SECONDS),
    WEBHOOK_DEDUP_FIELDS: 'hostname',
    OUTBOX_INITIALBACKOFF: '10',
    OUTBOX_MAXBACKOFF: '100',
  });
}

interface Delivered {
  uuid: string;
  rule: string;
  time: string;
  output_fields: Record<string, unknown>;
}

describe('de-duplication across a crash', () => {
  it('delivers the summary of a window open at kill -9, with the count of every acknowledged repeat, after a restart', async () => {
    const peer = await startHttpPeer(() => ({ status: 200 }));
    try {
      const port = await freePort();
      const first = await startChild(port, peer);
      const times = ['2026-11-22T10:00:00.000000000Z', '2026-11-22T10:00:01.000000000Z', '2026-11-22T10:00:02.000000000Z', '2026-11-22T10:00:03.000000000Z'];
      const acked: string[] = [];
      for (const time of times) {
        const response = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...FALCO_ALERT, rule: 'Repeated rule', time }),
        });
        expect(response.status).toBe(200);
        acked.push(((await response.json()) as { uuid: string }).uuid);
      }
      if (first.child.pid) process.kill(-first.child.pid, 'SIGKILL');
      await exited(first.child);
      const delivered = () => peer.requests.map((r) => JSON.parse(r.body) as Delivered);
      const summaries = () => delivered().filter((d) => d.output_fields[DEDUP_COUNT_FIELD] !== undefined);
      // Killed inside the window: the summary was not sent by the first process.
      expect(summaries()).toEqual([]);

      const second = await startChild(port, peer);
      await until('the summary', () => summaries().length > 0, 60_000);
      // The first alert was delivered as is (by either process); the three repeats only through the summary.
      await until('the first alert', () => delivered().some((d) => d.uuid === acked[0]), 60_000);
      const [summary, ...more] = summaries();
      expect(more).toEqual([]);
      expect(summary?.rule).toBe('Repeated rule');
      expect(summary?.time).toBe(times[3]);
      expect(summary?.output_fields[DEDUP_COUNT_FIELD]).toBe(3);
      expect(summary?.output_fields[DEDUP_FIRST_FIELD]).toBe(times[1]);
      expect(acked).not.toContain(summary?.uuid);
      expect(delivered().filter((d) => acked.slice(1).includes(d.uuid))).toEqual([]);

      second.child.kill('SIGTERM');
      expect(await exited(second.child), second.stderr()).toBe(0);
    } finally {
      await peer.close();
    }
  }, 180_000);
});
