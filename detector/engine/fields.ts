/**
 * The field-table interface: how the engine learns, per event source, which fields exist, what type
 * each has and how to read it from an event. The engine itself knows no source.
 */

/** Field types, after libsinsp's parameter types, reduced to what changes operator semantics. */
export type FieldType =
  | 'string' // PT_CHARBUF: text
  | 'fspath' // PT_FSPATH: text that is a path (pmatch, glob)
  | 'bytes' // PT_BYTEBUF: raw bytes (bcontains, bstartswith)
  | 'int' // signed integers (PT_INT8..64, PT_ERRNO, PT_PID, PT_FD)
  | 'uint' // unsigned integers (PT_UINT8..64, PT_UID, PT_GID, PT_FLAGS, PT_MODE, PT_PORT)
  | 'double'
  | 'bool'
  | 'ipaddr' // PT_IPADDR / PT_IPV4ADDR / PT_IPV6ADDR: `=` against an ipnet literal is a CIDR match
  | 'ipnet' // PT_IPNET / PT_IPV4NET
  | 'abstime' // PT_ABSTIME: nanoseconds since the epoch, as bigint
  | 'reltime'; // PT_RELTIME: nanoseconds, as bigint

/** A value an extractor returns. Lists are returned by fields flagged `list`. */
export type FieldValue = string | number | bigint | boolean | Uint8Array | readonly string[] | readonly number[];

/** Reads one field's value from an event; `undefined` when the event has no value for it. */
export type Extractor<E> = (event: E) => FieldValue | undefined;

/** How a field accepts an argument: `proc.aname[2]` (index), `proc.env[HOME]` (key), or none. */
export type FieldArgSpec =
  | { kind: 'none' }
  | { kind: 'index'; required: boolean }
  | { kind: 'key'; required: boolean }
  /** `evt.arg.flags` as well as `evt.arg[flags]`: the name after the field's own dotted name. */
  | { kind: 'dotted-key'; required: boolean };

export interface FieldSpec<E> {
  /** Full dotted name, e.g. `proc.aname`. */
  name: string;
  type: FieldType;
  /** True when the value is a list (e.g. `ka.req.pod.containers.image`). */
  list?: boolean;
  /**
   * For a field that is not a list but stands for several values at once (libsinsp's custom compares):
   * the extractor may return an array, and a check holds when it holds for any of the values. With
   * `any` that goes for every operator (`proc.aname` without an index); with `any-eq-all-ne`, `!=`
   * instead holds only when it holds for all of them, i.e. no value is equal (`fd.ip`, `fd.port`,
   * `fd.net`). Without this flag a non-list field whose extractor returns an array behaves as `any`.
   */
  multiValue?: 'any' | 'any-eq-all-ne';
  arg: FieldArgSpec;
  description: string;
  /**
   * Binds the argument (already validated against `arg`) and returns the extractor. Called once at
   * compile time so that evaluation does no argument parsing. Throws an Error with a clear message for
   * an argument it cannot accept.
   */
  bind(arg: string | undefined): Extractor<E>;
  /**
   * What `output_fields` carries for this field when it is not the extracted value, as libsinsp's
   * `extract_as_js` does: the time fields print as text (`10:20:30.123456789`) but Falco's JSON alert
   * reports them as the event's time in integer nanoseconds.
   */
  jsonValue?: Extractor<E>;
}

/** All fields of one event source, keyed by full name. */
export interface FieldTable<E> {
  /** The event source these fields are for, e.g. `syscall`, `k8s_audit`. */
  source: string;
  fields: ReadonlyMap<string, FieldSpec<E>>;
  /** The event's type name for the rule index (`openat`); undefined puts it in the type-less bucket only. */
  eventTypeOf(event: E): string | undefined;
  /** Timestamp of the event in nanoseconds since the epoch. */
  timeOf(event: E): bigint;
  /** Every event type this source can produce (for `evt.type` checks and the index); empty for plugin sources. */
  eventTypes: ReadonlySet<string>;
  /**
   * True when every extractor is a pure function of the event (plugin sources): the engine then
   * extracts each field once per event however many rules read it (see ExtractionMemo). Leave it
   * off when a value may change while one event is processed (the syscall table reads live state).
   */
  memoize?: boolean;
}
