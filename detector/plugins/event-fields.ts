import type { FieldSpec } from '../engine/fields.js';
import { plainField, pluginEventFields } from '../fields/json/index.js';
import type { PluginEvent, PluginSource } from './api.js';
import type { PluginFaults } from './faults.js';

/**
 * The `evt.*` fields every plugin source has, as libsinsp gives them (`evt.num`, `evt.time`,
 * `evt.rawtime`, `evt.pluginname`, `evt.plugininfo`, `evt.source`, …), for the source of `pluginName`.
 * `evt.plugininfo` is the source's `info()`, guarded like any plugin extractor.
 */
export function sourceEventFields(pluginName: string, source: PluginSource, faults: PluginFaults): FieldSpec<PluginEvent>[] {
  // These fields read only `time` and `num`, which every plugin event has (`num` may be absent: no value).
  const common = pluginEventFields({ pluginName, source: source.name, info: () => undefined }) as unknown as ReadonlyMap<string, FieldSpec<PluginEvent>>;
  const info = plainField<PluginEvent>('evt.plugininfo', 'string', "the plugin's summary of the event", (event) => {
    if (source.info === undefined) return undefined;
    try {
      const text = source.info(event);
      if (text === undefined || typeof text === 'string') return text;
      faults.record(pluginName, 'bad-value', { field: 'evt.plugininfo', type: 'string', got: typeof text });
    } catch (error) {
      faults.record(pluginName, 'extract-threw', { field: 'evt.plugininfo', err: error });
    }
    return undefined;
  });
  return [...common.values()].map((spec) => (spec.name === 'evt.plugininfo' ? info : spec));
}
