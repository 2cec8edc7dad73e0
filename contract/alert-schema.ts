import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Alert } from './alert.js';
import { PRIORITIES, parsePriority } from './priority.js';

/** RFC 3339 date-time with an optional fraction of up to nine digits and a `Z` or numeric offset. */
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

// Integers beyond 2^53 arrive as bigint from contract/json.ts's parseJson.
const OutputFieldValueSchema = Type.Union([
  Type.String(),
  Type.Number(),
  Type.BigInt(),
  Type.Boolean(),
  Type.Null(),
  Type.Array(Type.Union([Type.String(), Type.Number(), Type.BigInt()])),
]);

/** The canonical alert: what the detector emits and what outputs receive. */
export const AlertSchema = Type.Object(
  {
    time: Type.String({ pattern: RFC3339 }),
    rule: Type.String({ minLength: 1 }),
    priority: Type.Union(PRIORITIES.map((p) => Type.Literal(p))),
    source: Type.String({ minLength: 1 }),
    hostname: Type.String(),
    output: Type.String(),
    output_fields: Type.Record(Type.String(), OutputFieldValueSchema),
    tags: Type.Array(Type.String()),
    uuid: Type.Optional(Type.String({ pattern: UUID })),
  },
  { $id: 'saker/Alert', additionalProperties: false },
);

/**
 * What ingest accepts, as falcosidekick does: `time`, `rule` and `priority` required (priority in any
 * case, `info` for Informational), the rest optional, unknown keys ignored.
 */
export const IncomingAlertSchema = Type.Object(
  {
    time: Type.String({ pattern: RFC3339 }),
    rule: Type.String({ minLength: 1 }),
    priority: Type.String({ minLength: 1 }),
    source: Type.Optional(Type.String()),
    hostname: Type.Optional(Type.String()),
    output: Type.Optional(Type.String()),
    output_fields: Type.Optional(Type.Record(Type.String(), OutputFieldValueSchema)),
    tags: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'saker/IncomingAlert', additionalProperties: true },
);

export type IncomingAlert = Static<typeof IncomingAlertSchema>;

/** falcosidekick's default when an alert names no source. */
export const DEFAULT_SOURCE = 'syscalls';

/** One reason an alert was rejected: where in the document, and what is wrong there. */
export interface AlertProblem {
  path: string;
  message: string;
}

export type AlertParseResult = { ok: true; alert: Alert } | { ok: false; problems: AlertProblem[] };

const incomingCheck = TypeCompiler.Compile(IncomingAlertSchema);
const alertCheck = TypeCompiler.Compile(AlertSchema);

/**
 * Validates a decoded JSON value as an incoming alert and normalizes it into the canonical `Alert`:
 * canonical priority spelling, defaults for the optional keys, unknown keys dropped.
 */
export function parseIncomingAlert(value: unknown): AlertParseResult {
  if (!incomingCheck.Check(value)) {
    const problems = [...incomingCheck.Errors(value)].map((e) => ({ path: e.path || '/', message: e.message }));
    return { ok: false, problems };
  }
  const priority = parsePriority(value.priority);
  if (priority === undefined) {
    return {
      ok: false,
      problems: [{ path: '/priority', message: `unknown priority '${value.priority}' (expected one of ${PRIORITIES.join(', ')})` }],
    };
  }
  return {
    ok: true,
    alert: {
      time: value.time,
      rule: value.rule,
      priority,
      source: value.source || DEFAULT_SOURCE,
      hostname: value.hostname ?? '',
      output: value.output ?? '',
      output_fields: value.output_fields ?? {},
      tags: value.tags ?? [],
    },
  };
}

/** True when `value` is a complete canonical alert (uuid optional). */
export function isAlert(value: unknown): value is Alert {
  return alertCheck.Check(value);
}
