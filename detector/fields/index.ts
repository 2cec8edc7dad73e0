/**
 * The field tables of every built-in event source, keyed by the `source:` name rules use. This is
 * the one place a source's fields are registered; plugins will add theirs here at load time.
 */
import type { FieldTable } from '../engine/fields.js';
import { SYSCALL_FIELDS } from './syscall/index.js';
import { K8S_AUDIT_FIELDS } from './k8s_audit/index.js';
import { CLOUDTRAIL_FIELDS } from './cloudtrail/index.js';

// Each table is typed by its own event; the engine only hands a table events of its own source.
const asAny = <E>(table: FieldTable<E>): FieldTable<unknown> => table as unknown as FieldTable<unknown>;

export const FIELD_TABLES: ReadonlyMap<string, FieldTable<unknown>> = new Map(
  [asAny(SYSCALL_FIELDS), asAny(K8S_AUDIT_FIELDS), asAny(CLOUDTRAIL_FIELDS)].map((table) => [table.source, table]),
);
