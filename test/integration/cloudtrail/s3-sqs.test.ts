import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudtrailRemoteStats, openCloudtrail, type CloudtrailRemoteSkip } from '../../../detector/sources/cloudtrail/index.js';
import type { JsonEvent } from '../../../detector/sources/json-event.js';
import { cloudtrailSnsNotification, logDocument, s3EventNotification, startAwsPeer, type AwsPeer } from './support.js';

let aws: AwsPeer;
beforeAll(async () => {
  aws = await startAwsPeer();
});
afterAll(async () => {
  await aws.stop();
});

async function collect(events: AsyncIterable<JsonEvent>, limit = 10_000): Promise<JsonEvent[]> {
  const got: JsonEvent[] = [];
  for await (const event of events) {
    got.push(event);
    if (got.length > limit) throw new Error('more events than expected');
  }
  return got;
}

/**
 * Reads an endless SQS stream until `done()` holds (checked on every event and every 25 ms), then
 * stops it through its signal.
 */
async function pollUntil(
  params: string,
  done: (got: JsonEvent[]) => boolean | Promise<boolean>,
  extra: { stats?: CloudtrailRemoteStats; sqsDelete?: boolean } = {},
): Promise<JsonEvent[]> {
  const controller = new AbortController();
  const got: JsonEvent[] = [];
  const guard = setTimeout(() => controller.abort(), 20_000); // only against a hang: what is missing then fails the test
  const check = async (): Promise<void> => {
    if (!controller.signal.aborted && (await done(got))) controller.abort();
  };
  const ticker = setInterval(() => void check(), 25);
  try {
    for await (const event of openCloudtrail(params, { ...aws.options, waitTimeSeconds: 1, signal: controller.signal, ...extra })) {
      got.push(event);
      await check();
    }
  } finally {
    clearTimeout(guard);
    clearInterval(ticker);
  }
  return got;
}

const names = (events: JsonEvent[]): unknown[] => events.map((e) => e.doc.eventName);

describe('cloudtrail s3://bucket/prefix', () => {
  it('reads every .json and .json.gz object under the prefix once, in key order, and ends', async () => {
    aws.server.createBucket('trail-logs');
    const prefix = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/';
    await aws.put('trail-logs', `${prefix}b.json.gz`, gzipSync(logDocument('RunInstances', 2)));
    await aws.put('trail-logs', `${prefix}a.json`, logDocument('DescribeInstances', 1));
    await aws.put('trail-logs', `${prefix}c.json`, logDocument('StopInstances', 3));
    await aws.put('trail-logs', `${prefix}notes.txt`, 'not a log');
    await aws.put('trail-logs', 'AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/22/x.json', logDocument('OutsidePrefix', 4));

    const events = await collect(openCloudtrail(`s3://trail-logs/${prefix}`, aws.options));
    expect(names(events)).toEqual(['DescribeInstances', 'RunInstances', 'StopInstances']);
    expect(events.map((e) => e.num)).toEqual([1, 2, 3]);
    expect(events[0]?.time).toBe(BigInt(Date.UTC(2026, 10, 22, 10, 0, 1)) * 1_000_000n);

    const everything = await collect(openCloudtrail('s3://trail-logs', aws.options));
    expect(names(everything)).toEqual(['OutsidePrefix', 'DescribeInstances', 'RunInstances', 'StopInstances']);
  });

  it('skips and counts objects that do not decompress or parse, and records without eventTime, and reads the rest', async () => {
    aws.server.createBucket('messy-logs');
    await aws.put('messy-logs', 'logs/1-good.json', logDocument('GoodOne', 1));
    await aws.put('messy-logs', 'logs/2-bad.json.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('garbage')]));
    await aws.put('messy-logs', 'logs/3-broken.json', '{"Records": [');
    await aws.put('messy-logs', 'logs/4-other.json', '{"hello": "world"}');
    await aws.put('messy-logs', 'logs/5-untimed.json', JSON.stringify({ Records: [{ eventName: 'NoTime', eventType: 'AwsApiCall' }, JSON.parse(logDocument('GoodTwo', 5)).Records[0]] }));
    const stats = new CloudtrailRemoteStats();
    const skips: CloudtrailRemoteSkip[] = [];
    const events = await collect(openCloudtrail('s3://messy-logs/logs/', { ...aws.options, stats, onSkip: (s) => skips.push(s) }));
    expect(names(events)).toEqual(['GoodOne', 'GoodTwo']);
    expect(Object.fromEntries(stats.skipped)).toEqual({ 'bad-gzip': 1, 'malformed-json': 1, 'not-cloudtrail': 1, 'missing-event-time': 1 });
    expect(skips.map((s) => s.where)).toContain('s3://messy-logs/logs/2-bad.json.gz');
    expect(stats).toMatchObject({ objects: 5, events: 2 });
  });

  it('follows the listing page after page, keeping key order with downloads running ahead', async () => {
    aws.server.createBucket('paged-trail');
    const keys = Array.from({ length: 7 }, (_, i) => `p/${String(i).padStart(2, '0')}.json`);
    await Promise.all(keys.map((key, i) => aws.put('paged-trail', key, logDocument(`Event${i}`, i))));
    const events = await collect(openCloudtrail('s3://paged-trail/p/', { ...aws.options, listPageSize: 2, downloadConcurrency: 3 }));
    expect(names(events)).toEqual(keys.map((_, i) => `Event${i}`));
  });

  it('throws SAKER_ERR_SOURCE_OPEN for a bucket that does not exist', async () => {
    const error = await collect(openCloudtrail('s3://no-such-bucket/x/', aws.options)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SAKER_ERR_SOURCE_OPEN' });
  });
});

describe('cloudtrail sqs://queue-name', () => {
  it('reads the objects announced by raw S3 notifications, SNS-wrapped ones and CloudTrail SNS notifications, and deletes those messages', async () => {
    aws.server.createBucket('sqs-trail');
    const { queueUrl } = aws.server.createQueue('trail-notifications');
    const { topicArn } = aws.server.createTopic('trail-topic');
    aws.server.subscribe({ topic: 'trail-topic', queue: 'trail-notifications' });
    await aws.put('sqs-trail', 'logs/one.json', logDocument('FromRawS3Event', 1));
    await aws.put('sqs-trail', 'logs/with space.json.gz', gzipSync(logDocument('FromSnsWrappedS3Event', 2)));
    await aws.put('sqs-trail', 'logs/three.json', logDocument('FromCloudtrailSns', 3));
    await aws.put('sqs-trail', 'logs/four.json', logDocument('AlsoFromCloudtrailSns', 4));

    await aws.send(queueUrl, s3EventNotification('sqs-trail', ['logs/one.json']));
    await aws.publish(topicArn, s3EventNotification('sqs-trail', ['logs/with space.json.gz']));
    await aws.publish(topicArn, cloudtrailSnsNotification('sqs-trail', ['logs/three.json', 'logs/four.json']));
    await aws.send(queueUrl, JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'sqs-trail' }));
    await aws.send(queueUrl, 'this is not json');

    const stats = new CloudtrailRemoteStats();
    const events = await pollUntil('sqs://trail-notifications', async (got) => got.length >= 4 && (await aws.depth(queueUrl)) === 0, { stats });
    expect(new Set(names(events))).toEqual(new Set(['FromRawS3Event', 'FromSnsWrappedS3Event', 'FromCloudtrailSns', 'AlsoFromCloudtrailSns']));
    expect(events.map((e) => e.num).sort()).toEqual([1, 2, 3, 4]);
    expect(await aws.depth(queueUrl)).toBe(0);
    expect(stats).toMatchObject({ objects: 4, messages: 5 });
    expect(Object.fromEntries(stats.skipped)).toEqual({ 'test-event': 1, 'bad-message': 1 });
  });

  it('deletes unusable messages with a counted skip, and keeps a message whose object cannot be fetched for SQS to retry', async () => {
    aws.server.createBucket('retry-trail');
    const { queueUrl } = aws.server.createQueue('retry-notifications', { attributes: { VisibilityTimeout: '1' } });
    await aws.send(queueUrl, 'not json at all');
    await aws.send(queueUrl, JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }));
    await aws.send(queueUrl, s3EventNotification('retry-trail', ['logs/late.json']));

    const stats = new CloudtrailRemoteStats();
    // The announced object does not exist yet: the first delivery fails; it is put, and the retry reads it.
    const reading = pollUntil('sqs://retry-notifications', async (got) => got.length >= 1 && (await aws.depth(queueUrl)) === 0, { stats });
    await waitForSkip(stats, 'fetch-failed');
    await aws.put('retry-trail', 'logs/late.json', logDocument('ArrivedLate', 7));
    const events = await reading;
    expect(names(events)).toEqual(['ArrivedLate']);
    expect(stats.skipped.get('bad-message')).toBe(1);
    expect(stats.skipped.get('test-event')).toBe(1);
    expect(stats.skipped.get('fetch-failed')).toBeGreaterThanOrEqual(1);
    expect(await aws.depth(queueUrl)).toBe(0);
  });

  it('with sqsDelete false leaves the messages in the queue', async () => {
    aws.server.createBucket('keep-trail');
    const { queueUrl } = aws.server.createQueue('keep-notifications');
    await aws.put('keep-trail', 'k.json', logDocument('Kept', 1));
    await aws.send(queueUrl, cloudtrailSnsNotification('keep-trail', ['k.json']));
    expect(names(await pollUntil('sqs://keep-notifications', (got) => got.length >= 1, { sqsDelete: false }))).toEqual(['Kept']);
    expect(await aws.depth(queueUrl)).toBe(1);
  });

  it('throws SAKER_ERR_SOURCE_OPEN for a queue that does not exist', async () => {
    const error = await pollUntil('sqs://no-such-queue', () => false).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SAKER_ERR_SOURCE_OPEN' });
  });
});

async function waitForSkip(stats: CloudtrailRemoteStats, reason: 'fetch-failed'): Promise<void> {
  for (let i = 0; i < 400 && (stats.skipped.get(reason) ?? 0) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(stats.skipped.get(reason) ?? 0).toBeGreaterThan(0);
}
