/** The rules engine's public surface: load Falco rules files, evaluate events, report like Falco. */
export { Engine } from './engine.js';
export type { EngineOptions } from './engine.js';
export { loadRules, formatLoadReport, LoadResult, FileLoadResult, DEFAULT_MAX_FILE_BYTES } from './loader/index.js';
export type {
  LoadOptions,
  LoadOutcome,
  RulesSource,
  LoadedRule,
  LoadResultJson,
  FileLoadResultJson,
  LoadProblemJson,
  LoadLocation,
  LoadPosition,
  LoadErrorCode,
  LoadWarningCode,
  FieldTables,
} from './loader/index.js';
export { parseCondition, printCondition, ConditionSyntaxError } from './condition/index.js';
export { compileCondition, CompileError } from './eval/index.js';
export type { CompiledCondition } from './eval/index.js';
export { compileOutput, OutputCompileError } from './output/index.js';
export type { CompiledOutput, FormattedOutput } from './output/index.js';
export { RuleIndex } from './index-by-type/index.js';
export type { RuleMatching } from './index-by-type/index.js';
export type { FieldTable, FieldSpec } from './fields.js';
export type { Expr } from './ast.js';
export { FALCO_ENGINE_VERSION } from './version.js';
