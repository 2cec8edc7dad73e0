/**
 * The web UI's alert store: every alert the sidekick accepted, in SQLite, indexed for the UI's filters
 * and full-text search, with retention by age, row count and size.
 *
 * Wiring (the sidekick): `const store = AlertStore.open({ directory: join(config.datadir, 'webui') })`,
 * then `store.add(alert)` for each accepted alert, and `store.close()` on shutdown.
 */
export { AlertStore, GROUP_FIELDS } from './store.js';
export type {
  AlertStoreOptions,
  RetentionOptions,
  StoredAlert,
  InsertedRange,
  GroupField,
  Timeline,
  RetentionResult,
} from './store.js';
export { compileFilter, toFtsQuery } from './filter.js';
export type { AlertFilter } from './filter.js';
export { parseDuration } from './duration.js';
export { timeToMicros } from './time.js';
export { UI_ERRORS } from './errors.js';
export type { UiErrorCode } from './errors.js';
