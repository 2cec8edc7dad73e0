/** Why an audit payload, or one event in it, was not turned into an event. */
export type AuditSkipReason =
  | 'malformed-json' // the text (or one JSON line) does not parse
  | 'not-audit-event' // valid JSON but neither an Event, an EventList nor an array of them
  | 'missing-stage-timestamp' // the plugin drops events it cannot time
  | 'bad-stage-timestamp' // stageTimestamp is not RFC 3339
  | 'too-large'; // larger than the configured maximum event size

/** One skipped payload or event: the reason, where (file:line or a caller's label) and a detail. */
export interface AuditSkip {
  reason: AuditSkipReason;
  where: string;
  detail: string;
}

/** Counts of what a reader produced and skipped, for logs and metrics. */
export class AuditReadStats {
  events = 0;
  readonly skipped = new Map<AuditSkipReason, number>();

  skip(reason: AuditSkipReason): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  /** Total skipped, over all reasons. */
  get totalSkipped(): number {
    let total = 0;
    for (const n of this.skipped.values()) total += n;
    return total;
  }
}
