import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signing time, in Unix seconds; part of the signed text so a capture cannot be replayed later. */
export const SIGNATURE_TIMESTAMP_HEADER = 'x-saker-timestamp';
/** Header carrying `sha256=<hex>`: HMAC-SHA256 with the shared secret over `<timestamp>.<body>` (the body before gzip). */
export const SIGNATURE_HEADER = 'x-saker-signature';

/** The signature header value for a body signed at `timestamp` (Unix seconds). */
export function signBody(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * What a receiver does with the two headers: recompute the HMAC and compare in constant time, and
 * refuse timestamps further than `toleranceSeconds` from `nowSeconds`.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string | Buffer,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
