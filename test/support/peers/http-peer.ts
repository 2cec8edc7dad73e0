import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gunzipSync } from 'node:zlib';

/** One request as the peer received it (body decompressed when it came gzip-encoded). */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Body bytes as they arrived on the wire. */
  rawBody: Buffer;
  /** Body text after `Content-Encoding: gzip` is undone. */
  body: string;
  /** Subject CN of the client certificate, when the client presented one over TLS. */
  clientCertCN?: string;
}

/** A scripted reply: status, headers and body. */
export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the connection stays open until the peer closes): a stalled receiver. */
  hang?: boolean;
}

/** Decides the reply to a request that no scripted reply claimed. */
export type Handler = (request: RecordedRequest) => ScriptedReply;

/** A loopback HTTP(S) server that records requests and answers from a script, then from its handler. */
export interface HttpPeer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replies used, in order, before the handler is consulted again. */
  script(...replies: ScriptedReply[]): void;
  /** Resolves once `count` requests have arrived (bounded by `timeoutMs`). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startHttpPeer(handler: Handler, tls?: HttpsOptions): Promise<HttpPeer> {
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedReply[] = [];
  const waiters: (() => void)[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const gzip = req.headers['content-encoding'] === 'gzip';
      const peerCert = tls ? (req.socket as TLSSocket).getPeerCertificate() : undefined;
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body: (gzip ? gunzipSync(rawBody) : rawBody).toString('utf8'),
        ...(peerCert?.subject?.CN ? { clientCertCN: String(peerCert.subject.CN) } : {}),
      };
      requests.push(recorded);
      const reply = scripted.shift() ?? handler(recorded);
      for (const wake of waiters.splice(0)) wake();
      if (reply.hang) return;
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createHttpServer(onRequest);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    script: (...replies) => scripted.push(...replies),
    async waitForRequests(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} requests, got ${requests.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests.slice(0, count);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
