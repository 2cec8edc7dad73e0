/**
 * Stable error codes. Tests and callers match on these, never on message text.
 */
export const ERROR_CODES = {
  CONFIG_FILE: 'SAKER_ERR_CONFIG_FILE',
  CONFIG_INVALID: 'SAKER_ERR_CONFIG_INVALID',
  USAGE: 'SAKER_ERR_USAGE',
  NOT_IMPLEMENTED: 'SAKER_ERR_NOT_IMPLEMENTED',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES] | `SAKER_ERR_${string}`;

/** An error with a stable `SAKER_ERR_…` code and, where there is one, the underlying cause. */
export class SakerError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SakerError';
    this.code = code;
  }
}

export function isSakerError(error: unknown): error is SakerError {
  return error instanceof SakerError;
}
