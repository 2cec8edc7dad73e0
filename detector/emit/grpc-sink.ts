import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, status, type ClientDuplexStream, type GrpcObject, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { SakerError } from '../../common/errors.js';
import { PACKAGE_ROOT } from '../../common/package-info.js';
import { stringifyJson, type Alert } from '../../contract/index.js';
import type { AlertSink, SinkResult } from './sink.js';

export interface GrpcSinkOptions {
  /** The sidekick's gRPC ingest, `host:port`. */
  address: string;
  /** How long one batch may wait for its ack before the stream is dropped and the batch retried. */
  timeoutMs: number;
  /** PEM CA that signed the sidekick's certificate: TLS when set, plaintext otherwise. */
  rootCert?: Buffer;
  /** Client certificate and key, for a sidekick with mutual TLS. */
  clientCert?: { cert: Buffer; key: Buffer };
  /** Sent as `authorization` metadata, e.g. `Bearer <token>`. */
  authorization?: string;
}

interface PublishAck {
  batch_id: number;
  uuids: string[];
  rejection?: { code: string; message: string; retryable: boolean; retry_after_ms: number } | null;
}

type PublishStream = ClientDuplexStream<{ batch_id: number; alerts: string[] }, PublishAck>;

/** Statuses that retrying the same batch cannot fix: the server refuses this client or this batch. */
const PERMANENT_STATUSES: ReadonlySet<number> = new Set([
  status.UNAUTHENTICATED,
  status.PERMISSION_DENIED,
  status.INVALID_ARGUMENT,
  status.RESOURCE_EXHAUSTED,
  status.UNIMPLEMENTED,
]);

function ingestClientConstructor(): ServiceClientConstructor {
  const definition = loadSync(join(PACKAGE_ROOT, 'proto', 'saker', 'v1', 'ingest.proto'), { keepCase: true, longs: Number, enums: Number, defaults: true });
  const saker = loadPackageDefinition(definition).saker as GrpcObject;
  return (saker.v1 as GrpcObject).Ingest as ServiceClientConstructor;
}

/**
 * Sends alert batches to the sidekick over one long-lived `saker.v1.Ingest/Publish` stream, one batch
 * at a time (the emitter waits for each result), and turns each ack into the emitter's verdict: done,
 * retry later, or drop as invalid. A broken stream is reopened on the next send.
 */
export class GrpcSink implements AlertSink {
  private readonly client: InstanceType<ServiceClientConstructor>;
  private stream: PublishStream | undefined;
  private nextBatchId = 1;
  private waiting: { batchId: number; settle: (result: SinkResult) => void } | undefined;

  constructor(private readonly options: GrpcSinkOptions) {
    const channel = options.rootCert
      ? credentials.createSsl(options.rootCert, options.clientCert?.key ?? null, options.clientCert?.cert ?? null)
      : credentials.createInsecure();
    const Client = ingestClientConstructor();
    // Reconnect quickly after a sidekick restart: grpc-js backs off up to 120 s by default.
    this.client = new Client(options.address, channel, { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 5000 });
  }

  send(alerts: readonly Alert[]): Promise<SinkResult> {
    const stream = this.openStream();
    const batchId = this.nextBatchId++;
    return new Promise<SinkResult>((resolve) => {
      const timer = setTimeout(() => {
        this.fail(`no ack from ${this.options.address} within ${this.options.timeoutMs} ms`);
      }, this.options.timeoutMs);
      this.waiting = {
        batchId,
        settle: (result) => {
          clearTimeout(timer);
          this.waiting = undefined;
          resolve(result);
        },
      };
      stream.write({ batch_id: batchId, alerts: alerts.map((alert) => stringifyJson(alert)) });
    });
  }

  async close(): Promise<void> {
    this.fail('the sink is closing');
    this.client.close();
  }

  private openStream(): PublishStream {
    if (this.stream) return this.stream;
    const metadata = new Metadata();
    if (this.options.authorization) metadata.set('authorization', this.options.authorization);
    const stream = (this.client as unknown as { Publish(metadata: Metadata): PublishStream }).Publish(metadata);
    stream.on('data', (ack: PublishAck) => this.onAck(ack));
    stream.on('error', (error: ServiceError) => this.onStreamEnd(stream, error));
    stream.on('end', () => this.onStreamEnd(stream, undefined));
    this.stream = stream;
    return stream;
  }

  private onAck(ack: PublishAck): void {
    const waiting = this.waiting;
    // An ack for a batch given up on (timed out) belongs to nobody: that batch is being resent.
    if (!waiting || ack.batch_id !== waiting.batchId) return;
    const rejection = ack.rejection;
    if (!rejection) return waiting.settle({ ok: true });
    const reason = `${rejection.code} from ${this.options.address}: ${rejection.message}`;
    if (!rejection.retryable) return waiting.settle({ ok: false, permanent: true, reason });
    waiting.settle({ ok: false, permanent: false, reason, retryAfterMs: rejection.retry_after_ms || undefined });
  }

  private onStreamEnd(stream: PublishStream, error: ServiceError | undefined): void {
    if (this.stream === stream) this.stream = undefined;
    const waiting = this.waiting;
    if (!waiting) return;
    const reason = error ? `gRPC ${status[error.code] ?? error.code} from ${this.options.address}: ${error.details}` : `${this.options.address} ended the stream`;
    waiting.settle(error && PERMANENT_STATUSES.has(error.code) ? { ok: false, permanent: true, reason } : { ok: false, permanent: false, reason });
  }

  /** Gives up on the batch in flight (retried later) and drops the stream, whose state is unknown. */
  private fail(reason: string): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
    this.waiting?.settle({ ok: false, permanent: false, reason: `cannot deliver to ${this.options.address}: ${reason}` });
  }
}

/** Reads the PEM files a TLS link needs, naming the file that cannot be read. */
export function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new SakerError('SAKER_ERR_CONFIG_FILE', `${key}: cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}
