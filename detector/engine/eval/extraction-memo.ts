import type { Extractor, FieldSpec, FieldTable, FieldValue } from '../fields.js';

const IDLE: unique symbol = Symbol('no event being processed');

/**
 * Values extracted from the event the engine is processing, shared by every rule of one load: the
 * official k8s audit rules read `jevt.value[/stage]`, `ka.verb` and `ka.target.resource` dozens of
 * times per event, and each read walks the JSON document again. As libsinsp caches a plugin field's
 * value per event, a memoised extractor reads the document once per event and field.
 *
 * A value is reused only between `begin(event)` and `end()` and only for that same event object,
 * so a caller that evaluates a condition outside the engine (a test, the replay checker) always
 * extracts afresh, and a later event never sees an earlier one's value even when it reuses the
 * object: every `begin` starts a new generation.
 */
export class ExtractionMemo {
  private current: unknown = IDLE;
  private generation = 0;
  private readonly slots = new Map<string, number>();
  /** Per slot: the generation its value was extracted in. */
  private readonly stamps: number[] = [];
  private readonly values: (FieldValue | undefined)[] = [];

  /** Starts processing `event`: values extracted from now on belong to it. */
  begin(event: unknown): void {
    this.current = event;
    this.generation++;
  }

  /** Ends processing; extractors go back to extracting every time. */
  end(): void {
    this.current = IDLE;
  }

  /** Slots in use: one per distinct field and argument bound through this memo. */
  get size(): number {
    return this.slots.size;
  }

  /** `extract`, remembered per event under `key` (the same key must always mean the same value). */
  wrap<E>(key: string, extract: Extractor<E>): Extractor<E> {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(key, slot);
      this.stamps.push(0);
      this.values.push(undefined);
    }
    const at = slot;
    const stamps = this.stamps;
    const values = this.values;
    return (event) => {
      if (event !== this.current) return extract(event);
      if (stamps[at] === this.generation) return values[at];
      const value = extract(event);
      values[at] = value;
      stamps[at] = this.generation;
      return value;
    };
  }
}

/** The key of a bound field: its name and argument (undefined and no argument are the same). */
function slotKey(name: string, arg: string | undefined): string {
  return arg === undefined ? name : `${name}\u0000${arg}`;
}

/**
 * `table` with every field's extractor memoised through `memo`. Only for tables whose extractors
 * are pure functions of the event (`FieldTable.memoize`): a value must not change while one event
 * is processed.
 */
export function memoizedTable<E>(table: FieldTable<E>, memo: ExtractionMemo): FieldTable<E> {
  const fields = new Map<string, FieldSpec<E>>();
  for (const [name, spec] of table.fields) {
    fields.set(name, { ...spec, bind: (arg) => memo.wrap(slotKey(spec.name, arg), spec.bind(arg)) });
  }
  return { ...table, fields };
}
