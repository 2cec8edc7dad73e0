/** Why a CloudTrail file, or one record in it, produced no event. */
export type CloudtrailSkipReason =
  | 'malformed-json' // the file does not parse as JSON
  | 'bad-gzip' // a .json.gz file that does not decompress
  | 'not-cloudtrail' // valid JSON without a `Records` array
  | 'bad-record' // a record that is not a JSON object
  | 'missing-event-time' // the plugin skips records it cannot time…
  | 'bad-event-time' // …or whose eventTime is not RFC 3339
  | 'missing-event-type' // records without eventType are skipped too
  | 'insight'; // AwsCloudTrailInsight records are not API activity

/** One skipped file or record: the reason, where (file, or file#index) and a detail. */
export interface CloudtrailSkip {
  reason: CloudtrailSkipReason;
  where: string;
  detail: string;
}

/** Counts of what the reader produced and skipped. */
export class CloudtrailReadStats {
  files = 0;
  events = 0;
  readonly skipped = new Map<CloudtrailSkipReason, number>();

  skip(reason: CloudtrailSkipReason): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }
}
