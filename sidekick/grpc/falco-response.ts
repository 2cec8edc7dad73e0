import { prioritySeverity, stringifyJson, type Alert } from '../../contract/index.js';

/** `falco.schema.source` values. */
const SOURCE = { SYSCALL: 0, K8S_AUDIT: 1, INTERNAL: 2, PLUGIN: 3 } as const;

/**
 * The source names Falco's enum parse accepts (its aliases, case as written), plus falcosidekick's
 * default `syscalls` for alerts that named no source. Anything else came from a plugin.
 */
const SOURCE_BY_NAME: ReadonlyMap<string, number> = new Map<string, number>([
  ['SYSCALL', SOURCE.SYSCALL],
  ['syscall', SOURCE.SYSCALL],
  ['Syscall', SOURCE.SYSCALL],
  ['syscalls', SOURCE.SYSCALL],
  ['K8S_AUDIT', SOURCE.K8S_AUDIT],
  ['k8s_audit', SOURCE.K8S_AUDIT],
  ['K8s_audit', SOURCE.K8S_AUDIT],
  ['K8S_audit', SOURCE.K8S_AUDIT],
  ['INTERNAL', SOURCE.INTERNAL],
  ['internal', SOURCE.INTERNAL],
  ['Internal', SOURCE.INTERNAL],
  ['PLUGIN', SOURCE.PLUGIN],
  ['plugin', SOURCE.PLUGIN],
  ['Plugin', SOURCE.PLUGIN],
]);

/** `google.protobuf.Timestamp`. */
export interface ProtoTimestamp {
  seconds: number;
  nanos: number;
}

/** A `falco.outputs.response`, as @grpc/proto-loader encodes it (field names as in the .proto). */
export interface FalcoOutputResponse {
  time: ProtoTimestamp;
  priority: number;
  source_deprecated: number;
  rule: string;
  output: string;
  output_fields: Record<string, string>;
  hostname: string;
  tags: string[];
  source: string;
}

const RFC3339_PARTS = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time with up to nine fractional digits, exactly, as seconds and nanoseconds. */
export function timestampOf(time: string): ProtoTimestamp {
  const parts = RFC3339_PARTS.exec(time);
  if (!parts) return { seconds: 0, nanos: 0 };
  const [, date, clock, fraction = '', zone = 'Z'] = parts;
  const millis = Date.parse(`${date}T${clock}${zone.toUpperCase()}`);
  if (Number.isNaN(millis)) return { seconds: 0, nanos: 0 };
  return { seconds: Math.floor(millis / 1000), nanos: Number(fraction.padEnd(9, '0')) };
}

/** Falco sends strings as they are and every other field value in its JSON spelling. */
function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : stringifyJson(value);
}

/** Maps an accepted alert onto Falco's gRPC output message. */
export function falcoResponseOf(alert: Alert): FalcoOutputResponse {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(alert.output_fields)) fields[name] = fieldText(value);
  return {
    time: timestampOf(alert.time),
    priority: prioritySeverity(alert.priority),
    source_deprecated: SOURCE_BY_NAME.get(alert.source) ?? SOURCE.PLUGIN,
    rule: alert.rule,
    output: alert.output,
    output_fields: fields,
    hostname: alert.hostname,
    tags: [...alert.tags],
    source: alert.source,
  };
}
