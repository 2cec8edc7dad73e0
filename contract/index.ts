/** The alert contract shared by detector, sidekick and outputs. Nothing else crosses those borders. */
export { PRIORITIES, parsePriority, prioritySeverity, comparePriority, meetsMinimum } from './priority.js';
export type { Priority } from './priority.js';
export type { Alert, OutputFieldValue } from './alert.js';
export { AlertSchema, IncomingAlertSchema, DEFAULT_SOURCE, parseIncomingAlert, isAlert } from './alert-schema.js';
export type { IncomingAlert, AlertProblem, AlertParseResult } from './alert-schema.js';
export { formatNanoTime, formatLocalClock, nowNanos } from './time.js';
export { ALERT_SCHEMA_VERSION } from './version.js';
export { parseJson, stringifyJson, markLongIntegers, reviveLongIntegers } from './json.js';
export { timeOrderedUuid } from './uuid.js';
