import { SakerError } from '../../../common/errors.js';

/** Why an output did not compile; stable, for tests and load results. */
export type OutputCompileReason = 'syntax' | 'unknown_field' | 'bad_field_arg' | 'bad_transformer';

/** An output format that cannot be compiled (Falco's LOAD_ERR_COMPILE_OUTPUT). */
export class OutputCompileError extends SakerError {
  /** 0-based offset in the format string of the `%` that starts the bad token. */
  readonly offset: number;
  readonly reason: OutputCompileReason;

  constructor(reason: OutputCompileReason, message: string, offset: number, options?: { cause?: unknown }) {
    super('SAKER_ERR_COMPILE_OUTPUT', message, options);
    this.name = 'OutputCompileError';
    this.reason = reason;
    this.offset = offset;
  }
}
