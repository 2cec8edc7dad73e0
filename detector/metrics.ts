import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { prioritySeverity, type Alert } from '../contract/index.js';
import type { EmitterStats } from './emit/index.js';

/**
 * What the detector has counted so far, read when metrics are scraped. The detector keeps plain
 * numbers on its hot path; the registry only turns them into series on demand.
 */
export interface DetectorSnapshot {
  /** Records read from the kernel driver. */
  records: number;
  /** Events evaluated against the rules, by event source (`syscall`, `k8s_audit`, …). */
  events: Readonly<Record<string, number>>;
  /** Events the kernel dropped before the driver read them (bpftrace's lost-events counter). */
  kernelDrops: number;
  /**
   * Syscalls the kernel side dropped because the driver's per-thread arguments map was full (the
   * driver's `mapFull` count); 0 or absent without a live driver.
   */
  mapFull?: number;
  /** Driver output lines that could not be parsed. */
  malformedLines: number;
  /** Records that could not be turned into events. */
  adapterErrors: number;
  /** Strings the driver could not read whole (reported with a truncation mark). */
  truncatedStrings?: number;
  /** The link to the sidekick. */
  link: EmitterStats;
  /** The `--record` file, when recording. */
  recording?: { written: number; dropped: number };
  /** /proc facts (an exec's cgroups, a socket's own address) events went without, by cause. */
  hostFacts?: { vanished: number; timedOut: number; unprepared: number };
}

/** Why events were lost before rules saw them; the `cause` label of `saker_detector_event_drops_total`. */
const EVENT_DROP_CAUSES = {
  kernel_buffer: (s: DetectorSnapshot) => s.kernelDrops,
  argument_map_full: (s: DetectorSnapshot) => s.mapFull ?? 0,
  malformed_line: (s: DetectorSnapshot) => s.malformedLines,
  adapter_error: (s: DetectorSnapshot) => s.adapterErrors,
} as const satisfies Record<string, (s: DetectorSnapshot) => number>;

/** Why alerts were lost on their way to the sidekick; the `cause` label of `saker_detector_alert_drops_total`. */
const ALERT_DROP_CAUSES = {
  spool_full: (s: DetectorSnapshot) => s.link.dropped,
  rejected: (s: DetectorSnapshot) => s.link.rejected,
} as const satisfies Record<string, (s: DetectorSnapshot) => number>;

/** Prometheus label names allow `[a-zA-Z0-9_]`; Falco turns each tag into a `tag_<tag>` label. */
export function tagLabel(tag: string): string {
  return `tag_${tag.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * The detector's Prometheus metrics, in a registry of its own (several detectors can live in one test
 * process). Where Falco has a series for the same thing, its name and labels are used, so Falco
 * dashboards keep working: `falcosecurity_scap_n_evts_total`, `falcosecurity_scap_n_drops_total`,
 * `falcosecurity_falco_rules_matches_total{priority,rule_name,source,tag_*}` (priority as Falco's
 * number, 0 = Emergency … 7 = Debug) and `falcosecurity_falco_outputs_queue_num_drops_total`.
 * Everything else is `saker_detector_*`.
 */
export class DetectorMetrics {
  readonly registry = new Registry();
  private readonly matches: Counter<string>;
  private readonly tagLabels = new Map<string, string>();

  /** `ruleTags`: every tag of the loaded rules, so each becomes a label of the rule-match series. */
  constructor(snapshot: () => DetectorSnapshot, ruleTags: Iterable<string> = []) {
    const registers = [this.registry];
    for (const tag of ruleTags) this.tagLabels.set(tag, tagLabel(tag));
    // A counter whose value lives elsewhere: reset and set to the current total on each scrape.
    const pulled = (name: string, help: string, labelName: string | undefined, read: (s: DetectorSnapshot) => Iterable<[string, number]> | number) =>
      new Counter({
        name,
        help,
        labelNames: labelName ? [labelName] : [],
        registers,
        collect() {
          this.reset();
          const value = read(snapshot());
          if (typeof value === 'number') this.inc(value);
          else for (const [label, n] of value) this.inc({ [labelName ?? 'label']: label }, n);
        },
      });
    pulled('falcosecurity_scap_n_evts_total', 'Falco compatible: records read from the kernel driver.', undefined, (s) => s.records);
    pulled('falcosecurity_scap_n_drops_total', 'Falco compatible: events the kernel dropped before the driver read them.', undefined, (s) => s.kernelDrops);
    pulled('falcosecurity_falco_outputs_queue_num_drops_total', 'Falco compatible: alerts dropped because the alert queue (spool) was full.', undefined, (s) => s.link.dropped);
    pulled('saker_detector_events_total', 'Events evaluated against the rules, by source.', 'source', (s) => Object.entries(s.events));
    pulled('saker_detector_event_drops_total', 'Events lost before the rules saw them, by cause (kernel_buffer, argument_map_full, malformed_line, adapter_error).', 'cause', (s) =>
      Object.entries(EVENT_DROP_CAUSES).map(([cause, read]) => [cause, read(s)] as [string, number]),
    );
    pulled('saker_detector_truncated_strings_total', 'Paths, exec paths and argument lists too long to read whole; their values end with "…(truncated)".', undefined, (s) => s.truncatedStrings ?? 0);
    pulled('saker_detector_alerts_sent_total', 'Alerts the sidekick accepted.', undefined, (s) => s.link.sent);
    pulled('saker_detector_alert_drops_total', 'Alerts lost on the way to the sidekick, by cause (spool_full, rejected).', 'cause', (s) =>
      Object.entries(ALERT_DROP_CAUSES).map(([cause, read]) => [cause, read(s)] as [string, number]),
    );
    pulled('saker_detector_alert_send_failures_total', 'Failed attempts to send a batch of alerts (each is retried).', undefined, (s) => s.link.failedAttempts);
    pulled('saker_detector_host_fact_misses_total', 'Host facts (/proc) live events went without, by cause (vanished: the process was gone; timed_out; unprepared).', 'cause', (s) => [
      ['vanished', s.hostFacts?.vanished ?? 0],
      ['timed_out', s.hostFacts?.timedOut ?? 0],
      ['unprepared', s.hostFacts?.unprepared ?? 0],
    ]);
    pulled('saker_detector_recorded_records_total', 'Records written to the --record file.', undefined, (s) => s.recording?.written ?? 0);
    pulled('saker_detector_record_drops_total', 'Records left out of the --record file because it reached its size limit.', undefined, (s) => s.recording?.dropped ?? 0);
    new Gauge({
      name: 'saker_detector_alert_queue_depth',
      help: 'Alerts waiting to be sent to the sidekick (in memory and in the on-disk spool).',
      registers,
      collect() {
        this.set(snapshot().link.queued);
      },
    });
    this.matches = new Counter({
      name: 'falcosecurity_falco_rules_matches_total',
      help: 'Falco compatible: alerts raised, by rule, priority (0 = Emergency … 7 = Debug), source and tags.',
      labelNames: ['priority', 'rule_name', 'source', ...new Set(this.tagLabels.values())],
      registers,
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'saker_detector_' });
  }

  /** Counts one alert raised by the rules. */
  alert(alert: Alert): void {
    const labels: Record<string, string> = { priority: String(prioritySeverity(alert.priority)), rule_name: alert.rule, source: alert.source };
    for (const tag of alert.tags ?? []) {
      const label = this.tagLabels.get(tag);
      if (label) labels[label] = 'true';
    }
    this.matches.inc(labels);
  }
}
