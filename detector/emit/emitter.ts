import { setTimeout as sleep } from 'node:timers/promises';
import type { Alert } from '../../contract/index.js';
import type { AlertSink } from './sink.js';
import type { AlertSpool } from './spool.js';

export interface EmitterOptions {
  spool: AlertSpool;
  sink: AlertSink;
  /** Most alerts per request. */
  maxBatch: number;
  /** Backoff after a failed send: doubles from `initialMs` up to `maxMs`, with jitter. */
  backoff: { initialMs: number; maxMs: number };
  log?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

/** Counters the emitter exposes as metrics and on the stats line. */
export interface EmitterStats {
  queued: number;
  sent: number;
  /** Dropped because the spool was full. */
  dropped: number;
  /** Dropped because the receiver rejected them as invalid. */
  rejected: number;
  failedAttempts: number;
}

/**
 * Moves alerts from the detector to the sidekick without losing them: every alert goes through the
 * on-disk spool, a single pump sends the oldest first in batches, and a failed send is retried with
 * backoff (honouring `Retry-After`) until the sidekick takes it.
 */
export class AlertEmitter {
  private pending: Alert[] = [];
  private flushScheduled = false;
  private wake: (() => void) | undefined;
  private stopping = false;
  private pump: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly counters = { sent: 0, rejected: 0, failedAttempts: 0 };

  constructor(private readonly options: EmitterOptions) {}

  /** Queues an alert; it is on disk by the next tick of the event loop. */
  emit(alert: Alert): void {
    this.pending.push(alert);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushPending());
  }

  start(): void {
    this.pump ??= this.run();
  }

  stats(): EmitterStats {
    return {
      queued: this.options.spool.depth() + this.pending.length,
      sent: this.counters.sent,
      dropped: this.options.spool.dropped,
      rejected: this.counters.rejected,
      failedAttempts: this.counters.failedAttempts,
    };
  }

  /**
   * Stops the pump after at most `drainMs` spent delivering what is queued; whatever is left stays
   * in the spool for the next start.
   */
  async close(drainMs: number): Promise<void> {
    this.flushPending();
    const deadline = sleep(drainMs, undefined, { ref: false });
    const drained = (async () => {
      while (this.pump && this.options.spool.depth() > 0 && !this.stopping) await sleep(20);
    })();
    await Promise.race([drained, deadline]);
    this.stopping = true;
    this.abort.abort();
    this.wake?.();
    await this.pump;
    await this.options.sink.close();
  }

  private flushPending(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const dropped = this.options.spool.push(batch);
    if (dropped > 0) this.options.log?.warn({ dropped }, 'alert spool full: oldest alerts dropped');
    this.wake?.();
  }

  private async run(): Promise<void> {
    let backoffMs = this.options.backoff.initialMs;
    while (!this.stopping) {
      const batch = this.options.spool.peek(this.options.maxBatch);
      const last = batch[batch.length - 1];
      if (!last) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const result = await this.options.sink.send(batch.map((row) => row.alert));
      if (result.ok || result.permanent) {
        this.options.spool.ack(last.id);
        if (result.ok) this.counters.sent += batch.length;
        else {
          this.counters.rejected += batch.length;
          this.options.log?.warn({ reason: result.reason, alerts: batch.length }, 'sidekick rejected alerts; dropped');
        }
        backoffMs = this.options.backoff.initialMs;
        continue;
      }
      this.counters.failedAttempts++;
      this.options.log?.warn({ reason: result.reason, queued: this.options.spool.depth() }, 'cannot deliver alerts; will retry');
      const jittered = backoffMs / 2 + Math.random() * (backoffMs / 2);
      await sleep(Math.max(jittered, result.retryAfterMs ?? 0), undefined, { signal: this.abort.signal }).catch(() => undefined);
      backoffMs = Math.min(backoffMs * 2, this.options.backoff.maxMs);
    }
  }
}
