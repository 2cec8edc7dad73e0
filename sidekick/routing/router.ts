import { Registry } from 'prom-client';
import { meetsMinimum, type Alert, type Priority } from '../../contract/index.js';
import type { Output } from '../../outputs/output.js';
import { TEST_RULE } from '../ingest/enrich.js';
import { DedupMetrics, Deduplicator, releaseWindow, type DedupSettings, type SummarySink } from '../delivery/dedup.js';
import { DedupStore } from '../delivery/dedup-store.js';

/**
 * One output instance and the alerts it wants. Several routes may share an output type (two Slack
 * channels); `name` is what queues, metrics and dead letters are keyed by.
 */
export interface Route {
  name: string;
  output: Output;
  /** falcosidekick's `minimumpriority`; undefined sends every priority. */
  minimumPriority?: Priority;
  /** A `match:` expression compiled to a predicate over the alert; undefined matches everything. */
  match?: (alert: Alert) => boolean;
  /** `dedup:` settings; undefined delivers every alert. */
  dedup?: DedupSettings;
}

/** What the router needs besides its routes when some of them de-duplicate. */
export interface RouterOptions {
  /** Registry for the de-duplication counters (the sidekick's metrics registry). */
  registry?: Registry;
  /**
   * Where open de-duplication windows are kept so they survive a crash (the sidekick's `datadir`);
   * undefined keeps them in memory only.
   */
  dataDir?: string;
}

/**
 * Chooses, for each alert, the output instances it is delivered to: by priority, `match:` expression,
 * and, for outputs with `dedup`, whether it repeats an alert delivered within the window.
 */
export class Router {
  readonly routes: readonly Route[];
  private readonly dedup = new Map<string, Deduplicator>();
  private readonly dedupStore: DedupStore | undefined;
  private readonly dedupMetrics: DedupMetrics | undefined;
  private sink: SummarySink | undefined;

  constructor(routes: readonly Route[], options: RouterOptions = {}) {
    const seen = new Set<string>();
    for (const route of routes) {
      if (seen.has(route.name)) throw new Error(`duplicate output name '${route.name}'`);
      seen.add(route.name);
    }
    this.routes = routes;
    const withDedup = routes.filter((route) => route.dedup !== undefined);
    // Opened also with de-duplication now off when an earlier run left windows: their repeats are owed.
    const { dataDir } = options;
    if (dataDir !== undefined && (withDedup.length > 0 || DedupStore.existsIn(dataDir))) this.dedupStore = new DedupStore(dataDir);
    if (withDedup.length > 0 || this.dedupStore) {
      const metrics = new DedupMetrics(options.registry ?? new Registry());
      this.dedupMetrics = metrics;
      for (const route of withDedup) {
        this.dedup.set(route.name, new Deduplicator(route.name, route.dedup as DedupSettings, metrics, () => this.sink, this.dedupStore));
      }
    }
  }

  /** Where summaries of held repeats go when a window closes (the outbox). */
  onSummary(sink: SummarySink): void {
    this.sink = sink;
  }

  /**
   * Takes back the de-duplication windows a crashed run left on disk (call once the summary sink is
   * set): those past their end are summarised now, the others stay open until their end. Windows of
   * outputs that no longer de-duplicate are summarised now.
   */
  resumeDedup(now = Date.now()): void {
    const store = this.dedupStore;
    const metrics = this.dedupMetrics;
    if (!store || !metrics) return;
    for (const window of store.all()) {
      const dedup = this.dedup.get(window.output);
      if (dedup) dedup.resume(window, now);
      else releaseWindow(window, this.sink, metrics, store);
    }
  }

  /** Closes every de-duplication window now, queueing the summaries, and closes the store (at shutdown). */
  flushDedup(): void {
    for (const dedup of this.dedup.values()) dedup.flush();
    this.dedupStore?.close();
  }

  /**
   * Names of the outputs `alert` goes to. The self-test alert goes everywhere, as in falcosidekick.
   * `held` hears of each output that holds the alert back as a repeat.
   */
  targets(alert: Alert, held?: (output: string) => void): string[] {
    if (alert.rule === TEST_RULE) return this.routes.map((r) => r.name);
    const names: string[] = [];
    for (const route of this.routes) {
      if (route.minimumPriority !== undefined && !meetsMinimum(alert.priority, route.minimumPriority)) continue;
      if (route.match && !route.match(alert)) continue;
      const dedup = this.dedup.get(route.name);
      if (dedup && !dedup.admit(alert)) {
        held?.(route.name);
        continue;
      }
      names.push(route.name);
    }
    return names;
  }

  /**
   * `targets` for the alerts of one request, with their de-duplication writes in one transaction: one
   * commit per request rather than one per repeat held. If that commit fails, the repeats it held are
   * not on disk, so they are delivered as they are (counted `store_failed`) rather than held; the
   * windows keep counting them, so a summary's count stays an upper bound.
   */
  targetsAll(alerts: readonly Alert[]): string[][] {
    const store = this.dedupStore;
    if (!store || this.dedup.size === 0 || alerts.length < 2) return alerts.map((alert) => this.targets(alert));
    const result: string[][] = [];
    const held: { index: number; output: string }[] = [];
    try {
      store.transaction(() => {
        for (const alert of alerts) {
          const index = result.length;
          result.push(this.targets(alert, (output) => held.push({ index, output })));
        }
      });
    } catch {
      for (const { index, output } of held) {
        result[index]?.push(output);
        this.dedupMetrics?.count(output, 'store_failed');
      }
      // A transaction that could not even start: each alert on its own, each write checked by itself.
      for (const alert of alerts.slice(result.length)) result.push(this.targets(alert));
    }
    return result;
  }
}
