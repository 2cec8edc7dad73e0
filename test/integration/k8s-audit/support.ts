import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type Agent } from 'undici';
import { createLogger } from '../../../common/logger.js';
import type { AuditEvent, AuditWebhook, AuditWebhookOptions } from '../../../detector/sources/k8s-audit/webhook.js';
import { startAuditWebhook } from '../../../detector/sources/k8s-audit/webhook.js';
import type { JsonObject } from '../../../detector/sources/json-event.js';

/** A minimal audit Event, `stageTimestamp` at second `i` of 2026-11-22T10:00, with `overrides` on top. */
export function auditEvent(i: number, overrides: JsonObject = {}): JsonObject {
  const second = String(i % 60).padStart(2, '0');
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/pods/p${i}`,
    verb: 'get',
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['192.0.2.10'],
    objectRef: { resource: 'pods', namespace: 'default', name: `p${i}`, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: `2026-11-22T10:00:${second}.000000Z`,
    stageTimestamp: `2026-11-22T10:00:${second}.123456Z`,
    ...overrides,
  };
}

export function eventList(events: JsonObject[]): JsonObject {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events };
}

/** A response as the test reads it: status, lower-cased headers, parsed JSON body (undefined when empty). */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | undefined;
}

/** POSTs `body` (an object is JSON-encoded, a string or Buffer is sent as is) with `application/json` unless overridden. */
export async function post(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; method?: 'POST' | 'GET' | 'PUT' | 'DELETE'; dispatcher?: Agent } = {},
): Promise<Reply> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : body === undefined ? undefined : JSON.stringify(body);
  const response = await request(url, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(payload === undefined ? {} : { body: payload }),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** A webhook on a free loopback port with its queue in a fresh temp dir (or the given one, to reopen it). */
export interface TestWebhook {
  webhook: AuditWebhook;
  dir: string;
  queuePath: string;
}

const dirs: string[] = [];

export async function startTestWebhook(options: Partial<AuditWebhookOptions> & { dir?: string } = {}): Promise<TestWebhook> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'saker-k8s-audit-'));
  if (options.dir === undefined) dirs.push(dir);
  const queuePath = join(dir, 'queue.db');
  const webhook = await startAuditWebhook({
    listen: 'http://127.0.0.1:0/k8s-audit',
    queuePath,
    log: createLogger({ level: 'silent', pretty: false }),
    ...options,
  });
  return { webhook, dir, queuePath };
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Takes the next `count` events from an iterator. A test that gets fewer fails with what it got
 * rather than hanging: the bound only guards against a hang, it decides nothing about speed.
 */
export async function take(iterator: AsyncIterator<AuditEvent>, count: number, limitMs = 20_000): Promise<AuditEvent[]> {
  const got: AuditEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), limitMs)));
  try {
    while (got.length < count) {
      const next = await Promise.race([iterator.next(), expired]);
      if (next === 'expired') throw new Error(`expected ${count} events, got ${got.length} (${got.map((e) => e.num).join(',')})`);
      if (next.done === true) break;
      got.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return got;
}

/** The `SAKER_ERR_…` code a promise rejects with, or `'no error'` (closing whatever it resolved to). */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    const started = value as { webhook?: { close?: () => Promise<void> } } | undefined;
    await started?.webhook?.close?.();
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return 'no error';
}
