import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { stringifyJson, type Alert } from '../../contract/index.js';

/** SNS's limits: 10 message attributes, 256 KiB for the message and its attributes together (and per batch). */
export const SNS_LIMITS = { attributes: 10, bytes: 262_144 } as const;

export const TRUNCATION_MARKER = '… [truncated]';

/** An SNS attribute name: letters, digits, `_`, `-`, `.`; no leading/trailing or doubled dot; no AWS./Amazon. prefix. */
function attributeName(field: string): string | undefined {
  // falcosidekick's mapping: `evt.arg[flags]` → `evt.arg.flags`.
  const name = field.replaceAll(']', '').replaceAll('[', '.').replace(/[^A-Za-z0-9_.-]/g, '_');
  if (name === '' || name.length > 256 || name.startsWith('.') || name.endsWith('.') || name.includes('..')) return undefined;
  if (/^(aws|amazon)\./i.test(name)) return undefined;
  return name;
}

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/**
 * falcosidekick's text-mode attributes: priority, rule, source, then tags and hostname when present,
 * then string and number output fields (sorted by name) until SNS's limit of 10. SNS refuses empty values,
 * so empty fields are skipped.
 */
export function messageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = { priority: text(alert.priority), rule: text(alert.rule), source: text(alert.source) };
  if (alert.tags.length > 0) attributes.tags = text(alert.tags.join(','));
  if (alert.hostname !== '') attributes.hostname = text(alert.hostname);
  for (const field of Object.keys(alert.output_fields).sort()) {
    if (Object.keys(attributes).length >= SNS_LIMITS.attributes) break;
    const name = attributeName(field);
    const value = alert.output_fields[field];
    if (name === undefined || name in attributes) continue;
    if (typeof value === 'string' && value !== '') attributes[name] = text(value);
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') attributes[name] = { DataType: 'Number', StringValue: String(value) };
  }
  return attributes;
}

/** Bytes SNS counts for a message: the body plus each attribute's name, type and value. */
export function messageBytes(body: string, attributes: Record<string, MessageAttributeValue> | undefined): number {
  let size = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/** Cuts `value` to at most `maxBytes` of UTF-8 with the marker, never splitting a character. */
export function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value) <= maxBytes) return value;
  const room = Math.max(0, maxBytes - Buffer.byteLength(TRUNCATION_MARKER));
  let cut = Buffer.from(value).subarray(0, room).toString('utf8');
  // A split multi-byte character decodes as U+FFFD: drop it.
  cut = cut.replace(/\uFFFD$/, '');
  return cut + TRUNCATION_MARKER;
}

/** The SNS message body and attributes of an alert, fitted into SNS's size limit where possible. */
export function snsMessage(alert: Alert, rawjson: boolean): { body: string; attributes?: Record<string, MessageAttributeValue> } {
  if (rawjson) {
    const body = stringifyJson(alert);
    if (Buffer.byteLength(body) <= SNS_LIMITS.bytes) return { body };
    // The output text is what grows without bound (a long command line); trim it and keep the JSON whole.
    const excess = Buffer.byteLength(body) - SNS_LIMITS.bytes;
    const output = truncateUtf8(alert.output, Math.max(0, Buffer.byteLength(alert.output) - excess - 64));
    return { body: stringifyJson({ ...alert, output }) };
  }
  const attributes = messageAttributes(alert);
  const room = SNS_LIMITS.bytes - messageBytes('', attributes);
  // SNS refuses an empty message; an alert without output text still says which rule fired.
  return { body: truncateUtf8(alert.output || alert.rule, room), attributes };
}
