import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import type { CloudtrailOpenOptions } from '../../../detector/sources/cloudtrail/index.js';
import { FAUXQS_CREDENTIALS, FAUXQS_REGION } from '../../support/peers/fauxqs.js';

/** An S3/SQS/SNS emulator on loopback, with SDK clients for setting up what the reader will find. */
export interface AwsPeer {
  server: FauxqsServer;
  endpoint: string;
  /** What openCloudtrail needs to reach the emulator. */
  options: CloudtrailOpenOptions;
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  send(queueUrl: string, body: string): Promise<void>;
  publish(topicArn: string, message: string): Promise<void>;
  /** Messages still in the queue, visible or in flight. */
  depth(queueUrl: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startAwsPeer(): Promise<AwsPeer> {
  const server = await startFauxqs({ port: 0, logger: false, defaultRegion: FAUXQS_REGION });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const credentials = { accessKeyId: FAUXQS_CREDENTIALS.accesskeyid, secretAccessKey: FAUXQS_CREDENTIALS.secretaccesskey };
  const base = { region: FAUXQS_REGION, endpoint, credentials };
  const s3 = new S3Client({ ...base, forcePathStyle: true });
  const sqs = new SQSClient(base);
  const sns = new SNSClient(base);
  return {
    server,
    endpoint,
    options: { ...base },
    async put(bucket, key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async send(queueUrl, body) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    async publish(topicArn, message) {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    },
    async depth(queueUrl) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
    async stop() {
      s3.destroy();
      sqs.destroy();
      sns.destroy();
      await server.stop();
    },
  };
}

/** An S3 event notification (as S3 sends it to SQS or SNS) announcing `keys` in `bucket`; keys URL-encoded as S3 does. */
export function s3EventNotification(bucket: string, keys: string[]): string {
  return JSON.stringify({
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: FAUXQS_REGION,
      eventTime: '2026-11-22T10:05:00.000Z',
      eventName: 'ObjectCreated:Put',
      s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: 1 } },
    })),
  });
}

/** CloudTrail's own SNS notification of delivered log files. */
export function cloudtrailSnsNotification(bucket: string, keys: string[]): string {
  return JSON.stringify({ s3Bucket: bucket, s3ObjectKey: keys });
}

/** A one-record CloudTrail log document. */
export function logDocument(eventName: string, second: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', accountId: '123456789012', userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice' },
        eventTime: `2026-11-22T10:00:${String(second).padStart(2, '0')}Z`,
        eventSource: 'ec2.amazonaws.com',
        eventName,
        awsRegion: 'us-east-1',
        sourceIPAddress: '203.0.113.7',
        eventType: 'AwsApiCall',
        eventID: `id-${eventName}-${second}`,
        ...extra,
      },
    ],
  });
}
