import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';

/** An AssumeRole call as the STS peer received it: the form parameters and the signer's access key. */
export interface AssumeRoleCall {
  params: Record<string, string>;
  /** Access key id from the request's SigV4 `Authorization` header (who called STS). */
  signedBy: string;
  /** What the peer issued in return. */
  issued: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date };
}

/** A loopback STS answering AssumeRole as AWS does (query protocol, XML), issuing fresh credentials each call. */
export interface StsPeer {
  peer: HttpPeer;
  endpoint: string;
  calls: AssumeRoleCall[];
  /** How long the next issued credentials live, in milliseconds from now. */
  lifetimeMs: number;
  close(): Promise<void>;
}

/** The access key id a SigV4 `Authorization` header names: `Credential=<id>/<date>/<region>/<service>/aws4_request`. */
export function signingKeyOf(headers: IncomingHttpHeaders): string {
  return /Credential=([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? '';
}

export async function startStsPeer(): Promise<StsPeer> {
  const calls: AssumeRoleCall[] = [];
  const state = { lifetimeMs: 3_600_000 };
  const peer = await startHttpPeer((req) => {
    const params = Object.fromEntries(new URLSearchParams(req.body));
    if (params.Action !== 'AssumeRole') {
      return { status: 400, headers: { 'content-type': 'text/xml' }, body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>only AssumeRole</Message></Error></ErrorResponse>' };
    }
    const issued = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: randomBytes(32).toString('base64'),
      expiration: new Date(Math.floor((Date.now() + state.lifetimeMs) / 1000) * 1000),
    };
    calls.push({ params, signedBy: signingKeyOf(req.headers), issued });
    const session = params.RoleSessionName ?? '';
    const body = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>${(params.RoleArn ?? '').replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}</Arn>
      <AssumedRoleId>AROASAKERTEST:${session}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <Expiration>${issued.expiration.toISOString()}</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  });
  return {
    peer,
    endpoint: peer.url,
    calls,
    get lifetimeMs() {
      return state.lifetimeMs;
    },
    set lifetimeMs(value: number) {
      state.lifetimeMs = value;
    },
    close: () => peer.close(),
  };
}

/** A request that went through the recording proxy. */
export interface ProxiedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP proxy that records each request's headers, then forwards it to `target` unchanged. */
export async function startRecordingProxy(target: string): Promise<{ url: string; requests: ProxiedRequest[]; close(): Promise<void> }> {
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ headers: req.headers, body: body.toString('utf8') });
      const headers = { ...req.headers };
      delete headers.connection;
      request(`${target}${req.url ?? '/'}`, { method: req.method as 'POST', headers, body })
        .then(async (answer) => {
          const payload = Buffer.from(await answer.body.arrayBuffer());
          res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'text/xml') });
          res.end(payload);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
