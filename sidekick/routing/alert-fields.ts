import { PRIORITIES, prioritySeverity, type Alert, type Priority } from '../../contract/index.js';
import type { Extractor, FieldSpec, FieldTable, FieldType, FieldValue } from '../../detector/engine/fields.js';
import { lookupField } from '../../detector/engine/eval/index.js';
import { FIELD_TABLES } from '../../detector/fields/index.js';

/**
 * The fields a `match:` expression reads from an alert: the alert's own keys and its output fields.
 *
 * The alert's keys are named `alert.rule`, `alert.priority`, … in the table, because Falco's condition
 * syntax only knows dotted field names; `match-expression.ts` lets users write the bare names.
 */

/** The alert's own keys, by the bare name users write. */
export const ALERT_KEYS = ['rule', 'priority', 'source', 'hostname', 'tags'] as const;
export type AlertKey = (typeof ALERT_KEYS)[number];

/** The table name of an alert key (`priority` → `alert.priority`). */
export const alertFieldName = (key: AlertKey): string => `alert.${key}`;

/**
 * Priorities compare by severity, so `priority >= Critical` means Critical or more severe. Falco
 * numbers severity from 0 (Emergency) to 7 (Debug); the table turns that around so that "more severe"
 * is "greater", and `match-expression.ts` rewrites priority names in the expression to the same rank.
 */
export const severityRank = (priority: Priority): number => PRIORITIES.length - 1 - prioritySeverity(priority);

interface AlertKeySpec {
  type: FieldType;
  /** `any-eq-all-ne`: a check holds when it holds for any tag, and `!=` when no tag is equal. */
  multiValue?: 'any-eq-all-ne';
  extract: Extractor<Alert>;
  description: string;
}

const ALERT_KEY_SPECS: Readonly<Record<AlertKey, AlertKeySpec>> = {
  rule: { type: 'string', extract: (a) => a.rule, description: 'The rule that fired.' },
  priority: {
    type: 'uint',
    extract: (a) => severityRank(a.priority),
    description: 'The priority, compared by severity: `priority >= Critical` is Critical, Alert or Emergency.',
  },
  source: { type: 'string', extract: (a) => a.source, description: 'The event source (syscall, k8s_audit, …).' },
  hostname: { type: 'string', extract: (a) => a.hostname, description: 'The host the alert comes from.' },
  // Not a Falco list field: lists only admit `in`/`intersects`, and `tags contains T1059` should work.
  tags: {
    type: 'string',
    multiValue: 'any-eq-all-ne',
    extract: (a) => (a.tags.length > 0 ? a.tags : undefined),
    description: 'The rule tags; a check holds when it holds for any tag (`!=`: when no tag is equal).',
  },
};

/**
 * The table field behind `output_fields[name]` for names that are not dotted field names (custom and
 * templated fields, names with odd characters): its argument is the key, read as written.
 */
export const OUTPUT_FIELDS_NAME = 'alert.output_fields';

/** Output-field types whose JSON values (strings, numbers, booleans) the engine's families read as is. */
const VALUE_TYPES: ReadonlySet<FieldType> = new Set(['string', 'fspath', 'int', 'uint', 'double', 'bool', 'ipaddr', 'ipnet']);

/**
 * The type of an output field: the one Falco gives the field of that name (so `proc.pid > 1000`
 * compares numbers), else string. Fields whose Falco type does not survive JSON (times, byte buffers)
 * are compared as the text Falco wrote.
 */
function outputFieldType(name: string): FieldType {
  for (const table of FIELD_TABLES.values()) {
    const found = lookupField(table, name);
    if (found && !found.spec.list && VALUE_TYPES.has(found.spec.type)) return found.spec.type;
  }
  return 'string';
}

function outputFieldValue(alert: Alert, key: string): FieldValue | undefined {
  const value = alert.output_fields[key];
  return value === null || value === undefined ? undefined : (value as FieldValue);
}

function alertKeySpec(key: AlertKey): FieldSpec<Alert> {
  const spec = ALERT_KEY_SPECS[key];
  const name = alertFieldName(key);
  return {
    name,
    type: spec.type,
    ...(spec.multiValue ? { multiValue: spec.multiValue } : {}),
    arg: { kind: 'none' },
    description: spec.description,
    bind: () => spec.extract,
  };
}

/**
 * An output field, read by the name Falco writes in `output_fields`: `proc.aname[2]` reads the key
 * `proc.aname[2]`, so the argument is taken as written (a key), never interpreted.
 */
function outputFieldSpec(name: string): FieldSpec<Alert> {
  return {
    name,
    type: outputFieldType(name),
    arg: { kind: 'key', required: false },
    description: `output field ${name}`,
    bind: (arg) => {
      const key = arg === undefined ? name : `${name}[${arg}]`;
      return (alert) => outputFieldValue(alert, key);
    },
  };
}

/** `alert.output_fields["key"]`: any output field by its key, compared as text as Falco's gRPC output shows it. */
const OUTPUT_FIELDS_SPEC: FieldSpec<Alert> = {
  name: OUTPUT_FIELDS_NAME,
  type: 'string',
  arg: { kind: 'key', required: true },
  description: 'An output field by its key, as written in output_fields.',
  bind: (arg) => {
    const key = arg ?? '';
    return (alert) => outputFieldValue(alert, key);
  },
};

/**
 * A field table over alerts that knows the alert keys and the output fields `names` (those an
 * expression uses: output fields are open-ended, so the table is built per expression).
 */
export function alertFieldTable(names: Iterable<string>): FieldTable<Alert> {
  const fields = new Map<string, FieldSpec<Alert>>(ALERT_KEYS.map((key) => [alertFieldName(key), alertKeySpec(key)]));
  fields.set(OUTPUT_FIELDS_NAME, OUTPUT_FIELDS_SPEC);
  for (const name of names) if (!fields.has(name)) fields.set(name, outputFieldSpec(name));
  return {
    source: 'alert',
    fields,
    eventTypeOf: () => undefined,
    timeOf: () => 0n,
    // No event types: the compiler's event-type warnings do not apply to alerts.
    eventTypes: new Set(),
  };
}
