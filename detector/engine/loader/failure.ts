import type { LoadErrorCode } from './codes.js';
import type { LoadContext } from './context.js';

/**
 * A load error that ends the current stage (reading a file, or compiling), as Falco's
 * `rule_load_exception` does: Falco reports the first error of a file and stops there.
 */
export class LoadFailure extends Error {
  constructor(
    readonly code: LoadErrorCode,
    message: string,
    readonly ctx: LoadContext,
  ) {
    super(message);
    this.name = 'LoadFailure';
  }
}

/** Throws a LoadFailure when `condition` holds. */
export function failIf(condition: boolean, code: LoadErrorCode, message: string, ctx: LoadContext): void {
  if (condition) throw new LoadFailure(code, message, ctx);
}

/** Returns `value`, or throws a LoadFailure when it is undefined. */
export function required<T>(value: T | undefined, code: LoadErrorCode, message: string, ctx: LoadContext): T {
  if (value === undefined) throw new LoadFailure(code, message, ctx);
  return value;
}
