import { errorCodeOf } from '../../support/error-code.js';
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createEnabledOutputs, createOutput, type Output, type SendContext } from '../../../outputs/index.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';
import { createTestPki, type TestPki } from '../../support/peers/test-pki.js';

const context: SendContext = { signal: new AbortController().signal, log: { debug() {}, warn() {} } };
const ok = () => ({ status: 200, body: 'ok' });

let peer: HttpPeer;
const opened: Output[] = [];
function webhook(section: Record<string, unknown>, now?: () => number): Output {
  const output = createOutput('webhook', section, 'webhook', now ? { now } : undefined);
  opened.push(output);
  return output;
}

beforeAll(async () => {
  peer = await startHttpPeer(ok);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
  peer.requests.length = 0;
});
afterAll(async () => {
  await peer.close();
});

describe('webhook output', () => {
  it('posts the alert JSON with its method, custom headers and a verifiable HMAC signature', async () => {
    const alert = sampleAlert();
    const fixedNow = 1_795_000_000_000;
    const output = webhook(
      { address: `${peer.url}/hook`, method: 'PUT', customheaders: { Authorization: 'Bearer abc', 'X-Team': 'sec' }, signingsecret: 's3cret' },
      () => fixedNow,
    );
    expect(await output.send([alert], context)).toEqual([{ status: 'ok' }]);
    const [request] = peer.requests;
    expect(request).toMatchObject({ method: 'PUT', path: '/hook' });
    expect(JSON.parse(request!.body)).toEqual(alert);
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer abc',
      'x-team': 'sec',
      'x-saker-timestamp': String(fixedNow / 1000),
    });
    // Recomputed here independently of Saker's helper: what a receiver following the README would do.
    const expected = createHmac('sha256', 's3cret').update(`${fixedNow / 1000}.${request!.body}`).digest('hex');
    expect(request!.headers['x-saker-signature']).toBe(`sha256=${expected}`);
  });

  it('sends no signature headers without a secret, and POST by default', async () => {
    await webhook({ address: peer.url }).send([sampleAlert()], context);
    expect(peer.requests[0]?.method).toBe('POST');
    expect(peer.requests[0]?.headers['x-saker-signature']).toBeUndefined();
  });

  it('gzips the body when asked, signing the uncompressed JSON', async () => {
    const alert = sampleAlert();
    await webhook({ address: peer.url, gzip: true, signingsecret: 'k' }, () => 1_000_000).send([alert], context);
    const [request] = peer.requests;
    expect(request!.headers['content-encoding']).toBe('gzip');
    expect(request!.rawBody.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(JSON.parse(request!.body)).toEqual(alert);
    const expected = createHmac('sha256', 'k').update(`1000.${request!.body}`).digest('hex');
    expect(request!.headers['x-saker-signature']).toBe(`sha256=${expected}`);
  });

  it('classifies answers: 2xx ok, 408/429/5xx retryable with Retry-After, other 4xx permanent', async () => {
    const output = webhook({ address: peer.url });
    peer.script(
      { status: 204 },
      { status: 429, headers: { 'retry-after': '7' }, body: 'slow down' },
      { status: 503, body: 'maintenance' },
      { status: 408 },
      { status: 404, body: 'no such hook' },
      { status: 400 },
    );
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await output.send([sampleAlert()], context))[0]);
    expect(results.map((r) => r?.status)).toEqual(['ok', 'retryable', 'retryable', 'retryable', 'permanent', 'permanent']);
    expect(results[1]).toMatchObject({ retryAfterMs: 7000 });
    expect(results[4]).toMatchObject({ reason: expect.stringContaining('404') });
  });

  it('reports a refused connection as retryable', async () => {
    const down = await startHttpPeer(ok);
    const address = down.url;
    await down.close();
    const [result] = await webhook({ address }).send([sampleAlert()], context);
    expect(result?.status).toBe('retryable');
  });

  it('reports a receiver slower than the timeout as retryable', async () => {
    peer.script({ status: 200, hang: true });
    const [result] = await webhook({ address: peer.url, timeout: 200 }).send([sampleAlert()], context);
    expect(result?.status).toBe('retryable');
    expect(peer.requests).toHaveLength(1);
  });

  it('stops a send when the delivery layer aborts it, as retryable', async () => {
    peer.script({ status: 200, hang: true });
    const controller = new AbortController();
    const pending = webhook({ address: peer.url }).send([sampleAlert()], { ...context, signal: controller.signal });
    await peer.waitForRequests(1);
    controller.abort();
    expect((await pending)[0]?.status).toBe('retryable');
  });

  it('reads address, method and custom headers from falcosidekick environment variables', () => {
    const config = loadConfig({
      env: { WEBHOOK_ADDRESS: `${peer.url}/env`, WEBHOOK_METHOD: 'PUT', WEBHOOK_CUSTOMHEADERS: 'Authorization:Bearer x,X-Env:1' },
    });
    expect(config.webhook).toMatchObject({ address: `${peer.url}/env`, method: 'PUT', customheaders: { Authorization: 'Bearer x', 'X-Env': '1' } });
    const outputs = createEnabledOutputs(config);
    opened.push(...outputs);
    expect(outputs.map((o) => [o.type, o.name])).toEqual([['webhook', 'webhook']]);
    expect(createEnabledOutputs(loadConfig({ env: {} }))).toEqual([]);
  });

  it('rejects an unreadable CA file, an unknown method and an address that is no URL when created', () => {
    expect(errorCodeOf(() => webhook({ address: peer.url, cacertfile: '/nonexistent/ca.pem' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => webhook({ address: peer.url, method: 'DELETE' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => webhook({ address: 'http://' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => createOutput('pigeon', {}))).toBe('SAKER_ERR_OUTPUT_UNKNOWN_TYPE');
  });
});

describe('webhook output over TLS', () => {
  let pki: TestPki;
  let tlsPeer: HttpPeer;
  let mtlsPeer: HttpPeer;

  beforeAll(async () => {
    pki = createTestPki();
    const server = { cert: pki.read(pki.serverCert), key: pki.read(pki.serverKey) };
    tlsPeer = await startHttpPeer(ok, server);
    mtlsPeer = await startHttpPeer(ok, { ...server, ca: pki.read(pki.caCert), requestCert: true, rejectUnauthorized: true });
  });
  afterAll(async () => {
    await tlsPeer.close();
    await mtlsPeer.close();
    pki.remove();
  });

  it('trusts the configured CA', async () => {
    const [result] = await webhook({ address: tlsPeer.url, cacertfile: pki.caCert }).send([sampleAlert()], context);
    expect(result).toEqual({ status: 'ok' });
  });

  it('refuses a certificate from an untrusted CA as a permanent failure, unless checkcert is off', async () => {
    const [refused] = await webhook({ address: tlsPeer.url, cacertfile: pki.otherCaCert }).send([sampleAlert()], context);
    expect(refused?.status).toBe('permanent');
    const [unchecked] = await webhook({ address: tlsPeer.url, checkcert: false }).send([sampleAlert()], context);
    expect(unchecked).toEqual({ status: 'ok' });
  });

  it('presents the client certificate to a server that requires one', async () => {
    const [result] = await webhook({ address: mtlsPeer.url, cacertfile: pki.caCert, certfile: pki.clientCert, keyfile: pki.clientKey }).send(
      [sampleAlert()],
      context,
    );
    expect(result).toEqual({ status: 'ok' });
    expect(mtlsPeer.requests.at(-1)?.clientCertCN).toBe('saker-client');
    const [without] = await webhook({ address: mtlsPeer.url, cacertfile: pki.caCert }).send([sampleAlert()], context);
    expect(without?.status).not.toBe('ok');
  });

  it("trusts tlsclient.cacertfile for every output, and takes mutualtlsclient's files over the folder", async () => {
    const viaGlobalCa = createOutput('webhook', { address: tlsPeer.url }, 'webhook', { tlsClientCaCertFile: pki.caCert });
    opened.push(viaGlobalCa);
    expect(await viaGlobalCa.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    const explicit = createOutput('webhook', { address: mtlsPeer.url, mutualtls: true }, 'webhook', {
      mutualTlsFilesPath: '/nonexistent',
      mutualTlsClient: { certfile: pki.clientCert, keyfile: pki.clientKey, cacertfile: pki.caCert },
    });
    opened.push(explicit);
    expect(await explicit.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
  });

  it('finds the client files under the mutual TLS path, as falcosidekick names them', async () => {
    const { copyFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    copyFileSync(pki.clientCert, join(pki.dir, 'client.crt'));
    copyFileSync(pki.caCert, join(pki.dir, 'ca.crt'));
    const output = createOutput('webhook', { address: mtlsPeer.url, mutualtls: true }, 'webhook', { mutualTlsFilesPath: pki.dir });
    opened.push(output);
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
  });
});
