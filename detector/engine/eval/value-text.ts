import type { FieldValue } from '../fields.js';

/** Renders a value as text the way libsinsp's tostring does (lists as `(a,b)`). */
export function valueToText(value: FieldValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (Array.isArray(value)) return `(${(value as readonly (string | number)[]).join(',')})`;
  return String(value);
}
