/** Error codes of the capture reader. */
import { SakerError } from '../../../common/errors.js';

export const SCAP_ERRORS = {
  /** Not a capture file (bad magic, unsupported major version). */
  NOT_SCAP: 'SAKER_ERR_SCAP_NOT_SCAP',
  /** A metadata block is malformed (lengths that do not add up, bad trailer). */
  CORRUPT: 'SAKER_ERR_SCAP_CORRUPT',
  /** The file ends inside the section header or a metadata block. */
  TRUNCATED: 'SAKER_ERR_SCAP_TRUNCATED',
  /** The file cannot be read or decompressed. */
  READ: 'SAKER_ERR_SCAP_READ',
} as const;

/** Thrown while decoding a block; carries the byte offset where decoding failed. */
export class ScapError extends SakerError {
  readonly offset: number;

  constructor(code: (typeof SCAP_ERRORS)[keyof typeof SCAP_ERRORS], message: string, offset: number, options?: { cause?: unknown }) {
    super(code, `${message} (at byte ${offset})`, options);
    this.name = 'ScapError';
    this.offset = offset;
  }
}
