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

/** An output that records each batch and answers only when the test says so (or at once, if `autoOk`). */
class HeldOutput implements Output {
  readonly type = 'held';
  readonly name = 'held';
  readonly batches: string[][] = [];
  private answers: ((results: DeliveryResult[]) => void)[] = [];

  constructor(
    readonly maxBatch: number,
    readonly lingerMs: number | undefined,
    private readonly autoOk = false,
  ) {}

  send(alerts: readonly Alert[]): Promise<DeliveryResult[]> {
    this.batches.push(alerts.map((a) => a.rule));
    const results = alerts.map((): DeliveryResult => ({ status: 'ok' }));
    if (this.autoOk) return Promise.resolve(results);
    return new Promise((resolve) => this.answers.push(() => resolve(results)));
  }

  answerOk(): void {
    this.answers.shift()?.([]);
  }

  async close(): Promise<void> {}
}

const dirs: string[] = [];
const queues: DeliveryQueue[] = [];
const outboxes: Outbox[] = [];
afterEach(() => {
  for (const queue of queues.splice(0)) queue.stop();
  for (const outbox of outboxes.splice(0)) outbox.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(output: Output): { outbox: Outbox; queue: DeliveryQueue; add: (rule: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'saker-linger-'));
  dirs.push(dir);
  const outbox = new Outbox(dir);
  outboxes.push(outbox);
  const queue = new DeliveryQueue(
    output.name,
    output,
    outbox,
    { backoff: { initialMs: 10, maxMs: 50 }, maxAttempts: 3, maxAgeMs: 3_600_000, sendTimeoutMs: 60_000, concurrency: 1 },
    new SidekickMetrics(() => outbox.queueStats()),
    createLogger({ level: 'silent', pretty: false }),
  );
  queues.push(queue);
  let n = 0;
  const add = (rule: string): void => {
    outbox.accept([{ alert: { ...FALCO_ALERT, rule, uuid: `u${n++}` } as Alert, outputs: [output.name] }], Date.now());
    queue.notify();
  };
  return { outbox, queue, add };
}

/** Lets the event loop run a few turns (each notification without a linger would have been read by then). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('delivery queue linger', () => {
  it('gathers alerts that arrive one by one while it lingers into one batch, and a drain cuts the linger short', async () => {
    // A linger far longer than the test: only the drain's whenIdle can end it.
    const output = new HeldOutput(100, 600_000, true);
    const { outbox, queue, add } = setup(output);
    // The queue reads once (nothing due) and is caught up.
    queue.notify();
    await turns(3);
    for (let i = 0; i < 30; i++) {
      add(`r${i}`);
      await turns(2);
    }
    expect(output.batches).toEqual([]);
    await queue.whenIdle();
    expect(output.batches).toEqual([Array.from({ length: 30 }, (_, i) => `r${i}`)]);
    await until('the queue to be empty', () => outbox.pendingCount === 0);
  });

  it('sends a single alert on an idle queue once its linger is over, with nothing else to wake it', async () => {
    const output = new HeldOutput(100, 50, true);
    const { outbox, queue, add } = setup(output);
    queue.notify();
    await turns(3);
    add('lonely');
    await until('the alert to be sent', () => output.batches.length === 1);
    expect(output.batches).toEqual([['lonely']]);
    await until('the queue to be empty', () => outbox.pendingCount === 0);
  });

  it('does not linger while behind: batches after a full read go out as soon as slots free', async () => {
    const output = new HeldOutput(10, 600_000);
    const { outbox, queue, add } = setup(output);
    queue.notify();
    await turns(3);
    for (let i = 0; i < 25; i++) add(`a${i}`);
    await turns(3);
    expect(output.batches).toEqual([]);
    const idle = queue.whenIdle();
    await until('the first batch', () => output.batches.length === 1);
    // The read that took it was full, so the queue is behind: a new alert does not start a linger,
    // and each answer lets the next batch go at once.
    add('late');
    output.answerOk();
    await until('the second batch', () => output.batches.length === 2);
    output.answerOk();
    await until('the third batch', () => output.batches.length === 3);
    output.answerOk();
    await idle;
    expect(output.batches.map((b) => b.length)).toEqual([10, 10, 6]);
    expect(output.batches.flat()).toEqual([...Array.from({ length: 25 }, (_, i) => `a${i}`), 'late']);
    await until('the queue to be empty', () => outbox.pendingCount === 0);
  });

  it('without lingerMs reads each notification on the next turn, as before', async () => {
    const output = new HeldOutput(100, undefined, true);
    const { outbox, queue, add } = setup(output);
    queue.notify();
    await turns(3);
    add('first');
    await until('the first alert', () => output.batches.length === 1);
    add('second');
    await until('the second alert', () => output.batches.length === 2);
    expect(output.batches).toEqual([['first'], ['second']]);
    await until('the queue to be empty', () => outbox.pendingCount === 0);
  });

  it('retries on its backoff timer, not after a linger', async () => {
    const output = new HeldOutput(100, 600_000, true);
    let failFirst = true;
    const send = output.send.bind(output);
    output.send = async (alerts) => {
      const results = await send(alerts);
      if (!failFirst) return results;
      failFirst = false;
      return alerts.map((): DeliveryResult => ({ status: 'retryable', reason: 'try again' }));
    };
    const { outbox, queue, add } = setup(output);
    queue.notify();
    await turns(3);
    add('flaky');
    // The drain's wait ends the linger; the failed alert is then due only later (backoff), so idle.
    await queue.whenIdle();
    expect(output.batches).toEqual([['flaky']]);
    await until('the retry', () => output.batches.length === 2);
    await until('the queue to be empty', () => outbox.pendingCount === 0);
  });
});
