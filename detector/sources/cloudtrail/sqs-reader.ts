import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { SakerError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import type { TimedDocument } from '../json-event.js';
import { fetchObjectEvents, remoteReporter, type CloudtrailRemoteOptions } from './s3-reader.js';
import { parseNotification } from './sqs-notifications.js';

export interface CloudtrailSqsOptions extends CloudtrailRemoteOptions {
  /**
   * Delete each message once the objects it announces have been read (default true, the plugin's
   * `sqsDelete`). With false, messages come back after their visibility timeout.
   */
  sqsDelete?: boolean;
  /** Long-poll wait per ReceiveMessage, 0–20 s (default 20). */
  waitTimeSeconds?: number;
  log?: Logger;
}

/** Backoff after a failed receive: doubles from 1 s to 30 s. */
const RECEIVE_BACKOFF_MS = { initial: 1_000, max: 30_000 };

/**
 * Polls an SQS queue (by name, as `sqs://<name>`) for notifications of new CloudTrail log objects
 * and yields the events of each object, until `signal` aborts; the plugin's sqs:// mode.
 *
 * A message is deleted only after every object it announces was read and its events were taken by
 * the consumer, so a crash mid-message makes SQS deliver it again (at-least-once). A message that can
 * never be read (not a notification, S3's test event) is reported and deleted; one whose object
 * could not be fetched is kept, so SQS retries it after its visibility timeout (and a redrive policy
 * can park it). A failed receive is counted and retried with backoff. An unknown queue throws
 * `SAKER_ERR_SOURCE_OPEN`.
 */
export async function* pollCloudtrailSqs(sqs: SQSClient, s3: S3Client, queueName: string, options: CloudtrailSqsOptions = {}): AsyncGenerator<TimedDocument> {
  const { stats, report } = remoteReporter(options);
  const { signal } = options;
  const where = `sqs://${queueName}`;
  // A function, not a narrowed expression: the signal flips while this generator awaits.
  const stopped = (): boolean => signal?.aborted === true;
  let queueUrl: string | undefined;
  try {
    queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }), { abortSignal: signal })).QueueUrl;
  } catch (cause) {
    if (stopped()) return;
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot find the SQS queue ${queueName}`, { cause });
  }
  if (queueUrl === undefined) throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot find the SQS queue ${queueName}`);

  const remove = async (message: Message): Promise<void> => {
    if (options.sqsDelete === false || message.ReceiptHandle === undefined) return;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }), { abortSignal: signal });
  };

  let backoff = RECEIVE_BACKOFF_MS.initial;
  while (!stopped()) {
    let messages: Message[];
    try {
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: options.waitTimeSeconds ?? 20 }),
        { abortSignal: signal },
      );
      messages = received.Messages ?? [];
      backoff = RECEIVE_BACKOFF_MS.initial;
    } catch (error) {
      if (stopped()) return;
      stats.receiveErrors++;
      options.log?.warn({ err: error, queue: queueName, retryInMs: backoff }, 'cloudtrail: SQS receive failed');
      await sleep(backoff, undefined, { signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, RECEIVE_BACKOFF_MS.max);
      continue;
    }
    for (const message of messages) {
      stats.messages++;
      const outcome = parseNotification(message.Body);
      if ('skip' in outcome) {
        report({ reason: outcome.skip, where: `${where}#${message.MessageId ?? '?'}`, detail: outcome.detail });
        await remove(message).catch((error: unknown) => options.log?.warn({ err: error }, 'cloudtrail: SQS delete failed'));
        continue;
      }
      let everyObjectRead = true;
      for (const { bucket, key } of outcome.objects) {
        let events;
        try {
          events = await fetchObjectEvents(s3, bucket, key, report, signal);
        } catch (error) {
          if (stopped()) return;
          throw error;
        }
        if (events === undefined) {
          everyObjectRead = false;
          continue;
        }
        stats.objects++;
        for (const event of events) {
          stats.events++;
          yield event;
        }
      }
      if (stopped()) return;
      if (everyObjectRead) await remove(message).catch((error: unknown) => options.log?.warn({ err: error }, 'cloudtrail: SQS delete failed'));
    }
  }
}
