import { CompressionTypes, Kafka, logLevel, type IHeaders, type Message, type Producer, type SASLOptions } from 'kafkajs';
import { stringifyJson, type Alert } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import type { OutputCreateOptions } from '../create-options.js';
import { OUTPUT_ERROR_CODES } from '../errors.js';
import type { DeliveryResult, Output, SendContext } from '../output.js';
import { resultForTransportError } from '../results.js';
import { outputFieldText } from '../template.js';
import { loadTlsOptions } from '../tls.js';
import type { KafkaConfig } from './config.js';
import { BALANCERS } from './partitioners.js';
import { batchBytes, recordBytes, runEnd } from './record-size.js';

const SASL_MECHANISMS: Readonly<Record<string, 'plain' | 'scram-sha-256' | 'scram-sha-512'>> = {
  PLAIN: 'plain',
  SCRAM_SHA256: 'scram-sha-256',
  'SCRAM-SHA-256': 'scram-sha-256',
  SCRAM_SHA512: 'scram-sha-512',
  'SCRAM-SHA-512': 'scram-sha-512',
};

const ACKS: Readonly<Record<string, number>> = { ALL: -1, ONE: 1, NONE: 0 };

const COMPRESSION: Readonly<Record<string, CompressionTypes>> = { NONE: CompressionTypes.None, GZIP: CompressionTypes.GZIP };

const KEYS: Readonly<Record<string, (alert: Alert) => string>> = {
  hostname: (a) => a.hostname,
  rule: (a) => a.rule,
  priority: (a) => a.priority,
  source: (a) => a.source,
};

function configError(name: string, message: string): SakerError {
  return new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${name}: ${message}`);
}

function keyOf(spec: string, name: string): ((alert: Alert) => string) | undefined {
  if (spec === '') return undefined;
  const named = KEYS[spec];
  if (named) return named;
  if (spec.startsWith('output_fields.') && spec.length > 'output_fields.'.length) {
    const field = spec.slice('output_fields.'.length);
    return (alert) => outputFieldText(alert.output_fields[field]);
  }
  throw configError(name, `kafka.key '${spec}' is not hostname, rule, priority, source or output_fields.<name>`);
}

/** Error names that no resend can fix: authentication and protocol mismatches. */
const PERMANENT_ERRORS: ReadonlySet<string> = new Set(['KafkaJSSASLAuthenticationError', 'KafkaJSServerDoesNotSupportApiKey', 'KafkaJSUnsupportedMagicByteInMessageSet']);

/** A kafkajs error as the classifiers below read it. */
interface KafkaError {
  name?: string;
  message?: string;
  retriable?: boolean;
  code?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/** The error behind kafkajs's wrapper for the last attempt, which it adds once its own (here minimal) retries run out. */
function innermostKafkaError(error: unknown): KafkaError {
  let e = (error ?? {}) as KafkaError;
  while (e.name === 'KafkaJSNumberOfRetriesExceeded' && (e.cause ?? e.originalError)) e = (e.cause ?? e.originalError) as KafkaError;
  return e;
}

/**
 * Classifies a kafkajs failure: broker down, timeouts, leader changes are retryable; authentication
 * and non-retriable protocol errors (topic authorization, message too large) are permanent. `send`
 * answers a too-large refusal of several alerts itself, by producing them in smaller requests.
 */
export function resultForKafkaError(error: unknown): Extract<DeliveryResult, { status: 'permanent' | 'retryable' }> {
  const e = innermostKafkaError(error);
  const reason = `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
  if (PERMANENT_ERRORS.has(e.name ?? '')) return { status: 'permanent', reason };
  if (e.name === 'KafkaJSProtocolError' && e.retriable === false) return { status: 'permanent', reason };
  // A TLS certificate the client refuses fails alike on every attempt: permanent, as for every output.
  if (e.name === 'KafkaJSConnectionError' && resultForTransportError(e).status === 'permanent') return { status: 'permanent', reason };
  return { status: 'retryable', reason };
}

/**
 * Kafka error codes by which a broker refuses a produce as too big (Kafka protocol error table):
 * MESSAGE_TOO_LARGE, a partition's record batch above the topic's `max.message.bytes`; RECORD_LIST_TOO_LARGE,
 * above its `segment.bytes`. kafkajs marks both non-retriable, yet fewer records per produce can fix them.
 */
const SIZE_REFUSALS: ReadonlyMap<number, string> = new Map([
  [10, 'MESSAGE_TOO_LARGE'],
  [18, 'RECORD_LIST_TOO_LARGE'],
]);

/** The size refusal behind a kafkajs failure, if it is one. */
function sizeRefusal(error: unknown): string | undefined {
  const e = innermostKafkaError(error);
  return e.name === 'KafkaJSProtocolError' && typeof e.code === 'number' ? SIZE_REFUSALS.get(e.code) : undefined;
}

/**
 * Produces each alert as its JSON to one topic, with a configurable key and headers `priority`,
 * `rule`, `source`, `hostname`. A batch goes out as consecutive produce requests of at most
 * `maxbatchbytes` each, in order; a request the broker refuses as too big is sent again cut smaller, and
 * the budget stays lowered for later batches. An alert the broker refuses on its own is permanent.
 */
export class KafkaOutput implements Output {
  readonly type = 'kafka';
  readonly maxBatch: number;
  readonly #config: KafkaConfig;
  readonly #producer: Producer;
  readonly #acks: number;
  readonly #compression: CompressionTypes;
  readonly #key: ((alert: Alert) => string) | undefined;
  /** Most bytes per produce: `maxbatchbytes`, lowered when the broker refuses a request that size. */
  #budget: number;
  #connected: Promise<void> | undefined;

  constructor(config: KafkaConfig, readonly name: string, options: OutputCreateOptions = {}) {
    this.#config = config;
    this.maxBatch = config.maxbatch;
    this.#budget = config.maxbatchbytes;
    if (config.topic === '') throw configError(name, 'kafka.topic is required');
    const acks = ACKS[config.requiredacks.toUpperCase()];
    if (acks === undefined) throw configError(name, `kafka.requiredacks '${config.requiredacks}' is not ALL, ONE or NONE`);
    this.#acks = acks;
    const compression = COMPRESSION[config.compression.toUpperCase()];
    if (compression === undefined) {
      throw configError(name, `kafka.compression '${config.compression}' is not available (NONE or GZIP; other codecs are not installed)`);
    }
    this.#compression = compression;
    const partitioner = BALANCERS[config.balancer.toLowerCase()];
    if (!partitioner) throw configError(name, `kafka.balancer '${config.balancer}' is not one of ${Object.keys(BALANCERS).join(', ')}`);
    this.#key = keyOf(config.key, name);
    let sasl: SASLOptions | undefined;
    if (config.sasl !== '') {
      const mechanism = SASL_MECHANISMS[config.sasl.toUpperCase()];
      if (!mechanism) throw configError(name, `kafka.sasl '${config.sasl}' is not PLAIN, SCRAM_SHA256 or SCRAM_SHA512`);
      sasl = { mechanism, username: config.username, password: config.password } as SASLOptions;
    }
    const brokers = config.hostport.split(',').map((b) => b.trim()).filter((b) => b !== '');
    if (brokers.length === 0) throw configError(name, 'kafka.hostport is required');
    const kafka = new Kafka({
      brokers,
      clientId: config.clientid || 'saker',
      ssl: config.tls ? loadTlsOptions(config, name, options) : false,
      ...(sasl ? { sasl } : {}),
      requestTimeout: config.timeout,
      connectionTimeout: Math.min(config.timeout, 3000),
      // Failures go back to the delivery layer as results; kafkajs's own log would only repeat them.
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const idempotent = config.idempotent && acks === -1;
    this.#producer = kafka.producer({
      createPartitioner: partitioner,
      allowAutoTopicCreation: config.topiccreation,
      idempotent,
      maxInFlightRequests: idempotent ? 1 : 5,
      // The idempotent producer refuses to run without retries; one is enough to keep its sequence numbers honest,
      // everything beyond is the delivery layer's job.
      retry: { retries: idempotent ? 1 : 0, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }

  #message(alert: Alert, json: string | undefined): Message {
    const headers: IHeaders = { priority: alert.priority, rule: alert.rule, source: alert.source, hostname: alert.hostname };
    return { ...(this.#key ? { key: this.#key(alert) } : {}), value: json ?? stringifyJson(alert), headers };
  }

  #connect(): Promise<void> {
    this.#connected ??= this.#producer.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    return this.#connected;
  }

  async send(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult[]> {
    const aborted = new Promise<never>((_, reject) => {
      if (context.signal.aborted) reject(new Error('send aborted'));
      context.signal.addEventListener('abort', () => reject(new Error('send aborted')), { once: true });
    });
    aborted.catch(() => {});
    const messages = alerts.map((alert, i) => this.#message(alert, context.json?.[i]));
    const sizes = messages.map(recordBytes);
    const results: DeliveryResult[] = [];
    const settle = (end: number, result: DeliveryResult) => {
      while (results.length < end) results.push(result);
    };
    let start = 0;
    while (start < alerts.length) {
      const end = runEnd(sizes, this.#budget, start);
      try {
        await this.#produce(messages.slice(start, end), context.signal, aborted);
        settle(end, { status: 'ok' });
        start = end;
        continue;
      } catch (error) {
        const refusal = sizeRefusal(error);
        if (refusal === undefined) {
          const result = resultForKafkaError(error);
          settle(end, result);
          // Later records wait: sending them now would put them ahead of these in their partitions.
          settle(alerts.length, { status: 'retryable', reason: `not sent: an earlier produce of this batch failed (${result.reason})` });
          break;
        }
        const bytes = batchBytes(sizes, start, end);
        if (end - start === 1) {
          settle(end, {
            status: 'permanent',
            reason:
              `${refusal}: the broker refuses this alert on its own (${bytes} bytes as a record batch); ` +
              `more than the topic takes in one (max.message.bytes; broker message.max.bytes, 1048588 by default)`,
          });
          start = end;
          continue;
        }
        // Same records again, cut at most half that size: the loop ends, as a single record is answered above.
        this.#budget = Math.min(this.#budget, Math.floor(bytes / 2));
        context.log.warn(
          { output: this.name, refused: refusal, bytes, budget: this.#budget },
          `kafka: the broker refused a ${bytes}-byte produce as too large; producing at most ${this.#budget} bytes per request from now on (set kafka.maxbatchbytes below the topic's max.message.bytes)`,
        );
      }
    }
    return results;
  }

  /** One produce request; `aborted` rejects once the delivery layer gave up on this send. */
  async #produce(messages: Message[], signal: AbortSignal, aborted: Promise<never>): Promise<void> {
    if (signal.aborted) throw new Error('send aborted');
    const work = (async () => {
      await this.#connect();
      await this.#producer.send({
        topic: this.#config.topic,
        acks: this.#acks,
        compression: this.#compression,
        timeout: this.#config.timeout,
        messages,
      });
    })();
    // An aborted send still settles later; its outcome is no longer anyone's to report.
    work.catch(() => {});
    await Promise.race([work, aborted]);
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}
