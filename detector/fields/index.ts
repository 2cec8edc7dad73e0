/**
 * The field tables of every event source, keyed by the `source:` name rules use: the syscall table,
 * and one per plugin source, composed by the plugin registry from the plugins' field tables (the
 * built-ins k8saudit, cloudtrail and json here; the detector adds its configured plugins).
 */
import type { FieldTable } from '../engine/fields.js';
import { builtinPlugins } from '../plugins/builtin-registry.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { SYSCALL_FIELDS } from './syscall/index.js';

// Each table is typed by its own event; the engine only hands a table events of its own source.
const asAny = <E>(table: FieldTable<E>): FieldTable<unknown> => table as unknown as FieldTable<unknown>;

/** The syscall table plus every plugin source table of `registry`. */
export function fieldTablesOf(registry: PluginRegistry): ReadonlyMap<string, FieldTable<unknown>> {
  return new Map([asAny(SYSCALL_FIELDS), ...[...registry.fieldTables.values()].map(asAny)].map((table) => [table.source, table]));
}

/** Tables of the syscall source and of the built-in plugins. */
export const FIELD_TABLES: ReadonlyMap<string, FieldTable<unknown>> = fieldTablesOf(builtinPlugins());
