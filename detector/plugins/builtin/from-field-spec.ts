import type { FieldSpec, FieldType } from '../../engine/fields.js';
import type { PluginEvent, PluginField, PluginFieldArg, PluginFieldType, PluginFieldValue } from '../api.js';

/** The engine types the built-in tables use, by plugin type name. */
const PLUGIN_TYPES: Partial<Record<FieldType, PluginFieldType>> = {
  string: 'string',
  uint: 'uint64',
  bool: 'bool',
  reltime: 'reltime',
  abstime: 'abstime',
  ipaddr: 'ipaddr',
  ipnet: 'ipnet',
};

function pluginArg(spec: FieldSpec<unknown>): PluginFieldArg | undefined {
  const arg = spec.arg;
  if (arg.kind === 'index') return { isIndex: true, isRequired: arg.required };
  if (arg.kind === 'key') return { isKey: true, isRequired: arg.required };
  if (arg.kind === 'dotted-key') throw new Error(`field ${spec.name}: dotted arguments are not part of the plugin API`);
  return undefined;
}

/**
 * States a built-in field table's field in the public plugin API. The built-in tables bind their
 * argument once (a JSON pointer compiled at load time), so each field passes `bind` on as is.
 */
export function asPluginField<E extends PluginEvent>(spec: FieldSpec<E>): PluginField<E> {
  const type = PLUGIN_TYPES[spec.type];
  if (type === undefined) throw new Error(`field ${spec.name}: type ${spec.type} has no plugin equivalent`);
  const arg = pluginArg(spec as FieldSpec<unknown>);
  return {
    name: spec.name,
    type,
    ...(spec.list === true ? { list: true } : {}),
    ...(arg !== undefined ? { arg } : {}),
    description: spec.description,
    extract: (event, value) => spec.bind(value)(event) as PluginFieldValue | undefined,
    // Only bytes fields return a Uint8Array, and PLUGIN_TYPES has no bytes type: the cast is safe.
    bind: (value) => spec.bind(value) as (event: E) => PluginFieldValue | undefined,
  };
}

/** The fields of `table` that are the plugin's own: without the json plugin's and the generic `evt.*` ones. */
export function ownFields<E extends PluginEvent>(fields: ReadonlyMap<string, FieldSpec<E>>, notOwn: ReadonlySet<string>): PluginField<E>[] {
  return [...fields.values()].filter((spec) => !notOwn.has(spec.name) && !spec.name.startsWith('evt.')).map(asPluginField);
}
