/** Output formatting: Falco's `%field` formats to the text line and typed `output_fields`. */
export { compileOutput, NOT_AVAILABLE } from './compile-output.js';
export type { CompiledOutput, FormattedOutput, OutputOptions } from './compile-output.js';
export { OutputCompileError } from './output-error.js';
export type { OutputCompileReason } from './output-error.js';
export { parseFormatToken, TokenSyntaxError } from './token-parser.js';
