import { setMaxListeners } from 'node:events';
import type { DeliveryResult, Output } from '../../outputs/output.js';
import type { Logger } from '../../common/logger.js';
import { withTimeout } from '../../common/abort.js';
import type { Outbox, PendingDelivery, Settlement } from '../outbox/store.js';
import type { SidekickMetrics } from '../metrics.js';
import { retryDelay, type BackoffPolicy } from './backoff.js';

/** Most due rows one read of the outbox returns for a queue (see `DeliveryQueue.buffer`). */
const PREFETCH_ROWS = 256;

/** Retry and concurrency limits shared by every delivery queue. */
export interface DeliveryPolicy {
  backoff: BackoffPolicy;
  maxAttempts: number;
  /** Milliseconds after queueing when a delivery stops being retried and is dead-lettered. */
  maxAgeMs: number;
  sendTimeoutMs: number;
  /** Batches in flight at once for one output. */
  concurrency: number;
}

/**
 * Delivers one output's pending alerts from the outbox: up to `concurrency` batches in flight, each at
 * most `output.maxBatch` alerts; every outcome is written back before the next look at the queue, so
 * the in-memory state is only the set of rows in flight. Retry, dead-lettering, timeouts and metrics
 * live here, once, for every output.
 */
export class DeliveryQueue {
  private readonly inFlight = new Set<number>();
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly output: Output,
    private readonly outbox: Outbox,
    private readonly policy: DeliveryPolicy,
    private readonly metrics: SidekickMetrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    // Every send in flight listens for shutdown on this one signal; more than Node's default of 10 is expected.
    setMaxListeners(policy.concurrency + 10, this.abort.signal);
  }

  /** Looks for due work now (called after ingest or replay adds rows). */
  notify(): void {
    if (!this.stopped) setImmediate(() => this.pump());
  }

  /** True when nothing is in flight and nothing is due now. */
  get idle(): boolean {
    if (this.active > 0 || this.buffer.length > 0) return false;
    const next = this.outbox.closed ? undefined : this.outbox.nextDueAt(this.name);
    return next === undefined || next > this.now();
  }

  /** Resolves once the queue is idle (see `idle`). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking new work and aborts sends still in flight; their rows stay pending on disk. */
  stop(): void {
    this.stopped = true;
    // Read-ahead rows were never sent: they simply stay pending on disk.
    this.buffer.length = 0;
    clearTimeout(this.timer);
    this.abort.abort(new Error('sidekick shutting down'));
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pump(): void {
    if (this.stopped || this.outbox.closed) return;
    try {
      this.fill();
    } catch (error) {
      // A read of the outbox failed (disk trouble): nothing is lost, so say so and look again shortly.
      this.log.error({ err: error, output: this.name }, 'cannot read the outbox; retrying in 1 s');
      setTimeout(() => this.pump(), 1000).unref();
    }
  }

  /**
   * Due rows read ahead of the sends that take them. Each read of the outbox also walks past the rows
   * in flight, so reading one batch per freed slot would cost a full window of rows per delivery;
   * reading up to `PREFETCH_ROWS` at once spreads that over many. Buffered rows count as in flight (no
   * other read returns them) and stay pending on disk until their send settles them.
   */
  private readonly buffer: PendingDelivery[] = [];

  private take(now: number): PendingDelivery[] {
    if (this.buffer.length === 0) {
      const rows = Math.max(this.output.maxBatch, Math.min(this.output.maxBatch * this.policy.concurrency, PREFETCH_ROWS));
      for (const item of this.outbox.due(this.name, now, rows, this.inFlight)) {
        this.inFlight.add(item.seq);
        this.buffer.push(item);
      }
    }
    return this.buffer.splice(0, this.output.maxBatch);
  }

  /** Starts as many due batches as the concurrency allows, then arms the retry timer. */
  private fill(): void {
    const now = this.now();
    while (this.active < this.policy.concurrency) {
      const batch = this.take(now);
      if (batch.length === 0) break;
      this.active++;
      void this.send(batch).finally(() => {
        for (const item of batch) this.inFlight.delete(item.seq);
        this.active--;
        this.pump();
      });
    }
    this.armTimer(now);
    if (this.idleWaiters.length > 0 && this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * Wakes the queue when its earliest future retry falls due. `now` must be the instant `due` was
   * asked with: a row that became due since then was not fetched, and only a timer will fetch it.
   * A row due at `now` was fetched or waits behind a send in flight, whose completion pumps again.
   */
  private armTimer(now: number): void {
    const next = this.outbox.nextDueAt(this.name);
    if (next === undefined || next <= now) return;
    if (this.timer !== undefined && this.timerAt <= next) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.min(Math.max(1, next - this.now()), 2 ** 31 - 1),
    );
    this.timer.unref();
  }

  private async send(batch: PendingDelivery[]): Promise<void> {
    const started = performance.now();
    let results: DeliveryResult[];
    try {
      const alerts = batch.map((item) => item.alert);
      results = await withTimeout(this.abort.signal, this.policy.sendTimeoutMs, (signal) => this.output.send(alerts, { signal, log: this.log }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      results = batch.map((): DeliveryResult => ({ status: 'retryable', reason }));
    }
    this.metrics.observeLatency(this.name, (performance.now() - started) / 1000);
    if (this.outbox.closed) return;

    const now = this.now();
    const all: Settlement[] = batch.map((item, i) => {
      const result: DeliveryResult = results[i] ?? { status: 'retryable', reason: 'output returned no result for this alert' };
      const attempts = item.attempts + 1;
      if (result.status === 'ok') return { seq: item.seq, kind: 'done' };
      if (result.status === 'permanent') return { seq: item.seq, kind: 'dead', attempts, reason: result.reason };
      const nextAt = now + retryDelay(this.policy.backoff, attempts, result.retryAfterMs);
      if (attempts >= this.policy.maxAttempts) {
        return { seq: item.seq, kind: 'dead', attempts, reason: `gave up after ${attempts} attempts: ${result.reason}` };
      }
      if (nextAt - item.createdAt > this.policy.maxAgeMs) {
        return { seq: item.seq, kind: 'dead', attempts, reason: `gave up at max age: ${result.reason}` };
      }
      return { seq: item.seq, kind: 'retry', attempts, nextAt, error: result.reason };
    });
    // Failures caused by our own shutdown must not use up attempts; those rows simply stay pending.
    const settlements = this.stopped ? all.filter((s) => s.kind === 'done') : all;
    try {
      this.outbox.settle(this.name, settlements, now);
    } catch (error) {
      // The rows stay pending and are retried; nothing is lost, but say why progress stalls.
      this.log.error({ err: error, output: this.name }, 'cannot record delivery outcome in the outbox');
      return;
    }
    const count = (kind: Settlement['kind']) => settlements.filter((s) => s.kind === kind).length;
    const permanent = this.stopped ? 0 : results.filter((r, i) => r?.status === 'permanent' && i < batch.length).length;
    this.metrics.delivery(this.name, 'ok', count('done'));
    this.metrics.delivery(this.name, 'retried', count('retry'));
    this.metrics.delivery(this.name, 'failed', permanent);
    this.metrics.delivery(this.name, 'deadlettered', count('dead'));
    const firstProblem = settlements.find((s) => s.kind !== 'done');
    if (firstProblem) {
      this.log.warn(
        { output: this.name, failed: settlements.length - count('done'), deadlettered: count('dead') },
        `delivery to ${this.name} failed: ${firstProblem.kind === 'retry' ? firstProblem.error : firstProblem.kind === 'dead' ? firstProblem.reason : ''}`,
      );
    }
  }
}
