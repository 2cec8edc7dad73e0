import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { addRefusals, limitProduce, PRODUCE_MAX_VERSION, type RefusedPartition } from './kafka-produce-limit.js';
import { frame, FrameSplitter, Reader, response, Writer } from './kafka-wire.js';

/**
 * A loopback Kafka security front: it stands in front of the plaintext-only librdkafka mock broker and
 * behaves like a real broker's SASL_PLAINTEXT, SASL_SSL or SSL listener (or, with neither, a PLAINTEXT
 * one), optionally enforcing a broker's record batch size limit (kafka-produce-limit.ts). Each client connection is paired
 * with one plaintext connection to the mock; the front answers the SASL exchange itself (the mock cannot),
 * refuses anything else until the client authenticated, rewrites the few responses that name brokers
 * (Metadata, FindCoordinator) so the client keeps talking to the front, and forwards the rest byte for byte.
 *
 * Wire facts it relies on (Kafka protocol guide, checked against kafkajs 2.2's encoders): a frame is an
 * int32 size then the message; request header v1 = api_key int16, api_version int16, correlation_id int32,
 * client_id nullable string; response header v0 = correlation_id int32. Only non-flexible versions are
 * spoken, so no tagged fields appear anywhere.
 */

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface KafkaSecureFrontOptions {
  /** The mock cluster's `host:port[,…]` (KafkaMockBroker.brokers); the front opens one listener per broker. */
  upstream: string;
  /** Serve TLS with this certificate; with `clientCa`, demand a client certificate signed by it (mutual TLS). */
  tls?: { cert: string; key: string; clientCa?: string };
  /** Demand SASL with these mechanisms and users (user name → password). */
  sasl?: { mechanisms: readonly SaslMechanism[]; users: Readonly<Record<string, string>> };
  /**
   * Refuse a partition's record batch above this many bytes with MESSAGE_TOO_LARGE, as a broker does above
   * the topic's `max.message.bytes`; the mock itself has no limit.
   */
  maxRecordBytes?: number;
}

/** What happened on one client connection. */
export interface FrontSession {
  /** `host:port` of the front listener the client connected to. */
  listener: string;
  tls: boolean;
  /** CN of the verified client certificate (mutual TLS), if any. */
  clientCertCn: string | undefined;
  mechanism: SaslMechanism | undefined;
  user: string | undefined;
  state: 'authenticating' | 'authenticated' | 'failed' | 'refused';
  /** Why the front failed or refused the connection. */
  reason: string | undefined;
  /** API keys of the requests forwarded to the mock, in order (0 = Produce, 3 = Metadata, …). */
  forwarded: number[];
  /** Partitions refused as larger than `maxRecordBytes`, in order. */
  refused: RefusedPartition[];
  /** Largest partition record batch forwarded to the mock, in bytes (0 unless `maxRecordBytes` is set). */
  largestRecords: number;
}

/** Produce requests the front forwarded to the cluster over these sessions. */
export function producedCount(sessions: readonly FrontSession[]): number {
  return sessions.reduce((n, s) => n + s.forwarded.filter((k) => k === API.Produce).length, 0);
}

export interface KafkaSecureFront {
  /** `host:port[,…]` of the front's listeners, for the producer's `hostport`. */
  brokers: string;
  sessions(): readonly FrontSession[];
  /** TLS handshakes the front's listeners rejected (e.g. no or an untrusted client certificate). */
  tlsErrors(): readonly string[];
  close(): Promise<void>;
}

export const API = {
  Produce: 0,
  Metadata: 3,
  FindCoordinator: 10,
  SaslHandshake: 17,
  ApiVersions: 18,
  SaslAuthenticate: 36,
} as const;

const ERROR = { NONE: 0, UNSUPPORTED_SASL_MECHANISM: 33, UNSUPPORTED_VERSION: 35, SASL_AUTHENTICATION_FAILED: 58 } as const;

/**
 * Highest versions whose responses the front can rewrite (all non-flexible): Produce v0–7, Metadata v0–8
 * and FindCoordinator v0–2; the ApiVersions answer is capped to these, so a client never asks for more.
 * SaslHandshake v0 (raw SASL tokens after it) and v1 (SaslAuthenticate frames) and SaslAuthenticate
 * v0–1 are answered by the front itself.
 */
const ADVERTISED: ReadonlyMap<number, { min?: number; max: number }> = new Map([
  // Produce only for the size limit, whose refusals the front writes in these versions' layout.
  [API.Produce, { max: PRODUCE_MAX_VERSION }],
  [API.Metadata, { max: 8 }],
  [API.FindCoordinator, { max: 2 }],
  [API.SaslHandshake, { min: 0, max: 1 }],
  [API.SaslAuthenticate, { min: 0, max: 1 }],
]);
const MAX_API_VERSIONS_VERSION = 2;

/** SCRAM iterations the front asks for: RFC 7677's minimum, which kafkajs also enforces. */
const SCRAM_ITERATIONS = 4096;

// ---------------------------------------------------------------------------------------------------
// SASL server side

class AuthFailure extends Error {}

/** One mechanism's server-side exchange: each client token in, a server token out, until `done`. */
interface SaslExchange {
  step(token: Buffer): { reply: Buffer; done: boolean };
  /** The authenticated user, once known. */
  user: string | undefined;
}

function sameSecret(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** PLAIN (RFC 4616): one message `authzid NUL authcid NUL passwd`; authzid empty or the user itself, as Kafka requires. */
function plainExchange(users: Readonly<Record<string, string>>): SaslExchange {
  const exchange: SaslExchange = {
    user: undefined,
    step(token) {
      const parts = token.toString('utf8').split('\0');
      if (parts.length !== 3) throw new AuthFailure('Invalid SASL/PLAIN response: expected 3 tokens');
      const [authzid, user, password] = parts as [string, string, string];
      exchange.user = user;
      if (authzid !== '' && authzid !== user) throw new AuthFailure('Authentication failed: Client requested an authorization id that is different from username');
      const known = users[user];
      if (known === undefined || !sameSecret(Buffer.from(known), Buffer.from(password))) {
        throw new AuthFailure('Authentication failed: Invalid username or password');
      }
      return { reply: Buffer.alloc(0), done: true };
    },
  };
  return exchange;
}

/** A user's SCRAM credential as a broker stores it: never the password, only salt, StoredKey and ServerKey. */
interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const SCRAM_HASHES: Readonly<Record<string, { hash: 'sha256' | 'sha512'; length: number }>> = {
  'SCRAM-SHA-256': { hash: 'sha256', length: 32 },
  'SCRAM-SHA-512': { hash: 'sha512', length: 64 },
};

function scramCredential(password: string, hash: 'sha256' | 'sha512', length: number): ScramCredential {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, length, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  return {
    salt,
    iterations: SCRAM_ITERATIONS,
    storedKey: createHash(hash).update(clientKey).digest(),
    serverKey: createHmac(hash, salted).update('Server Key').digest(),
  };
}

/** `k=v,k=v` attributes of a SCRAM message (values may contain `=`). */
function scramAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

/** SCRAM (RFC 5802, RFC 7677) server: client-first → server-first, client-final → server-final. */
function scramExchange(hash: 'sha256' | 'sha512', credentials: ReadonlyMap<string, ScramCredential>): SaslExchange {
  let first: { gs2Header: string; bare: string; serverFirst: string; nonce: string; credential: ScramCredential } | undefined;
  const exchange: SaslExchange = {
    user: undefined,
    step(token) {
      const text = token.toString('utf8');
      if (!first) {
        // gs2-header: channel binding flag ("n" or "y"; "p=" would need channel binding, which Kafka does not offer), authzid.
        const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
        if (!match) throw new AuthFailure('Invalid SCRAM client first message');
        const bare = match[3]!;
        const attributes = scramAttributes(bare);
        const name = attributes.get('n');
        const clientNonce = attributes.get('r');
        if (name === undefined || !clientNonce) throw new AuthFailure('Invalid SCRAM client first message: no user or nonce');
        const user = name.replace(/=2C/g, ',').replace(/=3D/g, '=');
        exchange.user = user;
        const credential = credentials.get(user);
        if (!credential) throw new AuthFailure('Authentication failed: Invalid user credentials');
        const nonce = clientNonce + randomBytes(18).toString('base64');
        const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
        first = { gs2Header: `${match[1]},${match[2] ?? ''},`, bare, serverFirst, nonce, credential };
        return { reply: Buffer.from(serverFirst), done: false };
      }
      const proofAt = text.lastIndexOf(',p=');
      if (proofAt < 0) throw new AuthFailure('Invalid SCRAM client final message: no proof');
      const withoutProof = text.slice(0, proofAt);
      const attributes = scramAttributes(withoutProof);
      if (attributes.get('c') !== Buffer.from(first.gs2Header).toString('base64')) throw new AuthFailure('Invalid SCRAM channel binding');
      if (attributes.get('r') !== first.nonce) throw new AuthFailure('Invalid SCRAM nonce');
      const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
      const authMessage = `${first.bare},${first.serverFirst},${withoutProof}`;
      const { storedKey, serverKey } = first.credential;
      const clientSignature = createHmac(hash, storedKey).update(authMessage).digest();
      if (proof.length !== clientSignature.length) throw new AuthFailure('Authentication failed: Invalid client proof');
      const clientKey = Buffer.from(proof.map((byte, i) => byte ^ clientSignature[i]!));
      if (!sameSecret(createHash(hash).update(clientKey).digest(), storedKey)) {
        throw new AuthFailure('Authentication failed during authentication due to invalid credentials with SASL mechanism');
      }
      const serverSignature = createHmac(hash, serverKey).update(authMessage).digest('base64');
      return { reply: Buffer.from(`v=${serverSignature}`), done: true };
    },
  };
  return exchange;
}

// ---------------------------------------------------------------------------------------------------
// Rewriting responses that carry broker addresses or versions

/** Maps the mock's broker addresses to the front's listeners; an unknown address would let the client bypass the front. */
type AddressMap = (host: string, port: number) => { host: string; port: number };

/** ApiVersions v0–2: error_code [api_key min max] (v1+: throttle_time_ms, copied). */
function rewriteApiVersions(body: Buffer): Buffer {
  const r = new Reader(body);
  const errorCode = r.int16();
  if (errorCode !== ERROR.NONE) return body;
  const count = r.int32();
  const versions = new Map<number, { min: number; max: number }>();
  for (let i = 0; i < count; i++) versions.set(r.int16(), { min: r.int16(), max: r.int16() });
  for (const [key, limit] of ADVERTISED) {
    const upstream = versions.get(key);
    if (limit.min !== undefined) versions.set(key, { min: limit.min, max: limit.max });
    else if (upstream) versions.set(key, { min: upstream.min, max: Math.min(upstream.max, limit.max) });
  }
  const w = new Writer().int16(errorCode).int32(versions.size);
  for (const [key, { min, max }] of [...versions].sort((a, b) => a[0] - b[0])) w.int16(key).int16(min).int16(max);
  return w.raw(r.rest()).buffer();
}

/** Metadata v0–8: [throttle_time_ms (v3+)] [brokers: node_id host port rack (v1+)] …rest copied. */
function rewriteMetadata(body: Buffer, version: number, map: AddressMap): Buffer {
  const r = new Reader(body);
  const w = new Writer();
  if (version >= 3) w.int32(r.int32());
  const count = r.int32();
  w.int32(count);
  for (let i = 0; i < count; i++) {
    w.int32(r.int32());
    const host = r.string() ?? '';
    const to = map(host, r.int32());
    w.string(to.host).int32(to.port);
    if (version >= 1) w.string(r.string());
  }
  return w.raw(r.rest()).buffer();
}

/** FindCoordinator v0: error_code node_id host port; v1–2: throttle_time_ms error_code error_message node_id host port. */
function rewriteFindCoordinator(body: Buffer, version: number, map: AddressMap): Buffer {
  const r = new Reader(body);
  const w = new Writer();
  if (version >= 1) w.int32(r.int32());
  const errorCode = r.int16();
  w.int16(errorCode);
  if (version >= 1) w.string(r.string());
  w.int32(r.int32());
  const host = r.string() ?? '';
  const port = r.int32();
  const to = errorCode === ERROR.NONE ? map(host, port) : { host, port };
  return w.string(to.host).int32(to.port).raw(r.rest()).buffer();
}

const REWRITES: Readonly<Record<number, (body: Buffer, version: number, map: AddressMap) => Buffer>> = {
  [API.ApiVersions]: (body) => rewriteApiVersions(body),
  [API.Metadata]: rewriteMetadata,
  [API.FindCoordinator]: rewriteFindCoordinator,
};

// ---------------------------------------------------------------------------------------------------
// One client connection

interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  body: Buffer;
}

function parseRequest(message: Buffer): RequestHeader {
  const r = new Reader(message);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  r.string(); // client_id
  return { apiKey, apiVersion, correlationId, body: r.rest() };
}

class Connection {
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #session: FrontSession;
  readonly #options: KafkaSecureFrontOptions;
  readonly #credentials: ReadonlyMap<string, ReadonlyMap<string, ScramCredential>>;
  readonly #map: AddressMap;
  /** Forwarded requests whose responses the front rewrites, by correlation id. */
  readonly #rewrites = new Map<number, { rewrite: (body: Buffer) => Buffer; answered: () => void }>();
  #exchange: SaslExchange | undefined;
  /** After SaslHandshake v0 the client sends bare SASL tokens, not SaslAuthenticate requests. */
  #rawTokens = false;
  /** Client frames are handled one after another: an exchange step must not overtake the one before. */
  #queue: Promise<void> = Promise.resolve();

  constructor(
    client: Socket,
    upstream: { host: string; port: number },
    session: FrontSession,
    options: KafkaSecureFrontOptions,
    credentials: ReadonlyMap<string, ReadonlyMap<string, ScramCredential>>,
    map: AddressMap,
  ) {
    this.#client = client;
    this.#session = session;
    this.#options = options;
    this.#credentials = credentials;
    this.#map = map;
    this.#upstream = connect(upstream);
    const fromClient = new FrameSplitter();
    const fromUpstream = new FrameSplitter();
    client.on('data', (chunk: Buffer) => {
      try {
        for (const message of fromClient.push(chunk)) this.#queue = this.#queue.then(() => this.#fromClient(message)).catch((e: unknown) => this.#fail('refused', e));
      } catch (e) {
        this.#fail('refused', e);
      }
    });
    this.#upstream.on('data', (chunk: Buffer) => {
      try {
        for (const message of fromUpstream.push(chunk)) this.#fromUpstream(message);
      } catch (e) {
        this.#fail('refused', e);
      }
    });
    // Backpressure both ways, so neither side's buffer grows without bound.
    this.#upstream.on('drain', () => client.resume());
    client.on('drain', () => this.#upstream.resume());
    const closeBoth = () => {
      client.destroy();
      this.#upstream.destroy();
    };
    client.on('close', closeBoth);
    this.#upstream.on('close', closeBoth);
    client.on('error', () => {});
    this.#upstream.on('error', () => {});
  }

  destroy(): void {
    this.#client.destroy();
    this.#upstream.destroy();
  }

  #toUpstream(data: Buffer): void {
    if (!this.#upstream.write(data)) this.#client.pause();
  }

  #toClient(data: Buffer): void {
    if (!this.#client.write(data)) this.#upstream.pause();
  }

  /** Records why and closes after what was written so far is flushed, as a broker does after a SASL failure. */
  #fail(state: 'failed' | 'refused', why: unknown): void {
    if (this.#session.state !== 'failed' && this.#session.state !== 'refused') {
      this.#session.state = state;
      this.#session.reason = why instanceof Error ? why.message : String(why);
    }
    this.#client.end();
    this.#upstream.destroy();
  }

  async #fromClient(message: Buffer): Promise<void> {
    if (this.#session.state === 'failed' || this.#session.state === 'refused') return;
    if (this.#rawTokens) {
      this.#saslStep(message, (reply) => frame(reply));
      return;
    }
    const request = parseRequest(message);
    if (this.#session.state === 'authenticated') {
      if (request.apiKey === API.SaslHandshake || request.apiKey === API.SaslAuthenticate) {
        throw new Error('SASL request after authentication (re-authentication is not offered)');
      }
      this.#forward(request, message);
      return;
    }
    // Before authentication only ApiVersions and the SASL requests are allowed; a broker closes on anything else.
    switch (request.apiKey) {
      case API.ApiVersions:
        await new Promise<void>((answered) => this.#forward(request, message, answered));
        return;
      case API.SaslHandshake:
        this.#handshake(request);
        return;
      case API.SaslAuthenticate:
        if (!this.#exchange || this.#rawTokens) throw new Error('SaslAuthenticate before a SaslHandshake');
        this.#saslStep(new Reader(request.body).bytes(), (reply, failure) => {
          const w = new Writer()
            .int16(failure === undefined ? ERROR.NONE : ERROR.SASL_AUTHENTICATION_FAILED)
            .string(failure ?? null)
            .bytes(reply);
          if (request.apiVersion >= 1) w.int64(0n); // session_lifetime_ms: 0 = no re-authentication required
          return response(request.correlationId, w.buffer());
        });
        return;
      default:
        throw new Error(`request with api key ${request.apiKey} before authentication`);
    }
  }

  #forward(request: RequestHeader, message: Buffer, answered: () => void = () => {}): void {
    if (request.apiKey === API.ApiVersions && request.apiVersion > MAX_API_VERSIONS_VERSION) {
      // What a broker answers to an ApiVersions version it does not know: error 35 in v0 layout, listing
      // the ApiVersions versions it does support, so the client retries with one of them.
      const body = new Writer().int16(ERROR.UNSUPPORTED_VERSION).int32(1).int16(API.ApiVersions).int16(0).int16(MAX_API_VERSIONS_VERSION);
      this.#toClient(response(request.correlationId, body.buffer()));
      answered();
      return;
    }
    this.#session.forwarded.push(request.apiKey);
    const maxRecordBytes = this.#options.maxRecordBytes;
    if (request.apiKey === API.Produce && maxRecordBytes !== undefined) {
      this.#forwardLimited(request, message, maxRecordBytes);
      answered();
      return;
    }
    const rewrite = REWRITES[request.apiKey];
    if (rewrite) this.#rewrites.set(request.correlationId, { rewrite: (body) => rewrite(body, request.apiVersion, this.#map), answered });
    else answered();
    this.#toUpstream(frame(message));
  }

  /**
   * A Produce under a size limit: the partitions that fit go to the mock, the others are answered
   * MESSAGE_TOO_LARGE in the mock's response. A request with nothing left still goes (with no topics),
   * so responses keep the order of their requests on the connection, as a broker's do.
   */
  #forwardLimited(request: RequestHeader, message: Buffer, maxRecordBytes: number): void {
    const limited = limitProduce(request.body, request.apiVersion, maxRecordBytes);
    this.#session.largestRecords = Math.max(this.#session.largestRecords, limited.largestForwarded);
    if (limited.refused.length === 0) {
      this.#toUpstream(frame(message));
      return;
    }
    this.#session.refused.push(...limited.refused);
    if (!limited.noResponse) {
      this.#rewrites.set(request.correlationId, { rewrite: (body) => addRefusals(body, request.apiVersion, limited.refused), answered: () => {} });
    }
    const header = message.subarray(0, message.length - request.body.length);
    this.#toUpstream(frame(Buffer.concat([header, limited.body])));
  }

  #fromUpstream(message: Buffer): void {
    const correlationId = message.readInt32BE(0);
    const pending = this.#rewrites.get(correlationId);
    if (!pending) {
      this.#toClient(frame(message));
      return;
    }
    this.#rewrites.delete(correlationId);
    this.#toClient(response(correlationId, pending.rewrite(message.subarray(4))));
    pending.answered();
  }

  #handshake(request: RequestHeader): void {
    const enabled = this.#options.sasl?.mechanisms ?? [];
    const asked = new Reader(request.body).string() ?? '';
    const mechanism = enabled.find((m) => m === asked);
    const w = new Writer().int16(mechanism ? ERROR.NONE : ERROR.UNSUPPORTED_SASL_MECHANISM).int32(enabled.length);
    for (const m of enabled) w.string(m);
    this.#toClient(response(request.correlationId, w.buffer()));
    if (!mechanism) {
      this.#fail('failed', new Error(`unsupported SASL mechanism ${asked}`));
      return;
    }
    this.#session.mechanism = mechanism;
    const users = this.#options.sasl?.users ?? {};
    const hash = SCRAM_HASHES[mechanism];
    this.#exchange = hash ? scramExchange(hash.hash, this.#credentials.get(mechanism) ?? new Map()) : plainExchange(users);
    this.#rawTokens = request.apiVersion === 0;
  }

  /** Runs one exchange step and answers with `encode`; a failed step is answered, then the connection closed. */
  #saslStep(token: Buffer, encode: (reply: Buffer, failure?: string) => Buffer): void {
    const exchange = this.#exchange!;
    let step: { reply: Buffer; done: boolean };
    try {
      step = exchange.step(token);
    } catch (e) {
      if (!(e instanceof AuthFailure)) throw e;
      this.#session.user = exchange.user;
      // SaslHandshake v0 clients get no error message: the broker just closes the connection.
      if (!this.#rawTokens) this.#toClient(encode(Buffer.alloc(0), e.message));
      this.#fail('failed', e);
      return;
    }
    this.#toClient(encode(step.reply));
    if (step.done) {
      this.#session.user = exchange.user;
      this.#session.state = 'authenticated';
      this.#exchange = undefined;
      this.#rawTokens = false;
    }
  }
}

// ---------------------------------------------------------------------------------------------------

function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

/** Starts one front listener per mock broker on 127.0.0.1; resolves once all listen. */
export async function startKafkaSecureFront(options: KafkaSecureFrontOptions): Promise<KafkaSecureFront> {
  const upstreams = options.upstream.split(',').map((a) => splitAddress(a.trim()));
  const sessions: FrontSession[] = [];
  const tlsErrors: string[] = [];
  const connections = new Set<Connection>();
  const credentials = new Map<string, Map<string, ScramCredential>>();
  for (const mechanism of options.sasl?.mechanisms ?? []) {
    const hash = SCRAM_HASHES[mechanism];
    if (!hash) continue;
    credentials.set(mechanism, new Map(Object.entries(options.sasl?.users ?? {}).map(([user, password]) => [user, scramCredential(password, hash.hash, hash.length)])));
  }
  const fronts: { host: string; port: number }[] = [];
  const map: AddressMap = (host, port) => {
    const index = upstreams.findIndex((u) => u.port === port && u.host === host);
    const to = fronts[index];
    if (!to) throw new Error(`the mock named broker ${host}:${port}, which has no front listener`);
    return to;
  };
  const servers: Server[] = [];
  for (const upstream of upstreams) {
    let listener = '';
    const accept = (client: Socket, clientCertCn: string | undefined) => {
      const session: FrontSession = {
        listener,
        tls: options.tls !== undefined,
        clientCertCn,
        mechanism: undefined,
        user: undefined,
        state: options.sasl ? 'authenticating' : 'authenticated',
        reason: undefined,
        forwarded: [],
        refused: [],
        largestRecords: 0,
      };
      sessions.push(session);
      const connection = new Connection(client, upstream, session, options, credentials, map);
      connections.add(connection);
      client.once('close', () => connections.delete(connection));
    };
    let server: Server;
    if (options.tls) {
      const mutual = options.tls.clientCa !== undefined;
      server = createTlsServer(
        { cert: options.tls.cert, key: options.tls.key, ...(mutual ? { ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) },
        (socket: TLSSocket) => {
          const cn = mutual ? socket.getPeerCertificate().subject?.CN : undefined;
          accept(socket, Array.isArray(cn) ? cn.join(',') : cn);
        },
      );
      server.on('tlsClientError', (error: Error) => tlsErrors.push(error.message));
    } else {
      server = createTcpServer((socket) => accept(socket, undefined));
    }
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('front listener has no port');
    fronts.push({ host: '127.0.0.1', port: address.port });
    listener = `127.0.0.1:${address.port}`;
    servers.push(server);
  }
  return {
    brokers: fronts.map((f) => `${f.host}:${f.port}`).join(','),
    sessions: () => sessions,
    tlsErrors: () => tlsErrors,
    async close() {
      for (const connection of connections) connection.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
