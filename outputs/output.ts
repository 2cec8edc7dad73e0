import type { Alert } from '../contract/index.js';

/**
 * What a delivery attempt came to. The sidekick's delivery layer (not the output) decides what to do:
 * retry with backoff (honouring `retryAfterMs`), or dead-letter a permanent failure.
 */
export type DeliveryResult =
  | { status: 'ok' }
  | { status: 'retryable'; reason: string; retryAfterMs?: number }
  | { status: 'permanent'; reason: string }
  /**
   * Not attempted: the output holds the alert back itself (its own rate limit) until `retryAfterMs`
   * from now. Not a failure: it uses up no attempt and grows no backoff, so alerts held back together
   * fall due together (and Slack can post them as one digest).
   */
  | { status: 'deferred'; reason: string; retryAfterMs: number };

/** Passed to every send: cancellation (timeouts, shutdown) and where to log. */
export interface SendContext {
  signal: AbortSignal;
  log: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /**
   * Each alert's JSON exactly as `stringifyJson(alert)` writes it, when the caller already has it (the
   * outbox stores it): outputs that send the alert JSON as is use it instead of serialising again.
   */
  json?: readonly string[];
}

/**
 * One configured output instance (a Slack channel, a Kafka topic, …). It maps alerts to the peer's
 * payload and moves them over the transport; it holds no retry, rate-limit or filter logic.
 */
export interface Output {
  /** Output type, as in the registry: `slack`, `kafka`, `sns`, `webhook`, `webui`. */
  readonly type: string;
  /** Instance name, unique among outputs (`slack`, or `slack.prod` for a named instance). */
  readonly name: string;
  /** Largest batch `send` accepts; 1 for outputs that deliver alerts one at a time. */
  readonly maxBatch: number;
  /**
   * Milliseconds the delivery queue may wait, once it has sent everything due, before reading alerts
   * that arrive afterwards, so they reach `send` together: for an output whose cost is mostly per
   * batch (a transaction and its commit) rather than per alert. An alert on an otherwise idle sidekick
   * is then sent at most this much later. Retries, a backlog (a read that found a full batch) and
   * shutdown are never delayed. Undefined (or 0): read as soon as alerts arrive.
   */
  readonly lingerMs?: number;
  /**
   * Delivers a batch (length ≤ maxBatch). Returns one result per alert, in order, so partial
   * failures of batched APIs (SNS PublishBatch) are reported per alert.
   */
  send(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult[]>;
  /** Releases connections; pending sends may be aborted. */
  close(): Promise<void>;
}
