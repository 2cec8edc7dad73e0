import type { JsonObject, JsonValue } from '../../sources/json-event.js';
import { getPath, getString } from '../json/index.js';

// Byte counts are sometimes floats (`33.0`); anything that is not a number counts as 0.
function byteCount(value: JsonValue): number {
  return typeof value === 'number' && value > 0 ? Math.trunc(value) : 0;
}

function transferred(doc: JsonObject, directions: readonly ('In' | 'Out')[]): number | undefined {
  let total = 0;
  let present = false;
  for (const direction of directions) {
    const value = getPath(doc, ['additionalEventData', `bytesTransferred${direction}`]);
    if (value === undefined) continue;
    present = true;
    total += byteCount(value);
  }
  return present ? total : undefined;
}

export const s3Bytes = (doc: JsonObject): number | undefined => transferred(doc, ['In', 'Out']);
export const s3BytesIn = (doc: JsonObject): number | undefined => transferred(doc, ['In']);
export const s3BytesOut = (doc: JsonObject): number | undefined => transferred(doc, ['Out']);

export const s3Bucket = (doc: JsonObject): string | undefined => getString(doc, ['requestParameters', 'bucketName']);
export const s3Key = (doc: JsonObject): string | undefined => getString(doc, ['requestParameters', 'key']);

export function s3Uri(doc: JsonObject): string | undefined {
  const bucket = s3Bucket(doc);
  const key = s3Key(doc);
  return bucket === undefined || key === undefined ? undefined : `s3://${bucket}/${key}`;
}

/** `s3.cnt.*`: 1 when the event is of the counted kind, else 0. */
export function s3Count(kind: 'get' | 'put' | 'other') {
  return (doc: JsonObject): number => {
    const name = getString(doc, ['eventName']);
    const io = name === 'GetObject' ? 'get' : name === 'PutObject' ? 'put' : 'other';
    return io === kind ? 1 : 0;
  };
}
