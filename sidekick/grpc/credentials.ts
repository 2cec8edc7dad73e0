import { readFileSync } from 'node:fs';
import { ServerCredentials, status, type Metadata, type StatusObject } from '@grpc/grpc-js';
import type { SakerConfig } from '../../common/config/index.js';
import { SakerError } from '../../common/errors.js';
import type { AuthCheck } from '../ingest/auth.js';

/** Plaintext, or TLS (and mutual TLS) from `tlsserver.*`, as the HTTP ingest server uses. */
export function serverCredentials(tls: SakerConfig['tlsserver']): ServerCredentials {
  if (!tls.deploy) return ServerCredentials.createInsecure();
  const read = (key: 'certfile' | 'keyfile' | 'cacertfile') => {
    try {
      return readFileSync(tls[key]);
    } catch (cause) {
      throw new SakerError('SAKER_ERR_CONFIG_FILE', `tlsserver.${key}: cannot read ${tls[key]}: ${(cause as Error).message}`, { cause });
    }
  };
  return ServerCredentials.createSsl(tls.mutualtls ? read('cacertfile') : null, [{ cert_chain: read('certfile'), private_key: read('keyfile') }], tls.mutualtls);
}

/** What a refused call ends with. */
export type Refusal = Partial<StatusObject> & { code: status; details: string };

const STATUS_FOR_HTTP: Readonly<Record<401 | 403, status>> = { 401: status.UNAUTHENTICATED, 403: status.PERMISSION_DENIED };

/**
 * Checks a call's `authorization` metadata with HTTP ingest's rules (bearer token or basic auth);
 * undefined when the call may proceed.
 */
export function refusalFor(check: AuthCheck | undefined, metadata: Metadata): Refusal | undefined {
  if (!check) return undefined;
  const [value] = metadata.get('authorization');
  const verdict = check(typeof value === 'string' ? value : value?.toString('utf8'));
  if (verdict.ok) return undefined;
  return { code: STATUS_FOR_HTTP[verdict.status], details: `${verdict.code}: ${verdict.message}` };
}
