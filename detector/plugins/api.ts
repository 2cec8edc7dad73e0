/**
 * The plugin API: what a Saker plugin is. A plugin adds an event source (events whose rules say
 * `source: <name>`), field extractors for one or more sources, or both — Falco's plugin model
 * (source and extraction capabilities), in TypeScript. Built-in sources (k8saudit, cloudtrail, json)
 * are written against this same interface. Documented in docs/plugins.md.
 */
import type { Logger } from 'pino';

/** Field types, by Falco's plugin field type names (`uint64` is PT_UINT64, …). */
export const PLUGIN_FIELD_TYPES = ['string', 'uint64', 'bool', 'reltime', 'abstime', 'ipaddr', 'ipnet'] as const;
export type PluginFieldType = (typeof PLUGIN_FIELD_TYPES)[number];

/**
 * What a field extractor returns: a string, a number or bigint (uint64, reltime, abstime in ns), a
 * boolean, or for a `list` field an array of strings or numbers. `undefined` means "no value": the
 * rule condition on that field is false, and the output shows `<NA>`.
 */
export type PluginFieldValue = string | number | bigint | boolean | readonly string[] | readonly number[];

/**
 * How a field takes an argument, as Falco's plugin field schema: `isIndex` for `field[2]`, `isKey`
 * for `field[name]`, `isRequired` when the field cannot be used without one. Omitted: no argument.
 */
export interface PluginFieldArg {
  isIndex?: boolean;
  isKey?: boolean;
  isRequired?: boolean;
}

/** One event of a plugin source. Anything else on the event is the plugin's own business. */
export interface PluginEvent {
  /** Nanoseconds since the epoch (`evt.rawtime`); the alert's time. */
  readonly time: bigint;
  /** Sequence number within the source, from 1 (`evt.num`); no value when the source leaves it out. */
  readonly num?: number;
}

/** A field a plugin extracts from events of the sources it extracts for. */
export interface PluginField<E extends PluginEvent = PluginEvent> {
  /** Full dotted name as rules write it, e.g. `dummy.value`. */
  name: string;
  type: PluginFieldType;
  /** True when the value is a list (rules use `in`, `intersects`, …). */
  list?: boolean;
  arg?: PluginFieldArg;
  description: string;
  /** Reads the field from one event; `arg` is the text between the brackets, if any. */
  extract(event: E, arg: string | undefined): PluginFieldValue | undefined;
  /**
   * Optional, for speed: called once per use of the field in a rule, at load time, with the argument;
   * returns the per-event reader. Throw an Error to refuse an argument (the rule then fails to load
   * with that message). Without it, `extract` is called with the argument for every event.
   */
  bind?(arg: string | undefined): FieldReader<E>;
}

// Method syntax keeps the reader bivariant in its event, so a plugin typed by its own event still
// fits where a PluginEvent plugin is expected.
/** Reads one field from an event (what `bind` returns). */
export type FieldReader<E> = { read(event: E): PluginFieldValue | undefined }['read'];

/**
 * An open event stream. Iterate it to receive events in order; the stream ends when the source has
 * no more (a file read to the end) or after `close()`.
 */
export interface PluginEventStream<E extends PluginEvent = PluginEvent> extends AsyncIterable<E> {
  /** Stops the stream: pending iteration ends, resources (sockets, files) are released. */
  close?(): void | Promise<void>;
  /** What the source skipped so far, by reason (malformed input, …), for logs and `saker replay`. */
  skipped?(): ReadonlyMap<string, number>;
}

/** The event-source capability. */
export interface PluginSource<E extends PluginEvent = PluginEvent> {
  /** The `source:` of the rules that run on these events (e.g. `k8s_audit`). Not `syscall`. */
  name: string;
  /** Opens the source with the config's `open_params` (a URL, a path, …; empty when not set). */
  open(params: string, context: PluginContext): PluginEventStream<E> | Promise<PluginEventStream<E>>;
  /** One line describing an event (`evt.plugininfo`). */
  info?(event: E): string | undefined;
}

/** What Saker hands a plugin. */
export interface PluginContext {
  /** A logger whose lines carry the plugin's name. */
  log: Logger;
  /** A directory of its own for state that must survive restarts (queues, cursors); create it when needed. */
  datadir: string;
}

/** A plugin: identity, and at least one capability (`source` and/or `fields`). */
export interface SakerPlugin<E extends PluginEvent = PluginEvent> {
  /** Unique name, as `plugins[].name`, `load_plugins` and `required_plugin_versions` write it: [A-Za-z0-9_-]+. */
  name: string;
  /** Semantic version `x.y.z`; rules' `required_plugin_versions` are checked against it. */
  version: string;
  description: string;
  /** Who to contact about it (a URL or an address). */
  contact?: string;
  /** Receives the config's `init_config` (a string or a YAML map, as written; undefined when absent). */
  init?(config: unknown, context: PluginContext): void | Promise<void>;
  /** Called once when the detector stops. */
  destroy?(): void | Promise<void>;
  source?: PluginSource<E>;
  fields?: readonly PluginField<E>[];
  /**
   * Sources `fields` apply to (Falco's `extract_event_sources`). A plugin with a source extracts for
   * that source when this is omitted; a plugin without one extracts for every plugin source.
   */
  extractEventSources?: readonly string[];
}

/**
 * What a plugin module's default export is: a function that builds the plugin (sync or async). A new
 * plugin object per call lets one module be configured twice under different names.
 */
export type PluginFactory<E extends PluginEvent = PluginEvent> = (context: PluginContext) => SakerPlugin<E> | Promise<SakerPlugin<E>>;

/** Types a factory (identity at runtime): `export default definePlugin(() => ({ … }))`. */
export function definePlugin<E extends PluginEvent>(factory: PluginFactory<E>): PluginFactory<E> {
  return factory;
}
