/** The `k8s_audit` source: audit payload parsing, the replay file reader, and the audit webhook with its on-disk queue. */
export { parseAuditPayload, DEFAULT_MAX_EVENT_SIZE } from './parse.js';
export type { AuditParseOptions, AuditParseResult } from './parse.js';
export { readAuditFile } from './file-reader.js';
export type { AuditFileOptions } from './file-reader.js';
export { AuditReadStats } from './skips.js';
export type { AuditSkip, AuditSkipReason } from './skips.js';
export { startAuditWebhook, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUED } from './webhook.js';
export type { AuditEvent, AuditWebhook, AuditWebhookOptions, AuditWebhookStats } from './webhook.js';
export { parseListenUrl } from './listen-url.js';
export type { ListenAddress } from './listen-url.js';
export { REJECTIONS } from './webhook-rejections.js';
export type { WebhookRejectReason } from './webhook-rejections.js';
