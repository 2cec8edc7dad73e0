/** The `k8s_audit` source: audit payload parsing (shared with the webhook) and the replay file reader. */
export { parseAuditPayload, DEFAULT_MAX_EVENT_SIZE } from './parse.js';
export type { AuditParseOptions, AuditParseResult } from './parse.js';
export { readAuditFile } from './file-reader.js';
export type { AuditFileOptions } from './file-reader.js';
export { AuditReadStats } from './skips.js';
export type { AuditSkip, AuditSkipReason } from './skips.js';
