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

/** Most batches of one stream awaiting their commit before reading from the stream pauses. */
const MAX_UNACKED_BATCHES = 64;

/**
 * One batch through HTTP ingest's accept step: each entry is decoded as JSON (with long integers kept
 * exact), then validated, enriched, given a uuid and committed to the outbox with the other requests
 * of its turn of the event loop. `done` receives the ack: at once for a batch rejected on sight, else
 * inside the commit.
 */
export function acceptBatch(ingest: Ingest, request: PublishRequest, done: (ack: PublishAck) => void): void {
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
    done({
      batch_id: request.batch_id,
      uuids: [],
      rejection: { code: SIDEKICK_ERRORS.BAD_JSON, message: 'an alert in the batch is not valid JSON', problems, retryable: false, retry_after_ms: 0 },
    });
    return;
  }
  ingest.submit(values, locate, (result) => {
    if (result.ok) {
      done({ batch_id: request.batch_id, uuids: result.alerts.map((a) => a.uuid as string) });
      return;
    }
    done({
      batch_id: request.batch_id,
      uuids: [],
      rejection: {
        code: result.body.code,
        message: result.body.message,
        problems: result.body.problems ?? [],
        retryable: result.status === 503,
        retry_after_ms: (result.retryAfterSeconds ?? 0) * 1000,
      },
    });
  });
}

/**
 * The `Publish` stream: one ack per batch, in order (a batch rejected on sight waits behind earlier
 * ones still being committed). Reading pauses while too many batches await their commit or while the
 * client is not reading its acks, so a stream cannot grow the server's memory.
 */
export function handlePublish(ingest: Ingest, call: ServerDuplexStream<PublishRequest, PublishAck>): void {
  const unacked: { ack?: PublishAck }[] = [];
  let awaitingDrain = false;
  let paused = false;
  let ended = false;
  const gone = () => call.writableEnded || call.destroyed;

  const throttle = () => {
    const wantPause = awaitingDrain || unacked.length >= MAX_UNACKED_BATCHES;
    if (wantPause === paused) return;
    paused = wantPause;
    if (paused) call.pause();
    else call.resume();
  };
  const writeAcks = () => {
    for (let head = unacked[0]; head?.ack !== undefined; head = unacked[0]) {
      unacked.shift();
      // A stream that is gone cannot take the ack: the client resends what it did not see acked.
      if (gone() || call.write(head.ack) || awaitingDrain) continue;
      awaitingDrain = true;
      call.once('drain', () => {
        awaitingDrain = false;
        throttle();
      });
    }
    if (ended && unacked.length === 0 && !gone()) call.end();
    throttle();
  };

  call.on('data', (request: PublishRequest) => {
    // A batch that arrives after the stream was ended (shutdown) could not be acked: keeping it would
    // make the client's resend a duplicate with another uuid, so it is left for the resend alone.
    if (gone()) return;
    const slot: { ack?: PublishAck } = {};
    unacked.push(slot);
    acceptBatch(ingest, request, (ack) => {
      slot.ack = ack;
      writeAcks();
    });
    throttle();
  });
  call.on('end', () => {
    ended = true;
    writeAcks();
  });
  // A client that goes away mid-stream is not the server's problem; its unacked batch is resent.
  call.on('error', () => undefined);
}
