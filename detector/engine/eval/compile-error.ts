import { SakerError } from '../../../common/errors.js';
import type { Position } from '../ast.js';

/** Why a condition did not compile; stable, for tests and load results. */
export type CompileReason =
  | 'unknown_field'
  | 'bad_operator_for_type'
  | 'bad_value'
  | 'bad_field_arg'
  | 'bad_regex'
  | 'undefined_identifier'
  | 'bad_transformer'
  | 'bad_field_value'
  | 'too_deep';

/** A condition that cannot be compiled against a field table (Falco's LOAD_ERR_COMPILE_CONDITION). */
export class CompileError extends SakerError {
  readonly pos: Position;
  readonly reason: CompileReason;

  constructor(reason: CompileReason, message: string, pos: Position, options?: { cause?: unknown }) {
    super('SAKER_ERR_COMPILE', message, options);
    this.name = 'CompileError';
    this.reason = reason;
    this.pos = pos;
  }
}
