import { parseExact } from './exact-json.js';
import type { Alert, Delivery, Timeline } from './types.js';

/** A failed API call, with the server's stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, params?: URLSearchParams): Promise<{ body: T; headers: Headers }> {
  const query = params?.toString();
  const response = await fetch(`/api/v1/${path}${query ? `?${query}` : ''}`, { headers: { accept: 'application/json' } });
  if (response.status === 401) window.dispatchEvent(new Event('saker:unauthorized'));
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(response.status, body.code ?? 'SAKER_ERR_UNKNOWN', body.message ?? response.statusText);
  }
  // Alerts carry integer nanoseconds beyond 2^53 (evt.time): read them digit-exact.
  return { body: parseExact(await response.text()) as T, headers: response.headers };
}

export interface SearchPage {
  alerts: Alert[];
  total: number;
  cursor: number;
}

export async function search(params: URLSearchParams, page: number, limit: number, cursor?: number): Promise<SearchPage> {
  const query = new URLSearchParams(params);
  query.set('page', String(page));
  query.set('limit', String(limit));
  if (cursor !== undefined) query.set('cursor', String(cursor));
  const { body, headers } = await getJson<{ results?: Alert[]; statistics: { all: number } }>('events/search', query);
  return { alerts: body.results ?? [], total: body.statistics.all, cursor: Number(headers.get('x-saker-cursor') ?? 0) };
}

export async function countBy(field: string, params: URLSearchParams): Promise<Record<string, number>> {
  const { body } = await getJson<{ results?: Record<string, number> }>(`events/count/${field}`, params);
  return body.results ?? {};
}

export async function timeline(params: URLSearchParams, buckets: number): Promise<Timeline> {
  const query = new URLSearchParams(params);
  query.set('buckets', String(buckets));
  return (await getJson<Timeline>('timeline', query)).body;
}

export async function alertDetail(uuid: string): Promise<{ event: Alert; delivery: Delivery[] }> {
  return (await getJson<{ event: Alert; delivery: Delivery[] }>(`events/${encodeURIComponent(uuid)}`)).body;
}

/** Whether this server asks for a login, and whether we have a session. */
export interface SessionState {
  required: boolean;
  authenticated: boolean;
  csrfToken?: string;
}

let csrfToken = '';

export async function session(): Promise<SessionState> {
  const state = (await getJson<SessionState>('auth/session')).body;
  csrfToken = state.csrfToken ?? '';
  return state;
}

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(`/api/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(body ?? {}),
  });
}

/** Logs in; resolves false on wrong credentials, throws ApiError on anything else. */
export async function login(username: string, password: string): Promise<boolean> {
  const response = await post('auth/login', { username, password });
  const body = (await response.json().catch(() => ({}))) as SessionState & { code?: string; message?: string };
  if (response.ok) {
    csrfToken = body.csrfToken ?? '';
    return true;
  }
  if (response.status === 401) return false;
  throw new ApiError(response.status, body.code ?? 'SAKER_ERR_UNKNOWN', body.message ?? response.statusText);
}

export async function logout(): Promise<void> {
  await post('auth/logout');
  csrfToken = '';
}

/** A delivery that failed for good, as the sidekick's dead-letter API lists it. */
export interface DeadLetter {
  id: number;
  output: string;
  attempts: number;
  reason: string;
  failed_at: string;
  alert: Alert;
}

/** Dead letters, newest first; undefined when this server has no dead-letter API. */
export async function deadLetters(): Promise<{ total: number; deadletters: DeadLetter[] } | undefined> {
  try {
    return (await getJson<{ total: number; deadletters: DeadLetter[] }>('deadletters', new URLSearchParams({ limit: '500' }))).body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Puts dead letters back in their outputs' queues: the given ids, or all. */
export async function replayDeadLetters(ids?: number[]): Promise<{ replayed: number; skipped: number }> {
  const response = await post('deadletters/replay', ids ? { ids } : {});
  const body = (await response.json().catch(() => ({}))) as { replayed: number; skipped: number; code?: string; message?: string };
  if (!response.ok) throw new ApiError(response.status, body.code ?? 'SAKER_ERR_UNKNOWN', body.message ?? response.statusText);
  return body;
}
