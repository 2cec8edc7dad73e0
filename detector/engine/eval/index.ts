/** The condition compiler: expanded AST + field table → closures, event types and warnings. */
export { compileCondition, MAX_COMPILED_DEPTH } from './compile.js';
export type { CompiledCondition } from './compile.js';
export { CompileError } from './compile-error.js';
export type { CompileReason } from './compile-error.js';
export type { CompileWarning } from './warnings.js';
export { lookupField, resolveField } from './resolve-field.js';
export type { ResolvedField } from './resolve-field.js';
export { compileOperand, compileTransformerArg } from './operand.js';
export type { Operand } from './operand.js';
export { conditionEventTypes } from './evttypes.js';
export { conditionGuards } from './guards.js';
export type { FieldGuard } from './guards.js';
export { ExtractionMemo, memoizedTable } from './extraction-memo.js';
export { compileGlob } from './glob.js';
export { compilePathPrefixes } from './path-prefix.js';
export { valueToText } from './value-text.js';
