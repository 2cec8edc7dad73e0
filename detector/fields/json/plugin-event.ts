import { formatNanoTime } from '../../../contract/time.js';
import type { FieldSpec } from '../../engine/fields.js';
import type { JsonEvent, JsonObject } from '../../sources/json-event.js';
import { fieldMap, plainField } from './spec.js';

/** What the generic `evt.*` fields need to know about the plugin a source stands in for. */
export interface PluginEventInfo {
  /** Falco's plugin name (`k8saudit`, `cloudtrail`): `evt.pluginname`. */
  pluginName: string;
  /** The event source (`k8s_audit`): `evt.source`. */
  source: string;
  /** The plugin's one-line rendering of an event: `evt.plugininfo`. */
  info: (doc: JsonObject) => string | undefined;
}

const NS = 1_000_000_000n;

// Times are printed in UTC, like the engine's alert line (Falco would use the local zone).
const iso = (event: JsonEvent): string => formatNanoTime(event.time);
const clock = (event: JsonEvent): string => iso(event).slice(11, 29);
const date = (event: JsonEvent): string => iso(event).slice(0, 10);
/** Falco reports every text time field in output_fields as the event time in integer nanoseconds. */
const asNanos = { jsonValue: (event: JsonEvent): bigint => event.time };

/**
 * The `evt.*` fields libsinsp gives events of any plugin source (`evt.num`, times, plugin name and
 * info, source). Syscall-only `evt.*` fields (type, args, …) do not exist for these sources.
 */
export function pluginEventFields(plugin: PluginEventInfo): ReadonlyMap<string, FieldSpec<JsonEvent>> {
  return fieldMap<JsonEvent>([
    plainField('evt.num', 'uint', 'event number', (e) => e.num),
    plainField('evt.time', 'string', 'event timestamp as HH:MM:SS.nnnnnnnnn (UTC)', clock, asNanos),
    plainField('evt.time.s', 'string', 'event timestamp as HH:MM:SS (UTC)', (e) => clock(e).slice(0, 8), asNanos),
    plainField('evt.time.iso8601', 'string', 'event timestamp in ISO 8601 with nanoseconds (UTC)', iso, asNanos),
    plainField('evt.datetime', 'string', 'event timestamp as YYYY-MM-DD HH:MM:SS.nnnnnnnnn (UTC)', (e) => `${date(e)} ${clock(e)}`, asNanos),
    plainField('evt.datetime.s', 'string', 'event timestamp as YYYY-MM-DD HH:MM:SS (UTC)', (e) => `${date(e)} ${clock(e).slice(0, 8)}`, asNanos),
    plainField('evt.rawtime', 'abstime', 'event time in nanoseconds since the epoch', (e) => e.time),
    plainField('evt.rawtime.s', 'uint', 'seconds part of evt.rawtime', (e) => e.time / NS),
    plainField('evt.rawtime.ns', 'uint', 'nanoseconds part of evt.rawtime', (e) => e.time % NS),
    plainField('evt.pluginname', 'string', 'name of the plugin that generated the event', () => plugin.pluginName),
    plainField('evt.plugininfo', 'string', "the plugin's summary of the event", (e) => plugin.info(e.doc)),
    plainField('evt.source', 'string', 'the event source', () => plugin.source),
  ]);
}
