import { createHash } from 'node:crypto';
import { PublishBatchCommand, PublishCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import type { Alert } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import type { OutputCreateOptions } from '../create-options.js';
import { OUTPUT_ERROR_CODES } from '../errors.js';
import type { DeliveryResult, Output, SendContext } from '../output.js';
import { repeatResult } from '../results.js';
import { outputFieldText } from '../template.js';
import type { AwsConfig } from './config.js';
import { messageBytes, SNS_LIMITS, snsMessage } from './message.js';
import { assumeRoleCredentials, type AssumedRoleCredentials } from './assume-role.js';

const GROUP_KEYS: Readonly<Record<string, (alert: Alert) => string>> = {
  hostname: (a) => a.hostname,
  rule: (a) => a.rule,
  priority: (a) => a.priority,
  source: (a) => a.source,
};

/** Error names SNS answers for a request that will fail again however often it is sent. */
const PERMANENT_NAMES: ReadonlySet<string> = new Set([
  'NotFoundException',
  'NotFound',
  'InvalidParameterException',
  'InvalidParameter',
  'InvalidParameterValueException',
  'InvalidParameterValue',
  'AuthorizationErrorException',
  'AuthorizationError',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'AccessDenied',
  'AccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
  'InvalidSecurityException',
  'CredentialsProviderError',
  'BatchRequestTooLongException',
  'BatchEntryIdsNotDistinctException',
]);

/** Classifies an SDK failure: throttling, 5xx and network errors retryable; bad requests, auth and missing topics permanent. */
export function resultForSnsError(error: unknown): DeliveryResult {
  const e = error as { name?: string; message?: string; $fault?: 'client' | 'server'; $metadata?: { httpStatusCode?: number } };
  const reason = `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
  if (e.name && PERMANENT_NAMES.has(e.name)) return { status: 'permanent', reason };
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault === 'client' && status !== undefined && status !== 408 && status !== 429 && !/thrott/i.test(e.name ?? '')) {
    return { status: 'permanent', reason };
  }
  return { status: 'retryable', reason };
}

function groupKeyOf(spec: string, name: string): (alert: Alert) => string {
  const named = GROUP_KEYS[spec];
  if (named) return named;
  if (spec.startsWith('output_fields.') && spec.length > 'output_fields.'.length) {
    const field = spec.slice('output_fields.'.length);
    return (alert) => outputFieldText(alert.output_fields[field]);
  }
  throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${name}: aws.sns.messagegroupid '${spec}' is not hostname, rule, priority, source or output_fields.<name>`);
}

interface Entry {
  alert: Alert;
  body: string;
  attributes: PublishBatchRequestEntry['MessageAttributes'];
  bytes: number;
}

/**
 * Publishes alerts to an SNS topic: one Publish for a single alert, PublishBatch (≤ 10 entries and
 * ≤ 256 KiB per call) for more, with per-entry results. FIFO topics get a message group and the alert
 * uuid as deduplication id, so a redelivery by the delivery layer is dropped by SNS.
 */
export class SnsOutput implements Output {
  readonly type = 'sns';
  readonly maxBatch: number;
  readonly #config: AwsConfig;
  readonly #client: SNSClient;
  readonly #fifo: boolean;
  readonly #group: (alert: Alert) => string;
  readonly #role: AssumedRoleCredentials | undefined;

  constructor(config: AwsConfig, readonly name: string, options: OutputCreateOptions = {}) {
    this.#config = config;
    const arn = config.sns.topicarn;
    if (arn === '') throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${name}: aws.sns.topicarn is required`);
    if ((config.accesskeyid === '') !== (config.secretaccesskey === '')) {
      throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${name}: aws.accesskeyid and aws.secretaccesskey must be set together`);
    }
    this.maxBatch = config.sns.maxbatch;
    this.#fifo = arn.endsWith('.fifo');
    this.#group = groupKeyOf(config.sns.messagegroupid, name);
    // arn:aws:sns:<region>:<account>:<topic>
    const region = config.region || arn.split(':')[3] || undefined;
    const keys = config.accesskeyid ? { accessKeyId: config.accesskeyid, secretAccessKey: config.secretaccesskey } : undefined;
    // With a role, the access keys (or the default chain) only sign the STS call; SNS gets the role's.
    this.#role =
      config.rolearn === ''
        ? undefined
        : assumeRoleCredentials({
            roleArn: config.rolearn,
            externalId: config.externalid,
            ...(region ? { region } : {}),
            ...(config.stsendpoint ? { endpoint: config.stsendpoint } : {}),
            ...(keys ? { baseCredentials: keys } : {}),
            ...(options.now ? { now: options.now } : {}),
          });
    const credentials = this.#role ?? keys;
    this.#client = new SNSClient({
      ...(region ? { region } : {}),
      ...(config.sns.endpoint ? { endpoint: config.sns.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
      // Retries and backoff are the delivery layer's; the SDK reports the first failure.
      maxAttempts: 1,
    });
  }

  #entry(alert: Alert): Entry {
    const { body, attributes } = snsMessage(alert, this.#config.sns.rawjson);
    return { alert, body, attributes, bytes: messageBytes(body, attributes) };
  }

  #fifoFields(alert: Alert, body: string): { MessageGroupId?: string; MessageDeduplicationId?: string } {
    if (!this.#fifo) return {};
    const dedup = alert.uuid ?? createHash('sha256').update(body).digest('hex');
    return { MessageGroupId: this.#group(alert) || 'saker', MessageDeduplicationId: dedup };
  }

  async send(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult[]> {
    const entries = alerts.map((alert) => this.#entry(alert));
    const results: DeliveryResult[] = new Array<DeliveryResult>(entries.length);
    // Calls of at most 10 entries and 256 KiB in total; an entry over the limit on its own is refused.
    let chunk: number[] = [];
    let chunkBytes = 0;
    const chunks: number[][] = [];
    entries.forEach((entry, index) => {
      if (entry.bytes > SNS_LIMITS.bytes) {
        results[index] = { status: 'permanent', reason: `message of ${entry.bytes} bytes exceeds SNS's ${SNS_LIMITS.bytes}` };
        return;
      }
      if (chunk.length === this.maxBatch || chunkBytes + entry.bytes > SNS_LIMITS.bytes) {
        chunks.push(chunk);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push(index);
      chunkBytes += entry.bytes;
    });
    if (chunk.length > 0) chunks.push(chunk);
    for (const indexes of chunks) {
      const chunkResults = await this.#publish(indexes.map((i) => entries[i]!), context.signal);
      indexes.forEach((i, n) => (results[i] = chunkResults[n]!));
    }
    return results;
  }

  async #publish(entries: readonly Entry[], signal: AbortSignal): Promise<DeliveryResult[]> {
    const topic = this.#config.sns.topicarn;
    try {
      if (entries.length === 1) {
        const [entry] = entries as [Entry];
        await this.#client.send(
          new PublishCommand({
            TopicArn: topic,
            Message: entry.body,
            ...(entry.attributes ? { MessageAttributes: entry.attributes } : {}),
            ...this.#fifoFields(entry.alert, entry.body),
          }),
          { abortSignal: signal },
        );
        return [{ status: 'ok' }];
      }
      const response = await this.#client.send(
        new PublishBatchCommand({
          TopicArn: topic,
          PublishBatchRequestEntries: entries.map((entry, n) => ({
            Id: String(n),
            Message: entry.body,
            ...(entry.attributes ? { MessageAttributes: entry.attributes } : {}),
            ...this.#fifoFields(entry.alert, entry.body),
          })),
        }),
        { abortSignal: signal },
      );
      const failed = new Map((response.Failed ?? []).map((f) => [f.Id, f]));
      return entries.map((_, n): DeliveryResult => {
        const failure = failed.get(String(n));
        if (!failure) return { status: 'ok' };
        const reason = `${failure.Code ?? 'Failed'}: ${failure.Message ?? ''}`;
        // SenderFault: the entry itself is wrong; otherwise SNS had trouble and may accept it later.
        return failure.SenderFault ? { status: 'permanent', reason } : { status: 'retryable', reason };
      });
    } catch (error) {
      return repeatResult(resultForSnsError(error), entries.length);
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
    this.#role?.close();
  }
}
