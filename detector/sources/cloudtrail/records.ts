import type { JsonValue, TimedDocument } from '../json-event.js';
import { isJsonObject, parseRfc3339Nanos } from '../json-event.js';
import type { CloudtrailSkip } from './skips.js';

/** The events of one CloudTrail log document (not yet numbered), and what was skipped in it. */
export interface CloudtrailParseResult {
  events: TimedDocument[];
  skips: CloudtrailSkip[];
}

/**
 * Turns a decoded `{"Records":[…]}` document into events, as Falco's cloudtrail plugin does: each
 * record is timed by `eventTime` (RFC 3339); records without a valid time, without `eventType`, or
 * of type `AwsCloudTrailInsight` are skipped and reported.
 */
export function parseCloudtrailDocument(document: JsonValue, where: string): CloudtrailParseResult {
  const result: CloudtrailParseResult = { events: [], skips: [] };
  const records = isJsonObject(document) ? document.Records : undefined;
  if (!Array.isArray(records)) {
    result.skips.push({ reason: 'not-cloudtrail', where, detail: 'no "Records" array' });
    return result;
  }
  records.forEach((record, i) => {
    const at = `${where}#${i}`;
    if (!isJsonObject(record)) {
      result.skips.push({ reason: 'bad-record', where: at, detail: 'record is not an object' });
      return;
    }
    const stamp = record.eventTime;
    if (typeof stamp !== 'string') {
      result.skips.push({ reason: 'missing-event-time', where: at, detail: 'no eventTime' });
      return;
    }
    const time = parseRfc3339Nanos(stamp);
    if (time === undefined) {
      result.skips.push({ reason: 'bad-event-time', where: at, detail: `eventTime ${JSON.stringify(stamp)} is not RFC 3339` });
      return;
    }
    const type = record.eventType;
    if (typeof type !== 'string') {
      result.skips.push({ reason: 'missing-event-type', where: at, detail: 'no eventType' });
      return;
    }
    if (type === 'AwsCloudTrailInsight') {
      result.skips.push({ reason: 'insight', where: at, detail: 'CloudTrail Insights record' });
      return;
    }
    result.events.push({ time, doc: record });
  });
  return result;
}
