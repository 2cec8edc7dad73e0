import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

/** Static test credentials: fauxqs does not check them, but the SDK signs every request. */
export const FAUXQS_CREDENTIALS = { accesskeyid: 'AKIASAKERTEST', secretaccesskey: 'saker-test-secret' } as const;
export const FAUXQS_REGION = 'us-east-1';

/** A topic with an SQS queue subscribed to it. */
export interface SubscribedTopic {
  topicArn: string;
  queueUrl: string;
}

/** An SNS/SQS emulator on loopback, with helpers to wire a topic to a queue and read what arrived. */
export interface SnsPeer {
  server: FauxqsServer;
  /** Endpoint for `aws.sns.endpoint`. */
  endpoint: string;
  /** Creates `name` (a `.fifo` name makes a FIFO topic and queue) and subscribes a queue; `raw` sets RawMessageDelivery. */
  topicWithQueue(name: string, options?: { raw?: boolean }): SubscribedTopic;
  /** Receives (and deletes) messages until `count` arrived or `timeoutMs` passed. */
  receive(queueUrl: string, count: number, timeoutMs?: number): Promise<Message[]>;
  stop(): Promise<void>;
}

export async function startSnsPeer(): Promise<SnsPeer> {
  const server = await startFauxqs({ port: 0, logger: false, defaultRegion: FAUXQS_REGION });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sqs = new SQSClient({
    region: FAUXQS_REGION,
    endpoint,
    credentials: { accessKeyId: FAUXQS_CREDENTIALS.accesskeyid, secretAccessKey: FAUXQS_CREDENTIALS.secretaccesskey },
  });
  return {
    server,
    endpoint,
    topicWithQueue(name, options = {}) {
      const fifo = name.endsWith('.fifo');
      const { topicArn } = server.createTopic(name, fifo ? { attributes: { FifoTopic: 'true' } } : {});
      const queueName = fifo ? `${name.slice(0, -5)}-q.fifo` : `${name}-q`;
      const { queueUrl } = server.createQueue(queueName, fifo ? { attributes: { FifoQueue: 'true' } } : {});
      server.subscribe({ topic: name, queue: queueName, ...(options.raw ? { attributes: { RawMessageDelivery: 'true' } } : {}) });
      return { topicArn, queueUrl };
    },
    async receive(queueUrl, count, timeoutMs = 10_000) {
      const got: Message[] = [];
      const deadline = Date.now() + timeoutMs;
      while (got.length < count && Date.now() < deadline) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        for (const message of Messages) {
          got.push(message);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
      return got;
    },
    async stop() {
      sqs.destroy();
      await server.stop();
    },
  };
}
