import type { Priority } from './priority.js';

/**
 * A typed value of an output field; `null` when the event had no value for the field. An integer is a
 * `number` while a double holds it exactly and a `bigint` beyond that (`evt.time`, `evt.rawtime`: epoch
 * nanoseconds, about 1.7e18), so no digit is lost; `contract/json.ts` reads and writes such alerts.
 */
export type OutputFieldValue = string | number | bigint | boolean | null | readonly (string | number | bigint)[];

/**
 * A Falco alert, as Falco's JSON output writes it (`json_output: true`) and falcosidekick receives it,
 * plus the `uuid` the sidekick assigns on ingest.
 */
export interface Alert {
  /** RFC 3339 timestamp with nanoseconds, e.g. `2026-11-22T10:00:00.123456789Z`. */
  time: string;
  rule: string;
  priority: Priority;
  /** Event source: `syscall`, `k8s_audit`, `aws_cloudtrail`, … */
  source: string;
  hostname: string;
  /** The text line: `<time>: <Priority> <formatted output>`. */
  output: string;
  output_fields: Record<string, OutputFieldValue>;
  tags: string[];
  /** Assigned by the sidekick when the alert is accepted. */
  uuid?: string;
}
