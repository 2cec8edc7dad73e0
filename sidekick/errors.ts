/**
 * The sidekick's stable error codes. HTTP error bodies carry them in `code`; tests and clients match on
 * them, never on the message.
 */
export const SIDEKICK_ERRORS = {
  INVALID: 'SAKER_ERR_INGEST_INVALID',
  BAD_JSON: 'SAKER_ERR_INGEST_BAD_JSON',
  TOO_LARGE: 'SAKER_ERR_INGEST_TOO_LARGE',
  MEDIA_TYPE: 'SAKER_ERR_INGEST_MEDIA_TYPE',
  UNAUTHORIZED: 'SAKER_ERR_INGEST_UNAUTHORIZED',
  FORBIDDEN: 'SAKER_ERR_INGEST_FORBIDDEN',
  OUTBOX_FULL: 'SAKER_ERR_OUTBOX_FULL',
  STORE_UNAVAILABLE: 'SAKER_ERR_STORE_UNAVAILABLE',
  SHUTTING_DOWN: 'SAKER_ERR_SHUTTING_DOWN',
  NOT_FOUND: 'SAKER_ERR_NOT_FOUND',
  TEMPLATE: 'SAKER_ERR_TEMPLATE',
  INTERNAL: 'SAKER_ERR_INTERNAL',
} as const;

export type SidekickErrorCode = (typeof SIDEKICK_ERRORS)[keyof typeof SIDEKICK_ERRORS];

/** One located problem in a request body (JSON pointer and what is wrong there). */
export interface RequestProblem {
  path: string;
  message: string;
}

/** The JSON body of every 4xx/5xx the sidekick sends. */
export interface ErrorBody {
  code: SidekickErrorCode;
  message: string;
  problems?: RequestProblem[];
}
