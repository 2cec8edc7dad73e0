import { timingSafeEqual } from 'node:crypto';
import type { SakerConfig } from '../../common/config/index.js';
import { SIDEKICK_ERRORS, type SidekickErrorCode } from '../errors.js';

/** Outcome of checking one request's credentials. */
export type AuthVerdict = { ok: true } | { ok: false; status: 401 | 403; code: SidekickErrorCode; challenge?: string; message: string };

/** Checks a request's `Authorization` header; undefined when ingest is open. */
export type AuthCheck = (authorization: string | undefined) => AuthVerdict;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Builds the ingest credential check from `auth.*`: a bearer token, basic auth, or both (either is
 * accepted). No credentials gets 401 with a challenge; wrong credentials get 403. Secrets are only
 * compared here, in constant time, and never logged.
 */
export function buildAuthCheck(auth: SakerConfig['auth']): AuthCheck | undefined {
  const token = auth.bearertoken;
  const basic = auth.username !== '' || auth.password !== '' ? `${auth.username}:${auth.password}` : '';
  if (token === '' && basic === '') return undefined;
  const challenge = token !== '' ? 'Bearer realm="saker"' : 'Basic realm="saker"';
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, status: 401, code: SIDEKICK_ERRORS.UNAUTHORIZED, challenge, message: 'credentials required' };
    }
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space < 0 ? undefined : space).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    const valid =
      (scheme === 'bearer' && token !== '' && same(value, token)) ||
      (scheme === 'basic' && basic !== '' && same(Buffer.from(value, 'base64').toString('utf8'), basic));
    return valid ? { ok: true } : { ok: false, status: 403, code: SIDEKICK_ERRORS.FORBIDDEN, message: 'credentials rejected' };
  };
}
