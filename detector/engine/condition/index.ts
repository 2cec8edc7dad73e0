/** The condition language: parsing to an AST with positions, and the canonical printed form. */
export { parseCondition, MAX_DEPTH } from './parser.js';
export type { ParseOptions } from './parser.js';
export { printCondition } from './print.js';
export { ConditionSyntaxError } from './syntax-error.js';
export { escapeValue } from './escaping.js';
