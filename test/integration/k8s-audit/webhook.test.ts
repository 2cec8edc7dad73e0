import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { createTestPki, type TestPki } from '../../support/peers/test-pki.js';
import { auditEvent, eventList, post, rejectionCode, removeTempDirs, startTestWebhook, take, type TestWebhook } from './support.js';

const running: TestWebhook[] = [];
async function webhook(options: Parameters<typeof startTestWebhook>[0] = {}): Promise<TestWebhook> {
  const started = await startTestWebhook(options);
  running.push(started);
  return started;
}

afterEach(async () => {
  for (const { webhook: w } of running.splice(0)) await w.close();
});
afterAll(() => removeTempDirs());

describe('k8s audit webhook: what it accepts', () => {
  it('takes a single Event, an EventList and a JSON array, and yields their events in order with their stageTimestamp', async () => {
    const { webhook: w } = await webhook();
    expect(await post(w.url, auditEvent(1))).toMatchObject({ status: 200, body: { accepted: 1, skipped: 0 } });
    expect(await post(w.url, eventList([auditEvent(2), auditEvent(3)]))).toMatchObject({ status: 200, body: { accepted: 2, skipped: 0 } });
    expect(await post(w.url, [auditEvent(4), eventList([auditEvent(5)])])).toMatchObject({ status: 200, body: { accepted: 2, skipped: 0 } });

    const events = await take(w.events()[Symbol.asyncIterator](), 5);
    expect(events.map((e) => e.doc.auditID)).toEqual([1, 2, 3, 4, 5].map((i) => auditEvent(i).auditID));
    expect(events.map((e) => e.num)).toEqual([1, 2, 3, 4, 5]);
    // 2026-11-22T10:00:01.123456Z in nanoseconds, with all the digits kept.
    expect(events[0]?.time).toBe(BigInt(Date.UTC(2026, 10, 22, 10, 0, 1)) * 1_000_000n + 123_456_000n);
    expect(w.stats()).toMatchObject({ requests: 3, accepted: 5, queued: 0 });
  });

  it('accepts `application/json; charset=utf-8`', async () => {
    const { webhook: w } = await webhook();
    const reply = await post(w.url, auditEvent(1), { headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(reply).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  it('skips and counts events without stageTimestamp and documents that are not audit events, and says so in the 200', async () => {
    const { webhook: w } = await webhook();
    const { stageTimestamp: _dropped, ...untimed } = auditEvent(2);
    const body = eventList([auditEvent(1), untimed, auditEvent(3, { stageTimestamp: 'yesterday' }), auditEvent(4)]);
    expect(await post(w.url, body)).toMatchObject({
      status: 200,
      body: { accepted: 2, skipped: 2, skips: { 'missing-stage-timestamp': 1, 'bad-stage-timestamp': 1 } },
    });
    expect(await post(w.url, { kind: 'Pod', metadata: {} })).toMatchObject({ status: 200, body: { accepted: 0, skipped: 1, skips: { 'not-audit-event': 1 } } });
    expect(w.stats()).toMatchObject({
      accepted: 2,
      skipped: { 'missing-stage-timestamp': 1, 'bad-stage-timestamp': 1, 'not-audit-event': 1, 'malformed-json': 0, 'too-large': 0 },
    });
    const events = await take(w.events()[Symbol.asyncIterator](), 2);
    expect(events.map((e) => e.doc.auditID)).toEqual([auditEvent(1).auditID, auditEvent(4).auditID]);
  });
});

describe('k8s audit webhook: bad input gets a JSON 4xx and is counted, and the webhook keeps serving', () => {
  it.each([
    ['a non-JSON content type', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(auditEvent(1)) }, 415, 'SAKER_ERR_AUDIT_MEDIA_TYPE', 'media-type'],
    ['form data', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, 415, 'SAKER_ERR_AUDIT_MEDIA_TYPE', 'media-type'],
    ['a body without content type', { headers: { 'content-type': '' }, body: undefined }, 415, 'SAKER_ERR_AUDIT_MEDIA_TYPE', 'media-type'],
    ['malformed JSON', { body: '{"kind":"Event",' }, 400, 'SAKER_ERR_AUDIT_BAD_JSON', 'malformed-json'],
    ['an empty JSON body', { body: '' }, 400, 'SAKER_ERR_AUDIT_BAD_JSON', 'malformed-json'],
    ['a prototype-poisoning body', { body: '{"kind":"Event","__proto__":{"polluted":true}}' }, 400, 'SAKER_ERR_AUDIT_BAD_JSON', 'malformed-json'],
    ['a body over the limit', { body: JSON.stringify(eventList(Array.from({ length: 40 }, (_, i) => auditEvent(i)))) }, 413, 'SAKER_ERR_AUDIT_TOO_LARGE', 'too-large'],
  ] as const)('%s → %i', async (_what, input, status, code, reason) => {
    const { webhook: w } = await webhook({ maxBodyBytes: 4096 });
    const headers: Record<string, string> = { ...('headers' in input ? input.headers : {}) };
    const reply = await post(w.url, input.body, { headers });
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ code, message: expect.any(String) });
    expect(w.stats().rejected[reason]).toBe(1);
    expect(w.stats().rejectedByStatus[status]).toBe(1);
    // Still serving, and nothing of the bad request was queued.
    expect(await post(w.url, auditEvent(9))).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(w.stats()).toMatchObject({ accepted: 1, queued: 1 });
  });

  it('answers other methods on the path with 405 and Allow: POST, and other paths with 404', async () => {
    const { webhook: w } = await webhook();
    const get = await post(w.url, undefined, { method: 'GET' });
    expect(get).toMatchObject({ status: 405, headers: { allow: 'POST' }, body: { code: 'SAKER_ERR_AUDIT_METHOD' } });
    const elsewhere = await post(w.url.replace('/k8s-audit', '/other'), auditEvent(1));
    expect(elsewhere).toMatchObject({ status: 404, body: { code: 'SAKER_ERR_AUDIT_NOT_FOUND' } });
    expect(w.stats().rejected).toMatchObject({ 'method-not-allowed': 1, 'not-found': 1 });
  });
});

describe('k8s audit webhook: start-up failures are errors with codes, and leave nothing behind', () => {
  it('a port in use is SAKER_ERR_SOURCE_OPEN, and the queue it opened is closed again for the next try', async () => {
    const { webhook: holder } = await webhook();
    const port = new URL(holder.url).port;
    const dir = (await webhook()).dir;
    await running.pop()?.webhook.close();
    expect(await rejectionCode(startTestWebhook({ listen: `http://127.0.0.1:${port}/k8s-audit`, dir }))).toBe('SAKER_ERR_SOURCE_OPEN');
    const retried = await webhook({ dir });
    expect(await post(retried.webhook.url, auditEvent(1))).toMatchObject({ status: 200 });
  });

  it('a queue path that cannot be created is SAKER_ERR_SOURCE_OPEN', async () => {
    const { dir } = await webhook();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    expect(await rejectionCode(startTestWebhook({ queuePath: join(file, 'queue.db') }))).toBe('SAKER_ERR_SOURCE_OPEN');
  });

  it('a bad listen URL or queue bound is SAKER_ERR_SOURCE_PARAMS', async () => {
    expect(await rejectionCode(startTestWebhook({ listen: 'http://127.0.0.1/k8s-audit' }))).toBe('SAKER_ERR_SOURCE_PARAMS');
    expect(await rejectionCode(startTestWebhook({ maxQueued: 0 }))).toBe('SAKER_ERR_SOURCE_PARAMS');
  });
});

describe('k8s audit webhook: bearer token', () => {
  it('401 without a token, 403 with a wrong one or another scheme, 200 with the right one', async () => {
    const { webhook: w } = await webhook({ token: 's3cret-token' });
    const missing = await post(w.url, auditEvent(1), { headers: {} });
    expect(missing).toMatchObject({ status: 401, body: { code: 'SAKER_ERR_AUDIT_UNAUTHORIZED' } });
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(await post(w.url, auditEvent(1), { headers: { authorization: 'Bearer wrong-token' } })).toMatchObject({ status: 403, body: { code: 'SAKER_ERR_AUDIT_FORBIDDEN' } });
    expect(await post(w.url, auditEvent(1), { headers: { authorization: 'Basic czNjcmV0LXRva2Vu' } })).toMatchObject({ status: 403 });
    expect(await post(w.url, auditEvent(1), { headers: { authorization: 'Bearer s3cret-token' } })).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(w.stats()).toMatchObject({ accepted: 1, rejected: { unauthorized: 1, forbidden: 2 }, rejectedByStatus: { 401: 1, 403: 2 } });
  });

  it('checks the token before reading the body: an unauthenticated oversized body is a 401, not a 413', async () => {
    const { webhook: w } = await webhook({ token: 't', maxBodyBytes: 1024 });
    const reply = await post(w.url, 'x'.repeat(64 * 1024), { headers: {} });
    expect(reply.status).toBe(401);
  });
});

describe('k8s audit webhook: HTTPS', () => {
  let pki: TestPki | undefined;
  afterAll(() => pki?.remove());

  it('serves https:// with the given certificate and key; a client trusting the CA posts events', async () => {
    pki = createTestPki();
    const { webhook: w } = await webhook({ listen: 'https://127.0.0.1:0/k8s-audit', tls: { cert: pki.serverCert, key: pki.serverKey } });
    expect(w.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/k8s-audit$/);
    const trusting = new Agent({ connect: { ca: pki.read(pki.caCert) } });
    try {
      expect(await post(w.url, eventList([auditEvent(1), auditEvent(2)]), { dispatcher: trusting })).toMatchObject({ status: 200, body: { accepted: 2 } });
      const untrusting = new Agent({ connect: { ca: pki.read(pki.otherCaCert) } });
      await expect(post(w.url, auditEvent(3), { dispatcher: untrusting })).rejects.toThrow();
      await untrusting.close();
    } finally {
      await trusting.close();
    }
    expect((await take(w.events()[Symbol.asyncIterator](), 2)).length).toBe(2);
  });

  it('refuses an https:// URL without TLS files, TLS files with http://, and unreadable files, with codes', async () => {
    pki ??= createTestPki();
    expect(await rejectionCode(startTestWebhook({ listen: 'https://127.0.0.1:0/k8s-audit' }))).toBe('SAKER_ERR_SOURCE_PARAMS');
    expect(await rejectionCode(startTestWebhook({ listen: 'http://127.0.0.1:0/k8s-audit', tls: { cert: pki.serverCert, key: pki.serverKey } }))).toBe('SAKER_ERR_SOURCE_PARAMS');
    expect(await rejectionCode(startTestWebhook({ listen: 'https://127.0.0.1:0/k8s-audit', tls: { cert: '/nonexistent/cert.pem', key: pki.serverKey } }))).toBe('SAKER_ERR_SOURCE_OPEN');
    expect(await rejectionCode(startTestWebhook({ listen: 'https://127.0.0.1:0/k8s-audit', tls: { cert: pki.serverKey, key: pki.serverCert } }))).toBe('SAKER_ERR_SOURCE_OPEN');
  });
});

describe('k8s audit webhook: the bounded queue', () => {
  it('refuses a request that does not fit with 503 + Retry-After, whole and counted, and takes it once the consumer catches up', async () => {
    const { webhook: w } = await webhook({ maxQueued: 5 });
    expect(await post(w.url, eventList([1, 2, 3].map((i) => auditEvent(i))))).toMatchObject({ status: 200, body: { accepted: 3 } });
    const full = await post(w.url, eventList([4, 5, 6].map((i) => auditEvent(i))));
    expect(full).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, body: { code: 'SAKER_ERR_AUDIT_QUEUE_FULL' } });
    expect(w.stats()).toMatchObject({ accepted: 3, queued: 3, refusedEvents: 3, rejected: { 'queue-full': 1 }, rejectedByStatus: { 503: 1 } });

    const iterator = w.events()[Symbol.asyncIterator]();
    expect((await take(iterator, 3)).map((e) => e.doc.auditID)).toEqual([1, 2, 3].map((i) => auditEvent(i).auditID));
    // Asking for the next event finishes the third; the consumer is then waiting and the queue is empty.
    const next = take(iterator, 1);
    expect(await post(w.url, eventList([4, 5, 6].map((i) => auditEvent(i))))).toMatchObject({ status: 200, body: { accepted: 3 } });
    expect((await next).map((e) => e.doc.auditID)).toEqual([auditEvent(4).auditID]);
    expect(w.stats()).toMatchObject({ accepted: 6, queued: 2 });
  });

  it('answers a single request larger than the whole queue with 413, since retrying cannot help', async () => {
    const { webhook: w } = await webhook({ maxQueued: 2 });
    const reply = await post(w.url, eventList([1, 2, 3].map((i) => auditEvent(i))));
    expect(reply).toMatchObject({ status: 413, body: { code: 'SAKER_ERR_AUDIT_BATCH_TOO_LARGE' } });
    expect(w.stats().rejected['batch-over-queue-bound']).toBe(1);
  });
});

describe('k8s audit webhook: durability across restarts', () => {
  it('gives back accepted but unconsumed events after close and reopen, and nothing twice once consumed', async () => {
    const first = await startTestWebhook();
    const ids = Array.from({ length: 10 }, (_, i) => auditEvent(i + 1).auditID);
    expect(await post(first.webhook.url, eventList(Array.from({ length: 10 }, (_, i) => auditEvent(i + 1))))).toMatchObject({ status: 200 });
    const iterator = first.webhook.events()[Symbol.asyncIterator]();
    const taken = await take(iterator, 4);
    expect(taken.map((e) => e.doc.auditID)).toEqual(ids.slice(0, 4));
    // Event 4 is still in the consumer's hands at close: at-least-once keeps it.
    await first.webhook.close();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });

    const second = await startTestWebhook({ dir: first.dir });
    expect(second.webhook.stats().queued).toBe(7);
    const again = second.webhook.events()[Symbol.asyncIterator]();
    const replayed = await take(again, 7);
    expect(replayed.map((e) => e.doc.auditID)).toEqual(ids.slice(3));
    expect(replayed.map((e) => e.num)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    await again.return?.(undefined); // the consumer leaves its loop having handled event 10
    await second.webhook.close();

    const third = await startTestWebhook({ dir: first.dir });
    running.push(third);
    expect(third.webhook.stats().queued).toBe(0);
    expect(await post(third.webhook.url, auditEvent(11))).toMatchObject({ status: 200 });
    const fresh = await take(third.webhook.events()[Symbol.asyncIterator](), 1);
    expect(fresh.map((e) => [e.doc.auditID, e.num])).toEqual([[auditEvent(11).auditID, 11]]);
  });

  it('keeps events accepted while no consumer ever ran', async () => {
    const first = await startTestWebhook();
    for (let i = 1; i <= 3; i++) expect((await post(first.webhook.url, auditEvent(i))).status).toBe(200);
    await first.webhook.close();
    const second = await webhook({ dir: first.dir });
    const events = await take(second.webhook.events()[Symbol.asyncIterator](), 3);
    expect(events.map((e) => e.doc.auditID)).toEqual([1, 2, 3].map((i) => auditEvent(i).auditID));
  });

  it('ends the consumer iteration at close and answers 503 closing to nothing afterwards (the port is shut)', async () => {
    const { webhook: w } = await startTestWebhook();
    const iterator = w.events()[Symbol.asyncIterator]();
    const waiting = iterator.next();
    await w.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await expect(post(w.url, auditEvent(1))).rejects.toThrow();
  });

  it('hands over a backlog larger than its memory cache, and one spread over many stored requests after a restart, in order', async () => {
    const first = await startTestWebhook();
    // 20 × 1000 events outrun the in-memory copy (16,384 events): the consumer must read the rest back from disk.
    for (let r = 0; r < 20; r++) {
      const reply = await post(first.webhook.url, eventList(Array.from({ length: 1000 }, (_, i) => auditEvent(r * 1000 + i))));
      expect(reply.status).toBe(200);
    }
    const iterator = first.webhook.events()[Symbol.asyncIterator]();
    const events = await take(iterator, 15_000);
    expect(events.map((e) => e.num)).toEqual(Array.from({ length: 15_000 }, (_, i) => i + 1));
    expect(events.every((e, i) => e.doc.auditID === auditEvent(i).auditID)).toBe(true);
    await first.webhook.close();

    const second = await webhook({ dir: first.dir });
    expect(second.webhook.stats().queued).toBe(5001);
    const rest = await take(second.webhook.events()[Symbol.asyncIterator](), 5001);
    expect(rest.map((e) => e.num)).toEqual(Array.from({ length: 5001 }, (_, i) => 15_000 + i));
    expect(rest.every((e) => e.doc.auditID === auditEvent(e.num - 1).auditID)).toBe(true);
  });

  it('skips and counts a stored request that no longer parses (a damaged queue file) instead of stopping the consumer', async () => {
    const first = await startTestWebhook();
    expect((await post(first.webhook.url, eventList([auditEvent(1), auditEvent(2)]))).status).toBe(200);
    await first.webhook.close();
    const db = new Database(first.queuePath);
    db.prepare("UPDATE audit_requests SET body = '{\"kind\":\"EventLi' WHERE first_num = 1").run();
    db.prepare("INSERT INTO audit_requests (first_num, count, body) VALUES (3, 1, ?)").run(JSON.stringify(auditEvent(3)));
    db.close();
    const second = await webhook({ dir: first.dir });
    const events = await take(second.webhook.events()[Symbol.asyncIterator](), 1);
    expect(events.map((e) => [e.num, e.doc.auditID])).toEqual([[3, auditEvent(3).auditID]]);
    expect(second.webhook.stats().unreadable).toBe(2);
  });

  it('allows one consumer at a time', async () => {
    const { webhook: w } = await webhook();
    const first = w.events()[Symbol.asyncIterator]();
    void first.next();
    expect(await rejectionCode(w.events()[Symbol.asyncIterator]().next())).toBe('SAKER_ERR_SOURCE_BUSY');
  });
});
