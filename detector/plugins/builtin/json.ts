import { JSON_FIELDS } from '../../fields/json/index.js';
import type { JsonEvent } from '../../sources/json-event.js';
import { definePlugin } from '../api.js';
import { asPluginField } from './from-field-spec.js';

/** Version of Falco's json plugin whose fields these are. */
export const JSON_PLUGIN_VERSION = '0.7.0';

/**
 * Built-in `json` plugin: `json.value[/pointer]`, `json.obj`, `json.rawtime` and the `jevt.*`
 * aliases over any plugin source whose events carry a JSON document in `doc` (as Falco's json plugin
 * extracts from every JSON-based source). Events without `doc` have no value for these fields.
 */
export const jsonPlugin = definePlugin<JsonEvent>(() => ({
  name: 'json',
  version: JSON_PLUGIN_VERSION,
  description: 'Extracts values from JSON-document events with JSON pointers (Falco json plugin fields).',
  fields: [...JSON_FIELDS.values()].map(asPluginField),
}));
