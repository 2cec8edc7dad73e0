import { SakerError } from '../../../common/errors.js';
import type { Position } from '../ast.js';

/** A condition that does not parse; `pos` is where the parser stopped. */
export class ConditionSyntaxError extends SakerError {
  readonly pos: Position;

  constructor(message: string, pos: Position) {
    super('SAKER_ERR_CONDITION_SYNTAX', message);
    this.name = 'ConditionSyntaxError';
    this.pos = pos;
  }
}
