import type { Logger } from '../../../common/logger.js';
import type { JsonEvent, TimedDocument } from '../json-event.js';
import type { CloudtrailAwsOptions } from './aws-clients.js';
import { readCloudtrail } from './file-reader.js';
import { parseCloudtrailOpenParams, type CloudtrailLocation } from './open-params.js';
import type { CloudtrailRemoteSkip, CloudtrailRemoteStats } from './remote-skips.js';

/** Everything `openCloudtrail` needs besides the open parameters. */
export interface CloudtrailOpenOptions extends CloudtrailAwsOptions {
  /** Called for every skipped file, object, message or record (log it). */
  onSkip?: (skip: CloudtrailRemoteSkip) => void;
  /** Counts objects, messages, events and skips of the S3 and SQS modes. */
  stats?: CloudtrailRemoteStats;
  /** Ends the stream: SQS polling never ends by itself. */
  signal?: AbortSignal;
  /** The plugin's `sqsDelete` (default true). */
  sqsDelete?: boolean;
  /** S3 objects fetched ahead of the consumer (default 4; the plugin's `s3DownloadConcurrency`). */
  downloadConcurrency?: number;
  /** Keys per S3 listing page (default 1000). */
  listPageSize?: number;
  /** SQS long-poll wait in seconds (default 20). */
  waitTimeSeconds?: number;
  log?: Logger;
}

async function* numbered(events: AsyncIterable<TimedDocument>): AsyncGenerator<JsonEvent> {
  let num = 0;
  for await (const event of events) yield { time: event.time, doc: event.doc, num: ++num };
}

/** One opener per kind of location: adding a source of logs is adding a row. */
const OPENERS: { [K in CloudtrailLocation['kind']]: (location: Extract<CloudtrailLocation, { kind: K }>, options: CloudtrailOpenOptions) => AsyncIterable<JsonEvent> } = {
  file: (location, options) => readCloudtrail(location.path, options.onSkip ? { onSkip: options.onSkip } : {}),
  // The AWS SDK is loaded on the first read of an S3 or SQS location, not with this module: every
  // process that only needs the field tables (the sidekick's routing, rules validation) imports this
  // module, and the SDK would cost each of them over 10 MB of memory.
  s3: (location, options) =>
    lazily(async () => {
      const [{ s3Client }, { readCloudtrailS3 }] = await Promise.all([import('./aws-clients.js'), import('./s3-reader.js')]);
      const s3 = s3Client(options);
      return closing(numbered(readCloudtrailS3(s3, location.bucket, location.prefix, options)), () => s3.destroy());
    }),
  sqs: (location, options) =>
    lazily(async () => {
      const [{ s3Client, sqsClient }, { pollCloudtrailSqs }] = await Promise.all([import('./aws-clients.js'), import('./sqs-reader.js')]);
      const s3 = s3Client(options);
      const sqs = sqsClient(options);
      return closing(numbered(pollCloudtrailSqs(sqs, s3, location.queueName, options)), () => {
        s3.destroy();
        sqs.destroy();
      });
    }),
};

/** The events of the stream `open` resolves to, opened on the first iteration. */
async function* lazily<T>(open: () => Promise<AsyncIterable<T>>): AsyncGenerator<T> {
  yield* await open();
}

async function* closing<T>(events: AsyncIterable<T>, close: () => void): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    close();
  }
}

/**
 * Opens CloudTrail events from the cloudtrail plugin's open_params: `s3://bucket/prefix/` (every log
 * object under it, once), `sqs://queue-name` (S3/SNS notifications of new log objects, until
 * `signal` aborts), or a local file or directory. Every mode yields the same events as the file
 * reader, numbered from 1. Bad params throw `SAKER_ERR_SOURCE_PARAMS` at once; an unreachable
 * bucket or queue throws `SAKER_ERR_SOURCE_OPEN` from the first iteration.
 */
export function openCloudtrail(openParams: string, options: CloudtrailOpenOptions = {}): AsyncIterable<JsonEvent> {
  const location = parseCloudtrailOpenParams(openParams);
  const open = OPENERS[location.kind] as (location: CloudtrailLocation, options: CloudtrailOpenOptions) => AsyncIterable<JsonEvent>;
  return open(location, options);
}
