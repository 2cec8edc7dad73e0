import type { DeliveryResult } from './output.js';

/** Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds from `now`; undefined if absent or invalid. */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value) as string | undefined;
  if (text === undefined || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A 2xx status: the peer took the payload. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Classifies an HTTP response the way every HTTP output must: 2xx ok; 408, 429 and 5xx retryable (429 and
 * 503 carry the peer's `Retry-After`); any other status permanent, since resending the same payload cannot help.
 */
export function resultForHttpStatus(status: number, retryAfter: string | readonly string[] | undefined, detail: string): DeliveryResult {
  if (isSuccessStatus(status)) return { status: 'ok' };
  const reason = `HTTP ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return retryAfterMs === undefined ? { status: 'retryable', reason } : { status: 'retryable', reason, retryAfterMs };
  }
  return { status: 'permanent', reason };
}

/**
 * Certificate checks that fail the same way on every attempt until someone fixes the config or the
 * certificate: resending cannot help, so they are permanent.
 */
const CERTIFICATE_ERRORS: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A transport failure (connection refused, reset, timeout): the peer may be back later, so retryable;
 * a certificate the client refuses is permanent.
 */
export function resultForTransportError(error: unknown): DeliveryResult {
  const err = error as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code ?? err.name ?? 'error';
  const reason = `${code}: ${err.cause?.message ?? err.message ?? String(error)}`;
  if (CERTIFICATE_ERRORS.has(code) || (err.cause?.code !== undefined && CERTIFICATE_ERRORS.has(err.cause.code))) {
    return { status: 'permanent', reason };
  }
  return { status: 'retryable', reason };
}

/** The same result for every alert of a batch that failed as a whole. */
export function repeatResult(result: DeliveryResult, count: number): DeliveryResult[] {
  return Array.from({ length: count }, () => result);
}
