/** The rules loader: Falco rules files → load results with Falco's codes, and compiled rules. */
export { loadRules, DEFAULT_MAX_FILE_BYTES } from './load.js';
export type { LoadOptions, LoadOutcome, RulesSource } from './load.js';
export type { LoadedRule } from './compile-rules.js';
export { LoadResult, FileLoadResult } from './result.js';
export type { LoadProblem, LoadProblemJson, FileLoadResultJson, LoadResultJson } from './result.js';
export type { LoadLocation, LoadPosition, ItemType } from './context.js';
export { LoadContext } from './context.js';
export type { LoadErrorCode, LoadWarningCode } from './codes.js';
export { ERROR_TITLES, WARNING_TITLES, ERROR_CODEDESCS, WARNING_CODEDESCS } from './codes.js';
export { formatLoadReport } from './report.js';
export { exceptionClause } from './exceptions.js';
export type { FieldTables } from './collector.js';
export { DEFAULT_AVAILABLE_PLUGINS, unmetPluginRequirement } from './plugin-requirements.js';
export type { AvailablePlugin, PluginRequirement } from './plugin-requirements.js';
