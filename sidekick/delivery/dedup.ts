import { randomUUID } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import { stringifyJson, type Alert } from '../../contract/index.js';

/**
 * De-duplication for one output (`<output>.dedup`): the first alert of a kind is delivered at once and
 * opens a window; repeats within the window (same rule and same `fields`) are held back; when the
 * window closes, if any repeats came, one more alert is delivered for all of them — the last repeat,
 * with a uuid of its own and two output fields added:
 *
 *   saker.dedup.count   how many alerts it stands for (the repeats, not the first, already delivered)
 *   saker.dedup.first   the `time` of the first of those repeats
 *
 * Windows are decided on receipt, so a destination that is down does not change what is merged. The
 * held repeats are in memory until their window closes: the summary of an open window is written to
 * the outbox at shutdown, but a crash loses it (the first alert, and every alert in the web UI, are on
 * disk as usual). A repeat is counted when it is routed, so one in a request that ingest then refuses
 * (outbox full) and the client resends is counted twice: the summary's count is an upper bound.
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
export type DedupOutcome = 'delivered' | 'held' | 'summarised' | 'summary_failed' | 'overflow';

/** Writes a summary alert to the output's queue; throws when it cannot. */
export type SummarySink = (alert: Alert, output: string) => void;

const ALERT_KEYS: Readonly<Record<string, (alert: Alert) => unknown>> = {
  hostname: (a) => a.hostname,
  priority: (a) => a.priority,
  source: (a) => a.source,
};

interface Window {
  timer: NodeJS.Timeout;
  repeats: number;
  first?: string;
  last?: Alert;
}

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
      help: 'De-duplication per output: delivered (first of a kind), held (repeat held back), summarised (one alert sent for held repeats), summary_failed (could not be queued), overflow (too many kinds open: delivered as is).',
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

/** Holds back repeats of alerts for one output; see the file comment for the exact behaviour. */
export class Deduplicator {
  private readonly windows = new Map<string, Window>();
  private readonly keyOf: (alert: Alert) => string;

  constructor(
    readonly output: string,
    private readonly settings: DedupSettings,
    private readonly metrics: DedupMetrics,
    private readonly sink: () => SummarySink | undefined,
  ) {
    const parts = settings.fields.map((field) => ALERT_KEYS[field] ?? ((a: Alert) => a.output_fields[field] ?? null));
    this.keyOf = (alert) => stringifyJson([alert.rule, ...parts.map((part) => part(alert))]);
    metrics.watch(this);
  }

  /** Windows open now. */
  get openWindows(): number {
    return this.windows.size;
  }

  /** True when `alert` is to be delivered now; false when it is held as a repeat. */
  admit(alert: Alert): boolean {
    const key = this.keyOf(alert);
    const open = this.windows.get(key);
    if (open) {
      open.repeats++;
      open.first ??= alert.time;
      open.last = alert;
      this.metrics.count(this.output, 'held');
      return false;
    }
    if (this.windows.size >= this.settings.maxKeys) {
      this.metrics.count(this.output, 'overflow');
      return true;
    }
    const timer = setTimeout(() => this.close(key), this.settings.windowMs);
    timer.unref();
    this.windows.set(key, { timer, repeats: 0 });
    this.metrics.count(this.output, 'delivered');
    return true;
  }

  /** Closes every open window now, queueing their summaries (at shutdown). */
  flush(): void {
    for (const key of [...this.windows.keys()]) this.close(key);
  }

  private close(key: string): void {
    const window = this.windows.get(key);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(key);
    if (!window.last) return;
    // A summary is a delivery of its own: its own uuid, so receivers that drop redelivered uuids keep it.
    const summary: Alert = {
      ...window.last,
      uuid: randomUUID(),
      output_fields: { ...window.last.output_fields, [DEDUP_COUNT_FIELD]: window.repeats, [DEDUP_FIRST_FIELD]: window.first ?? window.last.time },
    };
    try {
      const sink = this.sink();
      if (!sink) throw new Error('no summary sink');
      sink(summary, this.output);
      this.metrics.count(this.output, 'summarised');
    } catch {
      // The sink logs its own failure; here it is counted, as every drop is.
      this.metrics.count(this.output, 'summary_failed');
    }
  }
}
