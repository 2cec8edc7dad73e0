import type { Alert } from '../../contract/index.js';
import { Engine } from '../engine/index.js';
import { FIELD_TABLES } from '../fields/index.js';
import { formatLoadReport, type LoadResult } from '../engine/loader/index.js';
import type { ReplaySource } from './sources.js';

export interface ReplayOptions {
  source: ReplaySource;
  input: string;
  /** Rules files; the source's default (Saker's own rules) when empty. */
  rules: readonly string[];
  /** Falco's `rule_matching`: only the first matching rule per event, or all of them. */
  ruleMatching: 'first' | 'all';
  /** Called for each alert, in event order. */
  onAlert(alert: Alert): void;
}

/** What a replay did, for the summary line. */
export interface ReplaySummary {
  events: number;
  alerts: number;
  byRule: Map<string, number>;
  skipped: string;
}

/** The rules could not be loaded; `report` is Falco's readable load report. */
export class ReplayRulesError extends Error {
  constructor(
    readonly result: LoadResult,
    readonly report: string,
  ) {
    super('the rules files have errors');
  }
}

/**
 * Evaluates a capture file against rules, offline: loads the rules, reads every event of the
 * source, and hands each alert over as the detector would send it.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const engine = new Engine({ fieldTables: FIELD_TABLES, ruleMatching: options.ruleMatching });
  const result = engine.loadRules(options.rules.length > 0 ? options.rules : options.source.defaultRules);
  if (!result.successful) throw new ReplayRulesError(result, formatLoadReport(result));
  const run = options.source.open(options.input);
  const summary: ReplaySummary = { events: 0, alerts: 0, byRule: new Map(), skipped: '' };
  for await (const event of run.events) {
    summary.events++;
    for (const alert of engine.process(options.source.source, event)) {
      summary.alerts++;
      summary.byRule.set(alert.rule, (summary.byRule.get(alert.rule) ?? 0) + 1);
      options.onAlert(alert);
    }
  }
  summary.skipped = run.skipped();
  return summary;
}
