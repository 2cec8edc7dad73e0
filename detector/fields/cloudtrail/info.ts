import type { JsonObject } from '../../sources/json-event.js';
import { isJsonObject } from '../../sources/json-event.js';
import { getPath, getString } from '../json/index.js';
import { cloudtrailReadOnly } from './readonly.js';
import { s3Bucket, s3Bytes, s3Key, s3Uri } from './s3.js';
import { cloudtrailUser } from './user.js';

// After the who/where/what part, the first detail present is appended.
const DETAILS: readonly [label: string, read: (doc: JsonObject) => string | undefined][] = [
  ['URI', s3Uri],
  ['Bucket', s3Bucket],
  ['Key', s3Key],
  ['Host', (doc) => getString(doc, ['requestParameters', 'Host'])],
];

/**
 * `ct.info`: a one-line summary as the plugin writes it — `user via srcip ←Name` (`→` for writes,
 * `!` before the arrow on errors), then the size and the first of URI/Bucket/Key/Host present.
 */
export function cloudtrailInfo(doc: JsonObject): string {
  const user = cloudtrailUser(doc);
  if (user === undefined) return '<invalid cloudtrail event: userIdentity field missing>';
  const srcip = getString(doc, ['sourceIPAddress']);
  if (srcip === undefined) return '<invalid cloudtrail event: eventSource field missing>';
  const error = getString(doc, ['errorCode']) === undefined ? '' : '!';
  const arrow = cloudtrailReadOnly(doc) === 'false' ? '→' : '←';
  const name = getString(doc, ['eventName']);
  if (name === undefined) return '<invalid cloudtrail event: eventName field missing>';
  let info = user === srcip ? `${user} ${error}${arrow} ${name}` : `${user} via ${srcip} ${error}${arrow} ${name}`;
  if (name === 'PutBucketPublicAccessBlock') {
    // The plugin reads these flags from the wrong object, so it always prints false; kept identical.
    if (isJsonObject(getPath(doc, ['requestParameters', 'PublicAccessBlockConfiguration']))) {
      info += ' BlockPublicAcls=false BlockPublicPolicy=false IgnorePublicAcls=false RestrictPublicBuckets=false ';
    }
    return info;
  }
  const size = s3Bytes(doc);
  if (size !== undefined) info += ` Size=${size}`;
  for (const [label, read] of DETAILS) {
    const value = read(doc);
    if (value !== undefined) return `${info} ${label}=${value}`;
  }
  return info;
}
