import type { Alert } from '../../contract/index.js';

/** What became of one attempt to hand a batch of alerts to the sidekick. */
export type SinkResult =
  | { ok: true }
  /** Try the same batch again later (network error, 408, 429, 5xx). */
  | { ok: false; permanent: false; reason: string; retryAfterMs?: number }
  /** The receiver rejected the batch as invalid: retrying cannot help, so it is dropped and counted. */
  | { ok: false; permanent: true; reason: string };

/** Where the detector sends alerts: the sidekick over HTTP (or, later, gRPC). */
export interface AlertSink {
  /** Delivers the whole batch or nothing; a failure means the batch is retried as a whole. */
  send(alerts: readonly Alert[]): Promise<SinkResult>;
  close(): Promise<void>;
}
