import type { JsonValue, TimedDocument } from '../json-event.js';
import { isJsonObject } from '../json-event.js';
import { compactSizeOver } from './event-size.js';
import { StageTimeParser } from './stage-time.js';
import type { AuditSkip } from './skips.js';

/** The k8saudit plugin's default `maxEventSize`: larger single events are dropped. */
export const DEFAULT_MAX_EVENT_SIZE = 262_144;

/** Limits and labels for parseAuditPayload. */
export interface AuditParseOptions {
  /** Largest accepted event, in bytes of its compact JSON (default 262144, as the plugin). */
  maxEventSize?: number;
  /** Where the payload came from, for skip reports (`file:line`, `POST /k8s-audit`). */
  where?: string;
}

/** The events of one payload (not yet numbered), and what was skipped in it. */
export interface AuditParseResult {
  events: TimedDocument[];
  skips: AuditSkip[];
}

/**
 * Turns one decoded audit payload into events, as the k8saudit plugin accepts them: a single
 * `{"kind":"Event"}`, an `{"kind":"EventList","items":[…]}`, or an array of either (nested arrays
 * too). Each event is timed by its `stageTimestamp`; events without a valid one, or larger than
 * `maxEventSize`, are skipped and reported rather than failing the payload.
 */
export function parseAuditPayload(payload: JsonValue, options: AuditParseOptions = {}): AuditParseResult {
  const result: AuditParseResult = { events: [], skips: [] };
  const where = options.where ?? 'payload';
  const maxSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  const times = new StageTimeParser();
  // An explicit stack instead of recursion: a hostile body of deeply nested arrays must not blow it.
  const pending: JsonValue[] = [payload];
  while (pending.length > 0) {
    const value = pending.pop() as JsonValue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push(value[i] as JsonValue);
      continue;
    }
    const kind = isJsonObject(value) ? value.kind : undefined;
    if (kind === 'EventList' && isJsonObject(value) && Array.isArray(value.items)) {
      for (const item of value.items) addEvent(item, where, maxSize, times, result);
    } else if (kind === 'Event') {
      addEvent(value, where, maxSize, times, result);
    } else {
      result.skips.push({ reason: 'not-audit-event', where, detail: 'not a k8s audit Event, EventList or array of them' });
    }
  }
  return result;
}

function addEvent(value: JsonValue, where: string, maxSize: number, times: StageTimeParser, result: AuditParseResult): void {
  if (!isJsonObject(value)) {
    result.skips.push({ reason: 'not-audit-event', where, detail: 'EventList item is not an object' });
    return;
  }
  const stamp = value.stageTimestamp;
  if (stamp === undefined) {
    result.skips.push({ reason: 'missing-stage-timestamp', where, detail: "can't read stageTimestamp" });
    return;
  }
  const time = typeof stamp === 'string' ? times.parse(stamp) : undefined;
  if (time === undefined) {
    result.skips.push({ reason: 'bad-stage-timestamp', where, detail: `stageTimestamp ${JSON.stringify(stamp)} is not RFC 3339` });
    return;
  }
  const size = compactSizeOver(value, maxSize);
  if (size !== undefined) {
    result.skips.push({ reason: 'too-large', where, detail: `event larger than maxEventSize: size=${size}` });
    return;
  }
  result.events.push({ time, doc: value });
}
