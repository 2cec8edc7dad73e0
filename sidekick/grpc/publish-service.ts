import type { ServerDuplexStream } from '@grpc/grpc-js';
import { parseJson } from '../../contract/index.js';
import type { Ingest } from '../ingest/accept.js';
import { SIDEKICK_ERRORS, type RequestProblem } from '../errors.js';

/** `saker.v1.PublishRequest` as decoded (defaults filled in). */
export interface PublishRequest {
  batch_id: number;
  alerts: string[];
}

/** `saker.v1.PublishAck`. */
export interface PublishAck {
  batch_id: number;
  uuids: string[];
  rejection?: { code: string; message: string; problems: RequestProblem[]; retryable: boolean; retry_after_ms: number };
}

const locate = (index: number) => `/alerts/${index}`;

/**
 * One batch through HTTP ingest's accept step: each entry is decoded as JSON (with long integers kept
 * exact), then validated, enriched, given a uuid and written to the outbox in one transaction.
 */
export function acceptBatch(ingest: Ingest, request: PublishRequest): PublishAck {
  const values: unknown[] = [];
  const problems: RequestProblem[] = [];
  request.alerts.forEach((text, index) => {
    try {
      values.push(parseJson(text));
    } catch (error) {
      problems.push({ path: locate(index), message: `not valid JSON: ${(error as Error).message}` });
    }
  });
  if (problems.length > 0) {
    ingest.rejected('bad_json');
    return {
      batch_id: request.batch_id,
      uuids: [],
      rejection: { code: SIDEKICK_ERRORS.BAD_JSON, message: 'an alert in the batch is not valid JSON', problems, retryable: false, retry_after_ms: 0 },
    };
  }
  const result = ingest.accept(values, locate);
  if (result.ok) return { batch_id: request.batch_id, uuids: result.alerts.map((a) => a.uuid as string) };
  return {
    batch_id: request.batch_id,
    uuids: [],
    rejection: {
      code: result.body.code,
      message: result.body.message,
      problems: result.body.problems ?? [],
      retryable: result.status === 503,
      retry_after_ms: (result.retryAfterSeconds ?? 0) * 1000,
    },
  };
}

/**
 * The `Publish` stream: one ack per batch, in order. When the client stops reading acks, reading its
 * batches pauses too, so an unread stream cannot grow the server's memory.
 */
export function handlePublish(ingest: Ingest, call: ServerDuplexStream<PublishRequest, PublishAck>): void {
  call.on('data', (request: PublishRequest) => {
    // A batch that arrives after the stream was ended (shutdown) could not be acked: keeping it would
    // make the client's resend a duplicate with another uuid, so it is left for the resend alone.
    if (call.writableEnded || call.destroyed) return;
    if (call.write(acceptBatch(ingest, request))) return;
    call.pause();
    call.once('drain', () => call.resume());
  });
  call.on('end', () => call.end());
  // A client that goes away mid-stream is not the server's problem; its unacked batch is resent.
  call.on('error', () => undefined);
}
