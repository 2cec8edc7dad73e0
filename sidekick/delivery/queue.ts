import { setMaxListeners } from 'node:events';
import type { DeliveryResult, Output } from '../../outputs/output.js';
import type { Logger } from '../../common/logger.js';
import { withTimeout } from '../../common/abort.js';
import type { Outbox, PendingDelivery, Settlement } from '../outbox/store.js';
import type { SidekickMetrics } from '../metrics.js';
import { retryDelay, type BackoffPolicy } from './backoff.js';

/** Most due rows one read of the outbox returns for a queue (see `DeliveryQueue.buffer`). */
const PREFETCH_ROWS = 256;

/**
 * Longest a queue reads only rows from its cursor on before it scans its whole due range again. Rows
 * behind the cursor that are neither in flight nor done only exist after a failed write of an outcome
 * (which resets the cursor at once) or a wall clock stepped backwards; this bounds how long those wait.
 */
const FULL_SCAN_EVERY_MS = 1000;

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
 * live here, once, for every output, and so does an output's linger (`Output.lingerMs`).
 */
export class DeliveryQueue {
  private readonly inFlight = new Set<number>();
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];
  /** A pump is already scheduled: further notifications until it runs add nothing. */
  private pumpScheduled = false;
  /**
   * Due time of the last row taken, and how many rows taken so far were due at exactly that time (an
   * upper bound on those still in flight there); undefined until the next full scan (see `read`).
   */
  private cursor: { nextAt: number; taken: number } | undefined;
  private lastFullScanAt = -Infinity;
  /** The `now` of the last read of the outbox: a row due later than that has not been seen by any read. */
  private lastReadAt = -Infinity;
  /**
   * The last read saw every due row: until rows are added (notify), fall due (timer) or the periodic
   * full scan, another read would find nothing, so a completion that frees a slot does not read.
   */
  private caughtUp = false;
  /** Rows may have been added or rescheduled since `armTimer` last found the earliest due time. */
  private scheduleChanged = true;
  /**
   * Set while the queue lingers (see `Output.lingerMs`): alerts arrived after a read that saw every
   * due row, and are read together when it fires (or earlier, by any read made meanwhile).
   */
  private lingerTimer: NodeJS.Timeout | undefined;

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

  /**
   * Looks for due work soon (called after ingest or replay adds rows). Cheap when called often: one
   * pump per turn of the event loop however many notifications arrive, and none while every slot is
   * busy, since each send that completes pumps again and reads what arrived meanwhile. An output with
   * `lingerMs` that has been sent everything due so far waits that long first, so what arrives
   * meanwhile goes in the same batch; a queue that is behind (its last read was not complete) reads
   * at once as before.
   */
  notify(): void {
    if (this.stopped) return;
    const linger = this.output.lingerMs ?? 0;
    // No linger while a drain waits for the queue to be idle: it would only make the drain wait.
    if (linger > 0 && this.idleWaiters.length === 0 && (this.caughtUp || this.lingerTimer !== undefined)) {
      // `caughtUp` stays true meanwhile, so a send completing during the linger does not read.
      this.lingerTimer ??= setTimeout(() => this.endLinger(), linger);
      return;
    }
    this.caughtUp = false;
    this.scheduleChanged = true;
    if (this.active < this.policy.concurrency) this.schedulePump();
  }

  /** The linger is over (or cut short): read what arrived during it. */
  private endLinger(): void {
    if (this.lingerTimer === undefined) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.caughtUp = false;
    this.scheduleChanged = true;
    this.pump();
  }

  /** One pump on the next turn of the event loop, however often it is asked for until then. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** True when nothing is in flight and nothing is due now. */
  get idle(): boolean {
    if (this.active > 0 || this.buffer.length > 0) return false;
    const next = this.outbox.closed ? undefined : this.outbox.nextDueAt(this.name);
    return next === undefined || next > this.now();
  }

  /**
   * Resolves once the queue is idle (see `idle`). Someone waits for delivery to finish (a shutdown's
   * drain): a linger is cut short rather than waited out.
   */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.endLinger();
    return idle;
  }

  /** Stops taking new work and aborts sends still in flight; their rows stay pending on disk. */
  stop(): void {
    this.stopped = true;
    // Read-ahead rows were never sent: they simply stay pending on disk.
    this.buffer.length = 0;
    this.cursor = undefined;
    clearTimeout(this.timer);
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
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
      setTimeout(() => {
        this.caughtUp = false;
        this.scheduleChanged = true;
        this.pump();
      }, 1000).unref();
    }
  }

  /**
   * Due rows read ahead of the sends that take them: one read of the outbox serves many freed slots
   * (a read costs a query whatever it returns). Buffered rows count as in flight (no other read
   * returns them) and stay pending on disk until their send settles them.
   */
  private readonly buffer: PendingDelivery[] = [];

  private take(now: number): PendingDelivery[] {
    if (this.buffer.length === 0 && !(this.caughtUp && now - this.lastFullScanAt < FULL_SCAN_EVERY_MS)) {
      const rows = Math.max(this.output.maxBatch, Math.min(this.output.maxBatch * this.policy.concurrency, PREFETCH_ROWS));
      const { items, complete } = this.read(now, rows);
      this.caughtUp = complete;
      this.lastReadAt = now;
      // This read took whatever a linger was waiting for.
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      for (const item of items) {
        this.inFlight.add(item.seq);
        this.buffer.push(item);
      }
      this.advanceCursor();
    }
    return this.buffer.splice(0, this.output.maxBatch);
  }

  /** Moves the cursor to the last row just read into the buffer; never back (a full scan may pick up older rows). */
  private advanceCursor(): void {
    const last = this.buffer.at(-1);
    if (!last || (this.cursor !== undefined && last.nextAt < this.cursor.nextAt)) return;
    const atLast = this.buffer.reduce((n, item) => n + (item.nextAt === last.nextAt ? 1 : 0), 0);
    this.cursor = { nextAt: last.nextAt, taken: atLast + (this.cursor?.nextAt === last.nextAt ? this.cursor.taken : 0) };
  }

  /**
   * Reads due rows not in flight. Rows are taken in due-time order, and new or rescheduled rows are
   * due no earlier than the last one taken (new rows at their receipt, retries in the future), so
   * while rows are in flight it is enough to read from the cursor's due time on, past only the rows
   * taken at that same millisecond: the read no longer walks every row in flight (with Kafka's
   * batches, tens of thousands). With nothing in flight, or when the cursor finds nothing (at most
   * every FULL_SCAN_EVERY_MS), the whole due range is read instead, so nothing stays behind the cursor.
   */
  private read(now: number, rows: number): { items: PendingDelivery[]; complete: boolean } {
    if (this.cursor !== undefined && this.inFlight.size > 0) {
      const read = this.outbox.dueFrom(this.name, now, this.cursor.nextAt, rows, this.cursor.taken, this.inFlight);
      if (read.items.length > 0 || now - this.lastFullScanAt < FULL_SCAN_EVERY_MS) return read;
    }
    this.lastFullScanAt = now;
    return this.outbox.dueFrom(this.name, now, Number.MIN_SAFE_INTEGER, rows, this.inFlight.size, this.inFlight);
  }

  /**
   * Starts as many due batches as the concurrency allows. When it ran out of due rows (rather than of
   * slots) it arms the retry timer; a saturated queue skips that, since the next completion pumps again.
   */
  private fill(): void {
    const now = this.now();
    let drained = false;
    while (this.active < this.policy.concurrency) {
      const batch = this.take(now);
      if (batch.length === 0) {
        drained = true;
        break;
      }
      this.active++;
      void this.send(batch)
        .catch(() => false)
        .then((settled) => {
          for (const item of batch) this.inFlight.delete(item.seq);
          this.active--;
          // Rows back in the queue (a retry, a failed write, a shutdown) were skipped by reads while in
          // flight, and a retry may be due already if the event loop lagged: read and look at the timer again.
          if (!settled) {
            this.caughtUp = false;
            this.scheduleChanged = true;
          }
          this.pump();
        });
    }
    if (drained) this.armTimer(now);
    if (this.idleWaiters.length > 0 && this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * Wakes the queue when its earliest future retry falls due. `now` must be the instant `due` was
   * asked with: a row that became due since then was not fetched, and only a timer will fetch it.
   * A row due at `now` was fetched or waits behind a send in flight, whose completion pumps again.
   */
  private armTimer(now: number): void {
    if (!this.scheduleChanged) return;
    const next = this.outbox.nextDueAt(this.name);
    // A row due by now may still be in flight (its completion pumps and looks again): the answer may change.
    this.scheduleChanged = next !== undefined && next <= now;
    if (next === undefined) return;
    if (next <= now) {
      // Due already, yet the reads just made found nothing: in flight, or it fell due after the last
      // read looked (a read skipped while caught up). With nothing in flight it can only be the latter,
      // and no completion will come to pump: look again now rather than wait for the next alert.
      // While lingering, its end reads them (within lingerMs).
      if (this.lingerTimer === undefined && (this.inFlight.size === 0 || next > this.lastReadAt)) {
        this.caughtUp = false;
        this.schedulePump();
      }
      return;
    }
    if (this.timer !== undefined && this.timerAt <= next) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.caughtUp = false;
        this.scheduleChanged = true;
        this.pump();
      },
      Math.min(Math.max(1, next - this.now()), 2 ** 31 - 1),
    );
    this.timer.unref();
  }

  /** Sends a batch and records the outcome; true when every row of it is done or dead-lettered on disk. */
  private async send(batch: PendingDelivery[]): Promise<boolean> {
    const started = performance.now();
    let results: DeliveryResult[];
    try {
      const alerts = batch.map((item) => item.alert);
      const json = batch.map((item) => item.json);
      results = await withTimeout(this.abort.signal, this.policy.sendTimeoutMs, (signal) => this.output.send(alerts, { signal, log: this.log, json }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      results = batch.map((): DeliveryResult => ({ status: 'retryable', reason }));
    }
    this.metrics.observeLatency(this.name, (performance.now() - started) / 1000);
    if (this.outbox.closed) return false;

    const now = this.now();
    const all: Settlement[] = batch.map((item, i) => {
      const result: DeliveryResult = results[i] ?? { status: 'retryable', reason: 'output returned no result for this alert' };
      const attempts = item.attempts + 1;
      if (result.status === 'ok') return { seq: item.seq, kind: 'done' };
      if (result.status === 'permanent') return { seq: item.seq, kind: 'dead', attempts, reason: result.reason };
      // Held back by the output itself: back in the queue at exactly that time, with its attempts as they were.
      const deferred = result.status === 'deferred';
      const tries = deferred ? item.attempts : attempts;
      const nextAt = now + (deferred ? result.retryAfterMs : retryDelay(this.policy.backoff, attempts, result.retryAfterMs));
      if (!deferred && attempts >= this.policy.maxAttempts) {
        return { seq: item.seq, kind: 'dead', attempts, reason: `gave up after ${attempts} attempts: ${result.reason}` };
      }
      if (nextAt - item.createdAt > this.policy.maxAgeMs) {
        return { seq: item.seq, kind: 'dead', attempts: tries, reason: `gave up at max age: ${result.reason}` };
      }
      return { seq: item.seq, kind: 'retry', attempts: tries, nextAt, error: result.reason };
    });
    // Failures caused by our own shutdown must not use up attempts; those rows simply stay pending.
    const settlements = this.stopped ? all.filter((s) => s.kind === 'done') : all;
    try {
      // Committed together with the other batches settled in this turn; the rows stay in flight until then.
      await this.outbox.settleSoon(this.name, settlements, now);
    } catch (error) {
      // The rows stay pending and are retried; nothing is lost, but say why progress stalls. They keep
      // their place in the queue, behind the cursor: the next read scans the whole due range.
      this.cursor = undefined;
      if (!this.outbox.closed) this.log.error({ err: error, output: this.name }, 'cannot record delivery outcome in the outbox');
      return false;
    }
    const count = (kind: Settlement['kind']) => settlements.filter((s) => s.kind === kind).length;
    const permanent = this.stopped ? 0 : results.filter((r, i) => r?.status === 'permanent' && i < batch.length).length;
    const deferred = this.stopped ? 0 : all.filter((s, i) => s.kind === 'retry' && results[i]?.status === 'deferred').length;
    this.metrics.delivery(this.name, 'ok', count('done'));
    this.metrics.delivery(this.name, 'deferred', deferred);
    this.metrics.delivery(this.name, 'retried', count('retry') - deferred);
    this.metrics.delivery(this.name, 'failed', permanent);
    this.metrics.delivery(this.name, 'deadlettered', count('dead'));
    // Held back by the output's own rate limit is routine, not a failure worth a warning.
    const firstProblem = settlements.find((s, i) => s.kind !== 'done' && !(s.kind === 'retry' && results[i]?.status === 'deferred'));
    if (firstProblem) {
      this.log.warn(
        { output: this.name, failed: settlements.length - count('done'), deadlettered: count('dead') },
        `delivery to ${this.name} failed: ${firstProblem.kind === 'retry' ? firstProblem.error : firstProblem.kind === 'dead' ? firstProblem.reason : ''}`,
      );
    }
    return settlements.length === batch.length && count('retry') === 0;
  }
}
