/**
 * The rules engine as the detector, `saker replay` and the tests use it: load rules files, then turn
 * events into Falco alerts. Rules are indexed by source and event type; `rule_matching` and the
 * minimum priority behave as Falco's settings of the same names.
 */
import { hostname as osHostname } from 'node:os';
import { formatLocalClock, formatNanoTime, type Alert, type OutputFieldValue, type Priority } from '../../contract/index.js';
import { ExtractionMemo } from './eval/extraction-memo.js';
import type { FieldTable } from './fields.js';
import { RuleIndex, type RuleMatching } from './index-by-type/index.js';
import { loadRules, type AvailablePlugin, type LoadedRule, type LoadResult, type RulesSource } from './loader/index.js';

/** How an Engine loads and matches. */
export interface EngineOptions {
  /** Field tables by event source (`syscall`, `k8s_audit`, …). */
  fieldTables: ReadonlyMap<string, FieldTable<unknown>>;
  /** `hostname` of every alert; defaults to this machine's. */
  hostname?: string;
  /** Rules less severe than this never run (Falco's `priority`); default Debug. */
  minimumPriority?: Priority;
  /** Falco's `rule_matching`; default `first`. */
  ruleMatching?: RuleMatching;
  /** Falco's `time_format_iso_8601` for the time at the start of the text line. */
  timeFormatIso8601?: boolean;
  /** Loaded plugins, for rules' `required_plugin_versions`; default: Saker's built-ins, any version. */
  plugins?: readonly AvailablePlugin[];
}

/** `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000`, Falco's `%evt.time.iso8601`. */
function isoTime(nanos: bigint): string {
  return `${formatNanoTime(nanos).slice(0, 29)}+0000`;
}

export class Engine {
  private readonly options: EngineOptions;
  private readonly hostname: string;
  private index: RuleIndex<unknown, LoadedRule>;
  private loaded: LoadedRule[] = [];
  private memo = new ExtractionMemo();

  constructor(options: EngineOptions) {
    this.options = options;
    this.hostname = options.hostname ?? osHostname();
    this.index = this.newIndex();
  }

  private newIndex(): RuleIndex<unknown, LoadedRule> {
    return new RuleIndex<unknown, LoadedRule>({ ruleMatching: this.options.ruleMatching, minimumPriority: this.options.minimumPriority });
  }

  /**
   * Loads rules files (paths, or named content) in order, replacing the rules loaded before. When any
   * file has an error the engine keeps no rules: a rule set is used whole or not at all.
   */
  loadRules(inputs: readonly (string | RulesSource)[]): LoadResult {
    const { result, rules, memo } = loadRules(inputs, { fieldTables: this.options.fieldTables, plugins: this.options.plugins });
    this.loaded = rules;
    this.memo = memo;
    this.index = this.newIndex();
    for (const rule of rules) if (rule.enabled) this.index.add(rule);
    return result;
  }

  /** Every rule of the last successful load, enabled or not, in load order. */
  get rules(): readonly LoadedRule[] {
    return this.loaded;
  }

  /** The alerts an event raises: none, one (`first`) or every matching rule (`all`). */
  process(source: string, event: unknown): Alert[] {
    const table = this.options.fieldTables.get(source);
    if (!table) return [];
    if (table.memoize !== true) return this.evaluate(source, table, event);
    // Rules and their outputs share what they extract from this event.
    this.memo.begin(event);
    try {
      return this.evaluate(source, table, event);
    } finally {
      this.memo.end();
    }
  }

  private evaluate(source: string, table: FieldTable<unknown>, event: unknown): Alert[] {
    const matched = this.index.match(source, table.eventTypeOf(event), event);
    if (matched.length === 0) return [];
    return matched.map((rule) => this.alert(rule, table, event));
  }

  private alert(rule: LoadedRule, table: FieldTable<unknown>, event: unknown): Alert {
    const nanos = table.timeOf(event);
    const iso = this.options.timeFormatIso8601 === true;
    const { text, fields } = rule.formatter.format(event);
    // Falco adds the prefix's time field to output_fields, as a number of nanoseconds.
    const timeField = iso ? 'evt.time.iso8601' : 'evt.time';
    // Epoch nanoseconds exceed 2^53: carried as bigint so no digit is lost (see contract/json.ts).
    const output_fields: Record<string, OutputFieldValue> = { [timeField]: nanos, ...fields };
    return {
      time: formatNanoTime(nanos),
      rule: rule.name,
      priority: rule.priority,
      source: rule.source,
      hostname: this.hostname,
      output: `${iso ? isoTime(nanos) : formatLocalClock(nanos)}: ${rule.priority} ${text}`,
      output_fields,
      tags: [...rule.tags],
    };
  }
}
