import type { Extractor, FieldArgSpec, FieldSpec, FieldType, FieldValue } from '../engine/fields.js';
import type { PluginEvent, PluginField, PluginFieldArg, PluginFieldType, PluginFieldValue } from './api.js';
import type { PluginFaults } from './faults.js';

/** Plugin field types as the engine names them. */
const ENGINE_TYPES: Record<PluginFieldType, FieldType> = {
  string: 'string',
  uint64: 'uint',
  bool: 'bool',
  reltime: 'reltime',
  abstime: 'abstime',
  ipaddr: 'ipaddr',
  ipnet: 'ipnet',
};

const isCount = (v: unknown): boolean => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n);
const isTime = (v: unknown): boolean => typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v));

/** Whether one (non-list) value fits the declared type. */
const FITS: Record<PluginFieldType, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  uint64: isCount,
  bool: (v) => typeof v === 'boolean',
  reltime: isTime,
  abstime: isTime,
  ipaddr: (v) => typeof v === 'string',
  ipnet: (v) => typeof v === 'string',
};

/** Whether an extracted value is what the field declares; anything else is the plugin's fault. */
function fitsField(field: PluginField, value: PluginFieldValue): boolean {
  const fits = FITS[field.type];
  if (field.list === true) return Array.isArray(value) && (value as readonly unknown[]).every(fits);
  // A plain field may stand for several values at once (libsinsp's multi-value fields).
  return Array.isArray(value) ? (value as readonly unknown[]).every(fits) : fits(value);
}

function engineArg(arg: PluginFieldArg | undefined): FieldArgSpec {
  const required = arg?.isRequired === true;
  if (arg?.isIndex === true) return { kind: 'index', required };
  if (arg?.isKey === true) return { kind: 'key', required };
  return { kind: 'none' };
}

/**
 * Turns a plugin's field into the engine's field spec. Every value it extracts is guarded: an
 * extractor that throws or returns a value of the wrong type yields "no value" for that event and is
 * counted against the plugin (logged once), so a faulty plugin cannot stop rule evaluation.
 * Saker's built-in plugins (`trusted`) are the engine's own typed field tables: their extractors
 * are used as they are, since the guard would cost every extraction and never catch anything.
 */
export function toFieldSpec(pluginName: string, field: PluginField, faults: PluginFaults, trusted = false): FieldSpec<PluginEvent> {
  return {
    name: field.name,
    type: ENGINE_TYPES[field.type],
    ...(field.list === true ? { list: true } : {}),
    arg: engineArg(field.arg),
    description: field.description,
    bind(arg) {
      let read: (event: PluginEvent) => PluginFieldValue | undefined;
      try {
        read = field.bind ? field.bind(arg) : (event) => field.extract(event, arg);
      } catch (error) {
        // Reported as the rule's load error; say whose field refused the argument.
        throw new Error(`plugin ${pluginName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (typeof read !== 'function') throw new Error(`plugin ${pluginName}: bind() of field ${field.name} did not return a function`);
      // A built-in field's values are FieldValues by its FieldSpec type (asPluginField).
      if (trusted) return read as Extractor<PluginEvent>;
      const guarded: Extractor<PluginEvent> = (event) => {
        let value: PluginFieldValue | undefined;
        try {
          value = read(event);
        } catch (error) {
          faults.record(pluginName, 'extract-threw', { field: field.name, err: error });
          return undefined;
        }
        if (value === undefined || value === null) return undefined;
        if (fitsField(field, value)) return value as FieldValue;
        faults.record(pluginName, 'bad-value', { field: field.name, type: field.type, got: typeof value });
        return undefined;
      };
      return guarded;
    },
  };
}
