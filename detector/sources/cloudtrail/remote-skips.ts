import type { CloudtrailSkipReason } from './skips.js';

/** Why an S3 object, an SQS message or a record in them produced no event. */
export type CloudtrailRemoteSkipReason =
  | CloudtrailSkipReason
  | 'fetch-failed' // GetObject failed (missing key, no permission, network): the object is not read
  | 'bad-message' // an SQS message that is neither an S3 event notification nor a CloudTrail SNS notification
  | 'test-event'; // the s3:TestEvent S3 sends when notifications are configured

/** One skipped object, message or record: the reason, where (`s3://bucket/key[#index]`, `sqs://queue`) and a detail. */
export interface CloudtrailRemoteSkip {
  reason: CloudtrailRemoteSkipReason;
  where: string;
  detail: string;
}

/** Counts of what the S3 and SQS readers fetched, produced and skipped. */
export class CloudtrailRemoteStats {
  /** Log objects read from S3. */
  objects = 0;
  events = 0;
  /** SQS messages received. */
  messages = 0;
  /** Failed SQS receives (retried with backoff). */
  receiveErrors = 0;
  readonly skipped = new Map<CloudtrailRemoteSkipReason, number>();

  skip(reason: CloudtrailRemoteSkipReason): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }
}
