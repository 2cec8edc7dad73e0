import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import type { DeliveryResult, Output } from '../../../outputs/output.js';
import { DeliveryQueue } from '../../../sidekick/delivery/queue.js';
import { Outbox, SidekickMetrics } from '../../../sidekick/index.js';
import { FALCO_ALERT, until } from './harness.js';

/** An output that records each batch and answers only when the test says so. */
class HeldOutput implements Output {
  readonly type = 'held';
  readonly name = 'held';
  readonly maxBatch = 10;
  readonly batches: string[][] = [];
  private answers: ((results: DeliveryResult[]) => void)[] = [];

  send(alerts: readonly Alert[]): Promise<DeliveryResult[]> {
    this.batches.push(alerts.map((a) => a.rule));
    return new Promise((resolve) => this.answers.push(resolve));
  }

  answerOk(): void {
    const answer = this.answers.shift();
    const batch = this.batches.at(-1) ?? [];
    answer?.(batch.map(() => ({ status: 'ok' })));
  }

  async close(): Promise<void> {}
}

const dirs: string[] = [];
const queues: DeliveryQueue[] = [];
afterEach(() => {
  for (const queue of queues.splice(0)) queue.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('delivery queue', () => {
  it('delivers a row that fell due while the last read was in flight, with no new alert to wake it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-queue-'));
    dirs.push(dir);
    const outbox = new Outbox(dir);
    let clock = 100_000;
    const output = new HeldOutput();
    const queue = new DeliveryQueue(
      'held',
      output,
      outbox,
      { backoff: { initialMs: 10, maxMs: 50 }, maxAttempts: 3, maxAgeMs: 3_600_000, sendTimeoutMs: 60_000, concurrency: 1 },
      new SidekickMetrics(() => outbox.queueStats()),
      createLogger({ level: 'silent', pretty: false }),
      () => clock,
    );
    queues.push(queue);
    // A is due now; B falls due one millisecond later (as a deferred or retried row does).
    outbox.accept([{ alert: { ...FALCO_ALERT, rule: 'A', uuid: 'a' } as Alert, outputs: ['held'] }], clock);
    outbox.accept([{ alert: { ...FALCO_ALERT, rule: 'B', uuid: 'b' } as Alert, outputs: ['held'] }], clock + 1);
    queue.notify();
    await until('A to be sent', () => output.batches.length === 1);
    expect(output.batches[0]).toEqual(['A']);
    // A's answer comes after B fell due; nothing else happens: no alert arrives, no timer is due.
    clock += 5;
    output.answerOk();
    await until('B to be sent', () => output.batches.length === 2);
    expect(output.batches[1]).toEqual(['B']);
    output.answerOk();
    await until('the queue to be empty', () => outbox.pendingCount === 0);
  });
});
