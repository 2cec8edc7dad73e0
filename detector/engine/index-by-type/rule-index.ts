import { meetsMinimum, type Priority } from '../../../contract/priority.js';
import { ValueIndex } from './value-index.js';

/** The part of a compiled rule the index needs; loaders may carry more (output, tags, …). */
export interface IndexableRule<E> {
  name: string;
  priority: Priority;
  /** Event source, e.g. `syscall`, `k8s_audit`. */
  source: string;
  condition: {
    matches(event: E): boolean;
    /** The event types the rule can match; undefined when any type. */
    eventTypes: ReadonlySet<string> | undefined;
    /** Values fields must have for the rule to match (eval/guards.ts); indexes rules of type-less events. */
    guards?: readonly { field: string; values: ReadonlySet<string>; extract: (event: E) => unknown }[];
  };
}

/** Falco's `rule_matching`: stop at the first matching rule, or report every match. */
export type RuleMatching = 'first' | 'all';

/** How the index filters and reports rules. */
export interface RuleIndexOptions {
  ruleMatching?: RuleMatching;
  /** Rules less severe than this are not added at all (Falco's `priority` setting). */
  minimumPriority?: Priority;
}

interface SourceBuckets<E, R extends IndexableRule<E>> {
  /** Every rule of the source, in load order. */
  rules: R[];
  /** Per event type: the rules watching it plus the type-less rules, in load order (built lazily). */
  buckets: Map<string, readonly R[]> | undefined;
  /** The rules that watch every type, for events of a type no rule names. */
  typeless: readonly R[];
  /** The type-less rules by the value of a field they require, for events without a type (built with `buckets`). */
  byValue: ValueIndex<E, R> | undefined;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * Rules bucketed by source and event type. An event of type T runs only the rules that name T plus
 * the rules that can match any type, in the order the rules were added, so the common event that no
 * rule watches costs one map lookup and an empty loop.
 */
export class RuleIndex<E, R extends IndexableRule<E> = IndexableRule<E>> {
  readonly ruleMatching: RuleMatching;
  readonly minimumPriority: Priority;
  private readonly sources = new Map<string, SourceBuckets<E, R>>();

  constructor(options: RuleIndexOptions = {}) {
    this.ruleMatching = options.ruleMatching ?? 'first';
    this.minimumPriority = options.minimumPriority ?? 'Debug';
  }

  /** Adds a rule after the ones already added; returns false when its priority is below the minimum. */
  add(rule: R): boolean {
    if (!meetsMinimum(rule.priority, this.minimumPriority)) return false;
    let source = this.sources.get(rule.source);
    if (!source) {
      source = { rules: [], buckets: undefined, typeless: NONE, byValue: undefined };
      this.sources.set(rule.source, source);
    }
    source.rules.push(rule);
    source.buckets = undefined;
    return true;
  }

  /** The rules of a source (or of every source), in load order. */
  rules(source?: string): readonly R[] {
    if (source !== undefined) return this.sources.get(source)?.rules ?? NONE;
    return [...this.sources.values()].flatMap((s) => s.rules);
  }

  /** The sources that have at least one rule. */
  sourceNames(): string[] {
    return [...this.sources.keys()];
  }

  /** The rules that would run for an event of this source and type, in load order. */
  candidates(source: string, eventType: string | undefined): readonly R[] {
    const buckets = this.sources.get(source);
    if (!buckets) return NONE;
    const map = buckets.buckets ?? this.build(buckets);
    return (eventType === undefined ? undefined : map.get(eventType)) ?? buckets.typeless;
  }

  /**
   * The rules whose conditions match the event, in load order; at most one with `first`. Allocates
   * only when something matches.
   */
  match(source: string, eventType: string | undefined, event: E): readonly R[] {
    const candidates = eventType === undefined ? this.typelessCandidates(source, event) : this.candidates(source, eventType);
    if (this.ruleMatching === 'first') {
      for (const rule of candidates) if (rule.condition.matches(event)) return [rule];
      return NONE;
    }
    let matched: R[] | undefined;
    for (const rule of candidates) {
      if (rule.condition.matches(event)) (matched ??= []).push(rule);
    }
    return matched ?? NONE;
  }

  /** The type-less rules that can match an event without a type: narrowed by the value index when there is one. */
  private typelessCandidates(source: string, event: E): readonly R[] {
    const buckets = this.sources.get(source);
    if (!buckets) return NONE;
    if (!buckets.buckets) this.build(buckets);
    return buckets.byValue ? buckets.byValue.candidates(event) : buckets.typeless;
  }

  private build(source: SourceBuckets<E, R>): Map<string, readonly R[]> {
    const types = new Set<string>();
    for (const rule of source.rules) for (const t of rule.condition.eventTypes ?? []) types.add(t);
    const map = new Map<string, readonly R[]>();
    for (const type of types) {
      map.set(
        type,
        source.rules.filter((rule) => rule.condition.eventTypes === undefined || rule.condition.eventTypes.has(type)),
      );
    }
    source.typeless = source.rules.filter((rule) => rule.condition.eventTypes === undefined);
    source.byValue = ValueIndex.build<E, R>(source.typeless);
    source.buckets = map;
    return map;
  }
}
