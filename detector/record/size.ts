import { SakerError } from '../../common/errors.js';

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses a size such as `500000`, `64K`, `100M` or `2G` (binary units) into bytes. */
export function parseByteSize(text: string, what: string): number {
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(text);
  const bytes = m ? Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new SakerError('SAKER_ERR_USAGE', `${what} must be a size such as 500000, 64K, 100M or 2G, not '${text}'`);
  return bytes;
}
