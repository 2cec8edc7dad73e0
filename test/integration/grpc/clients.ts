import { join } from 'node:path';
import { credentials as grpcCredentials, loadPackageDefinition, Metadata, type ChannelCredentials, type ClientDuplexStream, type ClientReadableStream, type GrpcObject, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../../common/package-info.js';

/**
 * gRPC clients built from the repository's .proto files alone, the way a third-party tool generates
 * its client: nothing from the server's code is shared.
 */
const PROTO = join(PACKAGE_ROOT, 'proto');
const LOADER = { keepCase: true, longs: String, enums: String, defaults: true } as const;

function constructor(file: string, includeDir: string, path: string[]): ServiceClientConstructor {
  let node: unknown = loadPackageDefinition(loadSync(join(includeDir, file), { ...LOADER, includeDirs: [includeDir] }));
  for (const name of path) node = (node as GrpcObject)[name];
  return node as ServiceClientConstructor;
}

export interface Ack {
  batch_id: string;
  uuids: string[];
  rejection: { code: string; message: string; problems: { path: string; message: string }[]; retryable: boolean; retry_after_ms: number } | null;
}

/** A `saker.v1.Ingest/Publish` stream that sends one batch at a time and returns its ack. */
export interface PublishClient {
  send(alerts: string[]): Promise<Ack>;
  /** Resolves with the status the server ended the stream with. */
  ended: Promise<ServiceError | undefined>;
  close(): void;
}

export function publishClient(address: string, options: { authorization?: string; channel?: ChannelCredentials } = {}): PublishClient {
  const Ingest = constructor('saker/v1/ingest.proto', PROTO, ['saker', 'v1', 'Ingest']);
  const client = new Ingest(address, options.channel ?? grpcCredentials.createInsecure());
  const metadata = new Metadata();
  if (options.authorization) metadata.set('authorization', options.authorization);
  const stream = (client as unknown as { Publish(m: Metadata): ClientDuplexStream<object, Ack> }).Publish(metadata);
  const acks: Ack[] = [];
  const waiters: ((ack: Ack) => void)[] = [];
  stream.on('data', (ack: Ack) => {
    const waiter = waiters.shift();
    if (waiter) waiter(ack);
    else acks.push(ack);
  });
  const ended = new Promise<ServiceError | undefined>((resolve) => {
    stream.on('error', (error: ServiceError) => resolve(error));
    stream.on('end', () => resolve(undefined));
  });
  let batchId = 0;
  return {
    send(alerts) {
      stream.write({ batch_id: ++batchId, alerts });
      const ready = acks.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<Ack>((resolve, reject) => {
        waiters.push(resolve);
        void ended.then((error) => reject(error ?? new Error('stream ended before the ack')));
      });
    },
    ended,
    close() {
      stream.end();
      client.close();
    },
  };
}

/** `falco.outputs.response` as a client decodes it (enums as names, int64 as strings). */
export interface FalcoResponse {
  time: { seconds: string; nanos: number };
  priority: string;
  source_deprecated: string;
  rule: string;
  output: string;
  output_fields: Record<string, string>;
  hostname: string;
  tags: string[];
  source: string;
}

/** A client for Falco's `falco.outputs.service`, built from proto/falco/outputs.proto. */
export function falcoOutputsClient(address: string, authorization?: string) {
  const Service = constructor('outputs.proto', join(PROTO, 'falco'), ['falco', 'outputs', 'service']);
  const client = new Service(address, grpcCredentials.createInsecure());
  const metadata = () => {
    const m = new Metadata();
    if (authorization) m.set('authorization', authorization);
    return m;
  };
  const api = client as unknown as {
    sub(m: Metadata): ClientDuplexStream<object, FalcoResponse>;
    get(request: object, m: Metadata): ClientReadableStream<FalcoResponse>;
  };
  return {
    sub: () => api.sub(metadata()),
    /** Every response `get` streams, once the server ends the call. */
    get: () =>
      new Promise<FalcoResponse[]>((resolve, reject) => {
        const received: FalcoResponse[] = [];
        const call = api.get({}, metadata());
        call.on('data', (r: FalcoResponse) => received.push(r));
        call.on('error', reject);
        call.on('end', () => resolve(received));
      }),
    close: () => client.close(),
  };
}
