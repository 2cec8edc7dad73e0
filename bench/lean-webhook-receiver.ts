import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A webhook receiver for benchmarks: HTTP/1.1 over keep-alive connections, every request read in full
 * (Content-Length or chunked body) and answered `200` with an empty body, in order, pipelined requests
 * included. It stands in for a receiver on another machine: on a benchmark machine it shares the cores
 * with the sender under test, and Node's HTTP server spends several times the sender's budget per
 * request on parsing, streams and response objects this receiver has no use for. What a webhook
 * receiver must do (read the body, answer 2xx) it does; what the integration tests check (signatures,
 * scripted failures, TLS) stays with `test/support/peers/http-peer.ts`.
 */
export interface LeanReceiver {
  url: string;
  close(): Promise<void>;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const OK = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nkeep-alive: timeout=60\r\n\r\n');
const BAD = Buffer.from('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');

/** Largest head or body accepted; more is answered 400 and the connection closed. */
const MAX_BYTES = 16 * 1024 * 1024;

/** Parses one connection's byte stream into requests; `onBody` gets each request's body, in order. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  /** What the next bytes are: a request head, the rest of a Content-Length body, or body chunks. */
  private want: { kind: 'head' } | { kind: 'length'; left: number } | { kind: 'chunked' } = { kind: 'head' };
  /** The body read so far of the request being read. */
  private parts: Buffer[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly onBody: (body: Buffer) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const answers: Buffer[] = [];
    try {
      while (this.step(answers));
    } catch {
      answers.push(BAD);
      this.socket.end(Buffer.concat(answers));
      return;
    }
    // One write per chunk read, however many (pipelined) requests it completed.
    if (answers.length > 0) this.socket.write(answers.length === 1 ? (answers[0] as Buffer) : Buffer.concat(answers));
  }

  /** Consumes what the buffer holds of the current request; true when it completed one and more may follow. */
  private step(answers: Buffer[]): boolean {
    if (this.want.kind === 'head') {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_BYTES) throw new Error('head too large');
        return false;
      }
      const head = this.buffer.toString('latin1', 0, end).toLowerCase();
      this.buffer = this.buffer.subarray(end + HEADER_END.length);
      const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
      if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) this.want = { kind: 'chunked' };
      else this.want = { kind: 'length', left: length ? Number(length[1]) : 0 };
      if (this.want.kind === 'length' && this.want.left > MAX_BYTES) throw new Error('body too large');
      this.parts = [];
    }
    if (this.want.kind === 'length') {
      const take = Math.min(this.want.left, this.buffer.length);
      if (take > 0) this.parts.push(this.buffer.subarray(0, take));
      this.buffer = this.buffer.subarray(take);
      this.want.left -= take;
      if (this.want.left > 0) return false;
      this.finish(this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts), answers);
      return true;
    }
    // Chunked: "<hex size>[;ext]\r\n<data>\r\n" until a zero size, then trailers up to an empty line.
    for (;;) {
      const lineEnd = this.buffer.indexOf(CRLF);
      if (lineEnd < 0) return false;
      const size = Number.parseInt(this.buffer.toString('latin1', 0, lineEnd), 16);
      if (Number.isNaN(size) || size > MAX_BYTES) throw new Error('bad chunk size');
      if (size === 0) {
        // The last chunk's line ends where the (usually empty) trailer section's closing empty line starts.
        const end = this.buffer.indexOf(HEADER_END, lineEnd);
        if (end < 0) return false;
        this.buffer = this.buffer.subarray(end + HEADER_END.length);
        this.finish(Buffer.concat(this.parts), answers);
        return true;
      }
      const dataStart = lineEnd + CRLF.length;
      if (this.buffer.length < dataStart + size + CRLF.length) return false;
      this.parts.push(this.buffer.subarray(dataStart, dataStart + size));
      this.buffer = this.buffer.subarray(dataStart + size + CRLF.length);
    }
  }

  private finish(body: Buffer, answers: Buffer[]): void {
    this.want = { kind: 'head' };
    this.onBody(body);
    answers.push(OK);
  }
}

/** Starts the receiver on a free loopback port; `onBody` sees every request body as it completes. */
export async function startLeanReceiver(onBody: (body: Buffer) => void): Promise<LeanReceiver> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, onBody);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
