import type { SakerError } from '../../common/errors.js';

/** The `SAKER_ERR_…` code `run` throws, or `'no error'`: tests assert codes, never prose. */
export function errorCodeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as SakerError).code;
  }
  return 'no error';
}
