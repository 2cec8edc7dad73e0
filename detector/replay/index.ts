/** Offline evaluation of capture files (`saker replay`). */
export { replay, ReplayRulesError } from './replay.js';
export type { ReplayOptions, ReplaySummary } from './replay.js';
export { REPLAY_SOURCES } from './sources.js';
export type { ReplaySource, ReplayRun } from './sources.js';
