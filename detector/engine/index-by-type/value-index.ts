/** What a rule tells the value index: fields whose value it needs in a set (see eval/guards.ts). */
export interface GuardedRule<E> {
  condition: {
    guards?: readonly { field: string; values: ReadonlySet<string>; extract: (event: E) => unknown }[];
  };
}

type Guard<E> = NonNullable<GuardedRule<E>['condition']['guards']>[number];

/** Fewest rules worth a lookup: below it the rules just run. */
const MIN_RULES = 3;
/** A lookup must leave at most this share of the rules on average, or the rules just run. */
const MIN_GAIN = 0.75;
/** Most lookups per event (one field per level). */
const MAX_LEVELS = 4;

/** Where a lookup leads: the rules to run, or a further lookup on another field. */
type Node<E, R extends GuardedRule<E>> = readonly R[] | ValueIndex<E, R>;

/**
 * Rules of a source without event types (Kubernetes audit, CloudTrail, …), bucketed by the value of
 * a field they require a value of (e.g. `ka.target.resource = pods`), then each bucket by another
 * field, and so on: an event runs only the rules whose guards admit its values, plus the rules with
 * no guard on those fields, in load order. A skipped rule is one whose condition is false for the
 * event, so `first` and `all` matching give what evaluating every rule gives. An event whose value
 * is not a single string (a custom extractor's list, a number) runs every rule of that level.
 */
export class ValueIndex<E, R extends GuardedRule<E>> {
  private constructor(
    private readonly extract: (event: E) => unknown,
    private readonly buckets: ReadonlyMap<string, Node<E, R>>,
    /** What an event with another value, or none, runs: the rules that do not restrict the field. */
    private readonly unguarded: Node<E, R>,
    private readonly all: readonly R[],
    /** The indexed field, for tests and diagnostics. */
    readonly field: string,
  ) {}

  /** The index over `rules` (in load order), or undefined when no guarded field narrows them. */
  static build<E, R extends GuardedRule<E>>(rules: readonly R[]): ValueIndex<E, R> | undefined {
    const node = buildNode<E, R>(rules, new Set(), 0);
    return node instanceof ValueIndex ? node : undefined;
  }

  /** @internal Used by buildNode. */
  static of<E, R extends GuardedRule<E>>(extract: (event: E) => unknown, buckets: Map<string, Node<E, R>>, unguarded: Node<E, R>, all: readonly R[], field: string): ValueIndex<E, R> {
    return new ValueIndex(extract, buckets, unguarded, all, field);
  }

  /** The rules that can match `event`, in load order. */
  candidates(event: E): readonly R[] {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking down the levels
    let node: ValueIndex<E, R> = this;
    for (;;) {
      const value = node.extract(event);
      const next = typeof value === 'string' ? (node.buckets.get(value) ?? node.unguarded) : value === undefined ? node.unguarded : node.all;
      if (!(next instanceof ValueIndex)) return next;
      node = next;
    }
  }

  /** How many lookups deep the index goes at most (for tests). */
  get depth(): number {
    let deepest = 0;
    for (const node of [...this.buckets.values(), this.unguarded]) if (node instanceof ValueIndex) deepest = Math.max(deepest, node.depth);
    return deepest + 1;
  }
}

function guardOn<E>(rule: GuardedRule<E>, field: string): Guard<E> | undefined {
  return rule.condition.guards?.find((g) => g.field === field);
}

/** The rules an event with `value` in `field` can match, in load order. */
function bucket<E, R extends GuardedRule<E>>(rules: readonly R[], field: string, value: string | undefined): R[] {
  return rules.filter((rule) => {
    const guard = guardOn(rule, field);
    return guard === undefined || (value !== undefined && guard.values.has(value));
  });
}

/**
 * The field whose lookup leaves the fewest rules to run, on average over the values the rules name
 * and any other value; undefined when none leaves clearly fewer than all of them (MIN_GAIN).
 */
function bestField<E, R extends GuardedRule<E>>(rules: readonly R[], used: ReadonlySet<string>): string | undefined {
  const valuesOf = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const guard of rule.condition.guards ?? []) {
      if (used.has(guard.field)) continue;
      let values = valuesOf.get(guard.field);
      if (values === undefined) valuesOf.set(guard.field, (values = new Set()));
      for (const v of guard.values) values.add(v);
    }
  }
  let best: string | undefined;
  let bestMean = rules.length * MIN_GAIN;
  for (const [field, values] of valuesOf) {
    if (values.size === 0) continue;
    // Every named value, and one more for the events with some other value.
    let total = bucket<E, R>(rules, field, undefined).length;
    for (const value of values) total += bucket<E, R>(rules, field, value).length;
    const mean = total / (values.size + 1);
    if (mean < bestMean) {
      best = field;
      bestMean = mean;
    }
  }
  return best;
}

function buildNode<E, R extends GuardedRule<E>>(rules: readonly R[], used: ReadonlySet<string>, level: number): Node<E, R> {
  if (rules.length < MIN_RULES || level >= MAX_LEVELS) return rules;
  const field = bestField<E, R>(rules, used);
  if (field === undefined) return rules;
  const below = new Set([...used, field]);
  let extract: ((event: E) => unknown) | undefined;
  const values = new Set<string>();
  for (const rule of rules) {
    const guard = guardOn(rule, field);
    if (guard === undefined) continue;
    extract ??= guard.extract;
    for (const v of guard.values) values.add(v);
  }
  const buckets = new Map<string, Node<E, R>>();
  for (const value of values) buckets.set(value, buildNode<E, R>(bucket<E, R>(rules, field, value), below, level + 1));
  const unguarded = buildNode<E, R>(bucket<E, R>(rules, field, undefined), below, level + 1);
  return ValueIndex.of(extract as (event: E) => unknown, buckets, unguarded, rules, field);
}
