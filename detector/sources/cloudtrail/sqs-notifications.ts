import type { JsonObject, JsonValue } from '../json-event.js';
import { isJsonObject } from '../json-event.js';
import { tryParseJson } from '../json-file.js';
import type { CloudtrailRemoteSkipReason } from './remote-skips.js';

/** One log object a notification announces. */
export interface AnnouncedObject {
  bucket: string;
  key: string;
}

/** What an SQS message body comes to: objects to read, or why there is nothing to read. */
export type NotificationOutcome = { objects: AnnouncedObject[] } | { skip: CloudtrailRemoteSkipReason; detail: string };

// S3 event notifications URL-encode keys (a space is `+`); GetObject needs them decoded.
function decodeS3Key(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

type Recognizer = (message: JsonObject) => NotificationOutcome | undefined;

/**
 * The message shapes that announce CloudTrail logs, tried in order: S3's event notification
 * (`{"Records":[{"s3":{"bucket":{"name"},"object":{"key"}}}]}`, what the plugin reads with
 * `useS3SNS`), CloudTrail's own SNS notification (`{"s3Bucket","s3ObjectKey":[…]}`, the plugin's
 * default), and S3's `s3:TestEvent`, which announces nothing.
 */
const RECOGNIZERS: readonly Recognizer[] = [
  (message) => {
    if (!Array.isArray(message.Records)) return undefined;
    const objects: AnnouncedObject[] = [];
    for (const record of message.Records) {
      const s3 = isJsonObject(record) ? record.s3 : undefined;
      const bucket = isJsonObject(s3) && isJsonObject(s3.bucket) ? s3.bucket.name : undefined;
      const rawKey = isJsonObject(s3) && isJsonObject(s3.object) ? s3.object.key : undefined;
      const key = typeof rawKey === 'string' ? decodeS3Key(rawKey) : undefined;
      if (typeof bucket !== 'string' || key === undefined) return { skip: 'bad-message', detail: 'an S3 event record without s3.bucket.name and s3.object.key' };
      objects.push({ bucket, key });
    }
    return { objects };
  },
  (message) => {
    const { s3Bucket: bucket, s3ObjectKey: keys } = message;
    if (typeof bucket !== 'string' || !Array.isArray(keys)) return undefined;
    if (!keys.every((k): k is string => typeof k === 'string')) return { skip: 'bad-message', detail: 's3ObjectKey holds a non-string' };
    return { objects: keys.map((key) => ({ bucket, key })) };
  },
  (message) => (message.Event === 's3:TestEvent' ? { skip: 'test-event', detail: 'S3 notification test event' } : undefined),
];

/**
 * Reads an SQS message body that announces new CloudTrail log objects: one of the shapes above,
 * either as the body itself (S3 → SQS directly, or SNS with raw delivery) or wrapped in an SNS
 * envelope (`{"Type":"Notification","Message":"<json>"}`). Both forms are recognized by content,
 * so the plugin's `useS3SNS` switch is not needed.
 */
export function parseNotification(body: string | undefined): NotificationOutcome {
  let message: JsonValue | undefined = body === undefined ? undefined : tryParseJson(body);
  if (!isJsonObject(message)) return { skip: 'bad-message', detail: 'the message body is not a JSON object' };
  if (message.Type === 'Notification' && typeof message.Message === 'string') {
    message = tryParseJson(message.Message);
    if (!isJsonObject(message)) return { skip: 'bad-message', detail: 'the SNS Message is not a JSON object' };
  }
  for (const recognize of RECOGNIZERS) {
    const outcome = recognize(message);
    if (outcome !== undefined) return outcome;
  }
  return { skip: 'bad-message', detail: 'neither an S3 event notification nor a CloudTrail SNS notification' };
}
