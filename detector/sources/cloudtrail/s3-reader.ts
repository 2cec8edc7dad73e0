import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SakerError } from '../../../common/errors.js';
import type { TimedDocument } from '../json-event.js';
import { isCloudtrailLogName } from './file-reader.js';
import { cloudtrailObjectEvents } from './object-events.js';
import type { CloudtrailRemoteSkip } from './remote-skips.js';
import { CloudtrailRemoteStats } from './remote-skips.js';

/** How the S3 and SQS readers report what they skip. */
export interface CloudtrailRemoteOptions {
  /** Called for every skipped object, message or record (log it); bad content never throws. */
  onSkip?: (skip: CloudtrailRemoteSkip) => void;
  stats?: CloudtrailRemoteStats;
  /** Stops listing, fetching and polling. */
  signal?: AbortSignal;
}

export function remoteReporter(options: CloudtrailRemoteOptions): { stats: CloudtrailRemoteStats; report: (skip: CloudtrailRemoteSkip) => void } {
  const stats = options.stats ?? new CloudtrailRemoteStats();
  return {
    stats,
    report: (skip) => {
      stats.skip(skip.reason);
      options.onSkip?.(skip);
    },
  };
}

/**
 * Reads one log object and returns its events; a failed GetObject is reported as `fetch-failed` and
 * answers undefined, so the caller can tell "read, nothing in it" from "not read".
 */
export async function fetchObjectEvents(
  client: S3Client,
  bucket: string,
  key: string,
  report: (skip: CloudtrailRemoteSkip) => void,
  signal?: AbortSignal,
): Promise<TimedDocument[] | undefined> {
  const where = `s3://${bucket}/${key}`;
  let bytes: Uint8Array;
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    if (object.Body === undefined) throw new Error('no body');
    bytes = await object.Body.transformToByteArray();
  } catch (error) {
    if (signal?.aborted === true) throw error;
    report({ reason: 'fetch-failed', where, detail: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
  const parsed = cloudtrailObjectEvents(bytes, where);
  parsed.skips.forEach(report);
  return parsed.events;
}

/** Listing and download knobs of the `s3://` mode. */
export interface CloudtrailS3Options extends CloudtrailRemoteOptions {
  /** Objects fetched ahead of the consumer, still yielded in key order (the plugin's `s3DownloadConcurrency`; default 4). */
  downloadConcurrency?: number;
  /** Keys per listing page (S3's MaxKeys; default and most 1000). */
  listPageSize?: number;
}

const DEFAULT_DOWNLOAD_CONCURRENCY = 4;

/**
 * Reads every CloudTrail log object (`.json` / `.json.gz` key) under `s3://bucket/prefix` once, in
 * S3's listing order (by key, so by account, region and time for CloudTrail's layout), one listing
 * page at a time with a few downloads ahead, and ends — as the plugin does for `s3://` open params.
 * Objects that cannot be fetched or parsed are reported and skipped; a listing that fails (no
 * bucket, no permission) throws `SAKER_ERR_SOURCE_OPEN`.
 */
export async function* readCloudtrailS3(client: S3Client, bucket: string, prefix: string, options: CloudtrailS3Options = {}): AsyncGenerator<TimedDocument> {
  const { stats, report } = remoteReporter(options);
  const { signal } = options;
  const ahead = Math.max(1, options.downloadConcurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY);
  let continuation: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuation, MaxKeys: options.listPageSize }),
        { abortSignal: signal },
      );
    } catch (cause) {
      if (signal?.aborted === true) return;
      throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot list s3://${bucket}/${prefix}`, { cause });
    }
    const keys = (page.Contents ?? []).flatMap(({ Key: key }) => (key !== undefined && isCloudtrailLogName(key) ? [key] : []));
    const inFlight: Promise<TimedDocument[] | undefined>[] = [];
    const start = (key: string): void => {
      const download = fetchObjectEvents(client, bucket, key, report, signal);
      // Downloads left behind by an early stop must not surface as unhandled rejections.
      download.catch(() => undefined);
      inFlight.push(download);
    };
    let next = 0;
    while (next < keys.length && inFlight.length < ahead) start(keys[next++] as string);
    while (inFlight.length > 0) {
      let events;
      try {
        events = await (inFlight.shift() as Promise<TimedDocument[] | undefined>);
      } catch (error) {
        if (signal?.aborted === true) return;
        throw error;
      }
      if (next < keys.length) start(keys[next++] as string);
      if (events === undefined) continue;
      stats.objects++;
      for (const event of events) {
        stats.events++;
        yield event;
      }
    }
    continuation = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (continuation !== undefined);
}
