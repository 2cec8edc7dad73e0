import { randomUUID } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import { stringifyJson, type Alert } from '../../contract/index.js';
import type { DedupStore, StoredWindow } from './dedup-store.js';

/**
 * De-duplication for one output (`<output>.dedup`): the first alert of a kind is delivered at once and
 * opens a window; repeats within the window (same rule and same `fields`) are held back; when the
 * window closes, if any repeats came, one more alert is delivered for all of them — the last repeat,
 * with a uuid of its own and two output fields added:
 *
 *   saker.dedup.count   how many alerts it stands for (the repeats, not the first, already delivered)
 *   saker.dedup.first   the `time` of the first of those repeats
 *
 * Windows are decided on receipt, so a destination that is down does not change what is merged. With
 * a store (the sidekick's `sidekick-dedup.sqlite` in `datadir`), every open window — its end, count,
 * first time, last repeat and the summary's uuid — is written to SQLite as it changes, during routing,
 * so before ingest answers for the alert (one write per alert, or one transaction per request through
 * `Router.targetsAll`): after a crash, the next start summarises the windows whose end has passed and
 * resumes the others (a repeat that arrives then still joins its window). At shutdown every open
 * window is summarised into the outbox at once. A repeat that cannot be written is delivered as it is
 * rather than held (counted `store_failed`). A repeat is counted when it is routed, so one in a request
 * that ingest then refuses (outbox full) and the client resends is counted twice: the summary's count
 * is an upper bound.
 */

export interface DedupSettings {
  windowMs: number;
  /** What besides the rule makes alerts identical: `hostname`, `priority`, `source` or output field names. */
  fields: readonly string[];
  /** Most windows open at once; alerts of a new kind past it are delivered without de-duplication. */
  maxKeys: number;
}

/** Output field carrying how many alerts a summary stands for. */
export const DEDUP_COUNT_FIELD = 'saker.dedup.count';
/** Output field carrying the time of the first alert a summary stands for. */
export const DEDUP_FIRST_FIELD = 'saker.dedup.first';

/** What happened to an alert, or a window; the `outcome` label of `saker_sidekick_dedup_total`. */
export type DedupOutcome = 'delivered' | 'held' | 'summarised' | 'summary_failed' | 'overflow' | 'store_failed';

/** Writes a summary alert to the output's queue; throws when it cannot. */
export type SummarySink = (alert: Alert, output: string) => void;

const ALERT_KEYS: Readonly<Record<string, (alert: Alert) => unknown>> = {
  hostname: (a) => a.hostname,
  priority: (a) => a.priority,
  source: (a) => a.source,
};

/** Counts dedup outcomes per output, and shows the windows open, in the sidekick's registry. */
export class DedupMetrics {
  private readonly counter: Counter<'output' | 'outcome'>;
  private readonly deduplicators: Deduplicator[] = [];

  constructor(registry: Registry) {
    const deduplicators = this.deduplicators;
    new Gauge({
      name: 'saker_sidekick_dedup_open_windows',
      help: 'De-duplication windows open per output (kinds of alert whose repeats are being held back).',
      labelNames: ['output'],
      registers: [registry],
      collect() {
        for (const dedup of deduplicators) this.set({ output: dedup.output }, dedup.openWindows);
      },
    });
    this.counter = new Counter({
      name: 'saker_sidekick_dedup_total',
      help: 'De-duplication per output: delivered (first of a kind), held (repeat held back), summarised (one alert sent for held repeats), summary_failed (could not be queued), overflow (too many kinds open: delivered as is), store_failed (window could not be written to disk: a repeat is delivered as is).',
      labelNames: ['output', 'outcome'],
      registers: [registry],
    });
  }

  watch(dedup: Deduplicator): void {
    this.deduplicators.push(dedup);
  }

  count(output: string, outcome: DedupOutcome): void {
    this.counter.inc({ output, outcome });
  }
}

/**
 * Queues the summary a closed window owes, if it held any repeat, and forgets the window on disk.
 * Also used at start-up for windows of outputs that no longer de-duplicate: held repeats are owed anyway.
 */
export function releaseWindow(window: StoredWindow, sink: SummarySink | undefined, metrics: DedupMetrics, store: DedupStore | undefined): void {
  if (window.last) {
    // A summary is a delivery of its own: its own uuid, so receivers that drop redelivered uuids keep it.
    const summary: Alert = {
      ...window.last,
      uuid: window.summaryUuid,
      output_fields: { ...window.last.output_fields, [DEDUP_COUNT_FIELD]: window.repeats, [DEDUP_FIRST_FIELD]: window.first ?? window.last.time },
    };
    try {
      if (!sink) throw new Error('no summary sink');
      sink(summary, window.output);
      metrics.count(window.output, 'summarised');
    } catch {
      // The sink logs its own failure; here it is counted, as every drop is. (After a crash between the
      // outbox write and the removal below, the outbox refuses the same uuid again: delivered once, counted here.)
      metrics.count(window.output, 'summary_failed');
    }
  }
  try {
    store?.remove(window.output, window.key);
  } catch {
    // Left on disk, the window is released again at the next start under the same summary uuid.
  }
}

interface OpenWindow extends StoredWindow {
  timer: NodeJS.Timeout;
}

/** Holds back repeats of alerts for one output; see the file comment for the exact behaviour. */
export class Deduplicator {
  private readonly windows = new Map<string, OpenWindow>();
  private readonly keyOf: (alert: Alert) => string;

  constructor(
    readonly output: string,
    private readonly settings: DedupSettings,
    private readonly metrics: DedupMetrics,
    private readonly sink: () => SummarySink | undefined,
    private readonly store?: DedupStore,
  ) {
    const parts = settings.fields.map((field) => ALERT_KEYS[field] ?? ((a: Alert) => a.output_fields[field] ?? null));
    this.keyOf = (alert) => stringifyJson([alert.rule, ...parts.map((part) => part(alert))]);
    metrics.watch(this);
  }

  /** Windows open now. */
  get openWindows(): number {
    return this.windows.size;
  }

  /** True when `alert` is to be delivered now; false when it is held as a repeat (and, with a store, on disk). */
  admit(alert: Alert): boolean {
    const key = this.keyOf(alert);
    const open = this.windows.get(key);
    if (open) {
      const next = { repeats: open.repeats + 1, first: open.first ?? alert.time, last: alert };
      if (!this.persist({ ...open, ...next })) return true;
      Object.assign(open, next);
      this.metrics.count(this.output, 'held');
      return false;
    }
    if (this.windows.size >= this.settings.maxKeys) {
      this.metrics.count(this.output, 'overflow');
      return true;
    }
    const window = this.track({ output: this.output, key, endsAt: Date.now() + this.settings.windowMs, summaryUuid: randomUUID(), repeats: 0 });
    // Not fatal if unwritten: a crash then forgets a window with nothing held, and the first repeat writes it whole.
    this.persist(window);
    this.metrics.count(this.output, 'delivered');
    return true;
  }

  /**
   * Takes back a window stored by an earlier run: summarised now if its end has passed, otherwise
   * open again until its end, so later repeats still join it.
   */
  resume(stored: StoredWindow, now = Date.now()): void {
    if (stored.endsAt <= now || this.windows.has(stored.key)) {
      releaseWindow(stored, this.sink(), this.metrics, this.store);
      return;
    }
    this.track(stored);
  }

  /** Closes every open window now, queueing their summaries (at shutdown). */
  flush(): void {
    for (const key of [...this.windows.keys()]) this.close(key);
  }

  private track(stored: StoredWindow): OpenWindow {
    const timer = setTimeout(() => this.close(stored.key), Math.max(0, stored.endsAt - Date.now()));
    timer.unref();
    const window: OpenWindow = { ...stored, timer };
    this.windows.set(stored.key, window);
    return window;
  }

  /** Writes `window` to the store; false (counted) when that failed. */
  private persist(window: StoredWindow): boolean {
    if (!this.store) return true;
    try {
      const { output, key, endsAt, summaryUuid, repeats, first, last } = window;
      this.store.save({ output, key, endsAt, summaryUuid, repeats, ...(first === undefined ? {} : { first }), ...(last === undefined ? {} : { last }) });
      return true;
    } catch {
      this.metrics.count(this.output, 'store_failed');
      return false;
    }
  }

  private close(key: string): void {
    const window = this.windows.get(key);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(key);
    releaseWindow(window, this.sink(), this.metrics, this.store);
  }
}
