/** Why the audit webhook refused a request; each has one status and one stable code. */
export type WebhookRejectReason =
  | 'unauthorized' // a token is configured and the request carries none
  | 'forbidden' // the request carries a token, but not the configured one
  | 'not-found' // a path other than the configured one
  | 'method-not-allowed' // anything but POST on the webhook path
  | 'media-type' // a Content-Type other than application/json
  | 'too-large' // the body is over maxBodyBytes
  | 'malformed-json' // the body is empty or not JSON
  | 'batch-over-queue-bound' // more events in one request than the queue can ever hold
  | 'queue-full' // the on-disk queue is at maxQueued: retry later
  | 'closing' // the webhook is shutting down
  | 'storage-error' // the queue could not be written (disk full, I/O error)
  | 'bad-request' // any other malformed request HTTP itself refuses (bad URL, bad headers)
  | 'internal'; // a fault of ours, logged

/** Status, error code and message of each rejection: one table, read by the handler and the error hook. */
export const REJECTIONS: Readonly<Record<WebhookRejectReason, { status: number; code: string; message: string }>> = {
  unauthorized: { status: 401, code: 'SAKER_ERR_AUDIT_UNAUTHORIZED', message: 'a bearer token is required' },
  forbidden: { status: 403, code: 'SAKER_ERR_AUDIT_FORBIDDEN', message: 'the bearer token was rejected' },
  'not-found': { status: 404, code: 'SAKER_ERR_AUDIT_NOT_FOUND', message: 'no such path: audit events are accepted on the configured path only' },
  'method-not-allowed': { status: 405, code: 'SAKER_ERR_AUDIT_METHOD', message: 'audit events must be sent with POST' },
  'media-type': { status: 415, code: 'SAKER_ERR_AUDIT_MEDIA_TYPE', message: 'the request body must be sent as application/json' },
  'too-large': { status: 413, code: 'SAKER_ERR_AUDIT_TOO_LARGE', message: 'the request body is larger than the webhook accepts' },
  'malformed-json': { status: 400, code: 'SAKER_ERR_AUDIT_BAD_JSON', message: 'the request body is not valid JSON' },
  'batch-over-queue-bound': { status: 413, code: 'SAKER_ERR_AUDIT_BATCH_TOO_LARGE', message: 'the request holds more events than the queue can ever hold' },
  'queue-full': { status: 503, code: 'SAKER_ERR_AUDIT_QUEUE_FULL', message: 'the audit event queue is full; retry later' },
  closing: { status: 503, code: 'SAKER_ERR_AUDIT_CLOSING', message: 'the audit webhook is shutting down; retry later' },
  'storage-error': { status: 500, code: 'SAKER_ERR_AUDIT_STORAGE', message: 'the audit event queue could not be written' },
  'bad-request': { status: 400, code: 'SAKER_ERR_AUDIT_BAD_REQUEST', message: 'the request is malformed' },
  internal: { status: 500, code: 'SAKER_ERR_AUDIT_INTERNAL', message: 'internal error' },
};

/** Seconds a client is asked to wait (Retry-After) after a 503. */
export const RETRY_AFTER_SECONDS = 5;
