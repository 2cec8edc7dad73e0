import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SakerError } from '../../common/errors.js';
import { UI_ERRORS } from '../alert-store/index.js';

/** Login for the UI; off unless configured. */
export interface UiAuthOptions {
  username: string;
  /** The password, or its hash as `scrypt$<salt b64>$<hash b64>` (see `hashPassword`). */
  password: string;
  /** How long a session lasts without activity. Default 12 h. */
  sessionTtlMs?: number;
  /** Mark the cookie `Secure` (the UI is behind TLS). Default false. */
  secureCookie?: boolean;
}

export const SESSION_COOKIE = 'saker_session';
export const CSRF_HEADER = 'x-csrf-token';

interface Session {
  csrf: string;
  expires: number;
}

/** Failed logins per client address tolerated per window before answering 429. */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 60_000;
/** Bounds on remembered sessions and failing addresses, so neither map grows without limit. */
const MAX_SESSIONS = 10_000;
const MAX_TRACKED_ADDRESSES = 10_000;

/** Hashes a password for the config file: `scrypt$salt$hash`. */
export function hashPassword(password: string, salt = randomBytes(16)): string {
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

/** A constant-time check of `password` against a plain or hashed configured password. */
function passwordChecker(configured: string): (password: string) => boolean {
  const hashed = configured.startsWith('scrypt$') ? configured : hashPassword(configured);
  const [, salt = '', hash = ''] = hashed.split('$');
  const saltBytes = Buffer.from(salt, 'base64');
  const expected = Buffer.from(hash, 'base64');
  return (password) => {
    const actual = scryptSync(password, saltBytes, expected.length || 32);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Paths reachable without a session: health checks, and the login handshake itself. */
const PUBLIC_PATHS = new Set(['/api/v1/healthz', '/api/v1/auth/login', '/api/v1/auth/session']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Session login for everything under `/api/` on the UI server. It is registered on the root scope, so
 * routes the sidekick adds there are covered too. `POST /api/v1/auth/login` sets an httpOnly,
 * SameSite=Strict session cookie and returns a CSRF token that state-changing calls must echo in
 * `x-csrf-token`. HTTP basic auth with the same credentials is accepted too, for scripts written against
 * falcosidekick-ui.
 */
export function registerAuth(api: FastifyInstance, options: UiAuthOptions): void {
  const checkPassword = passwordChecker(options.password);
  const ttl = options.sessionTtlMs ?? 12 * 3_600_000;
  const sessions = new Map<string, Session>();
  const failures = new Map<string, { count: number; since: number }>();

  const credentialsOk = (username: string, password: string): boolean =>
    // Both checks always run, so timing does not tell which one failed.
    [sameText(username, options.username), checkPassword(password)].every(Boolean);

  function session(request: FastifyRequest): Session | undefined {
    const token = readCookie(request, SESSION_COOKIE);
    const found = token === undefined ? undefined : sessions.get(token);
    if (!found || !token) return undefined;
    if (found.expires < Date.now()) {
      sessions.delete(token);
      return undefined;
    }
    found.expires = Date.now() + ttl;
    return found;
  }

  /** Refuses a client that failed too often lately; both login and basic auth count. */
  function guard(address: string): void {
    const failed = failures.get(address);
    if (failed && Date.now() - failed.since < FAILURE_WINDOW_MS && failed.count >= MAX_FAILURES) {
      throw new SakerError(UI_ERRORS.TOO_MANY_LOGINS, 'too many failed logins; wait a minute');
    }
  }

  function recordFailure(address: string): void {
    const now = Date.now();
    const failed = failures.get(address);
    const entry = failed && now - failed.since < FAILURE_WINDOW_MS ? failed : { count: 0, since: now };
    entry.count++;
    if (failures.size >= MAX_TRACKED_ADDRESSES) failures.clear();
    failures.set(address, entry);
  }

  function basicAuthOk(request: FastifyRequest): boolean {
    const header = request.headers.authorization;
    if (!header?.startsWith('Basic ')) return false;
    guard(request.ip);
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const ok = colon > 0 && credentialsOk(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (!ok) recordFailure(request.ip);
    return ok;
  }

  function cookie(reply: FastifyReply, value: string, maxAgeSeconds: number): void {
    const secure = options.secureCookie ? '; Secure' : '';
    reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
  }

  api.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    // The app's files hold no data; everything under /api/ does.
    if (!path.startsWith('/api/') || PUBLIC_PATHS.has(path)) return;
    const current = session(request);
    if (current) {
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameText(sent, current.csrf)) {
          throw new SakerError(UI_ERRORS.CSRF, 'missing or wrong x-csrf-token');
        }
      }
      return;
    }
    if (basicAuthOk(request)) return;
    throw new SakerError(UI_ERRORS.UNAUTHORIZED, 'log in first');
  });

  api.get('/api/v1/auth/session', (request) => {
    const current = session(request);
    return current ? { required: true, authenticated: true, csrfToken: current.csrf } : { required: true, authenticated: false };
  });

  api.post('/api/v1/auth/login', (request, reply) => {
    const body = request.body as { username?: unknown; password?: unknown } | undefined;
    const address = request.ip;
    const now = Date.now();
    guard(address);
    if (typeof body?.username !== 'string' || typeof body.password !== 'string') {
      throw new SakerError(UI_ERRORS.BAD_PARAM, 'body: expected JSON {"username": "...", "password": "..."}');
    }
    if (!credentialsOk(body.username, body.password)) {
      recordFailure(address);
      throw new SakerError(UI_ERRORS.UNAUTHORIZED, 'wrong username or password');
    }
    failures.delete(address);
    if (sessions.size >= MAX_SESSIONS) {
      for (const [token, s] of sessions) if (s.expires < now) sessions.delete(token);
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
    }
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    sessions.set(token, { csrf, expires: now + ttl });
    cookie(reply, token, Math.floor(ttl / 1000));
    return { required: true, authenticated: true, csrfToken: csrf };
  });

  api.post('/api/v1/auth/logout', (request, reply) => {
    const token = readCookie(request, SESSION_COOKIE);
    if (token) sessions.delete(token);
    cookie(reply, '', 0);
    return reply.code(204).send();
  });
}

/** Without auth, the app still asks; the answer is that no login is needed. */
export function registerNoAuth(api: FastifyInstance): void {
  api.get('/api/v1/auth/session', () => ({ required: false, authenticated: true }));
}
