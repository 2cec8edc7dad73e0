import { Server, status, type ServerDuplexStream, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { SakerConfig } from '../../common/config/index.js';
import { SakerError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { Ingest } from '../ingest/accept.js';
import { buildAuthCheck } from '../ingest/auth.js';
import type { SidekickMetrics } from '../metrics.js';
import { SIDEKICK_ERRORS } from '../errors.js';
import { refusalFor, serverCredentials } from './credentials.js';
import { FalcoOutputsHub } from './outputs-hub.js';
import { falcoResponseOf } from './falco-response.js';
import { handlePublish, type PublishAck, type PublishRequest } from './publish-service.js';
import { falcoOutputsServiceDefinition, ingestServiceDefinition } from './protos.js';

export interface GrpcIngressOptions {
  config: SakerConfig;
  ingest: Ingest;
  metrics: SidekickMetrics;
  log: Logger;
}

/** The sidekick's gRPC side: `saker.v1.Ingest` and Falco's `falco.outputs.service` on one port. */
export interface GrpcIngress {
  /** Receives every accepted batch (wired to ingest's `published`). */
  readonly hub: FalcoOutputsHub;
  /** The bound port, once listening. */
  readonly port: number | undefined;
  listen(): Promise<number>;
  /** Stops accepting calls, ends subscriber streams, and cancels what is still open after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** `host:port` for grpc-js, with IPv6 literals in brackets. */
function bindAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Raises gRPC's 4 MB default to the HTTP body limit at least, so a batch HTTP takes is taken here too. */
function messageLimit(config: SakerConfig): number {
  return Math.max(config.bodylimit, 4 * 1024 * 1024);
}

export function createGrpcIngress(options: GrpcIngressOptions): GrpcIngress {
  const { config, ingest, log } = options;
  const hub = new FalcoOutputsHub(config.grpc.outputsbuffer, options.metrics.registry);
  const check = buildAuthCheck(config.auth);
  const credentials = serverCredentials(config.tlsserver);
  const server = new Server({ 'grpc.max_receive_message_length': messageLimit(config) });
  let port: number | undefined;
  const publishers = new Set<ServerDuplexStream<PublishRequest, PublishAck>>();

  const refused = (call: ServerDuplexStream<unknown, unknown> | ServerWritableStream<unknown, unknown>, countAsIngest: boolean): boolean => {
    const refusal = refusalFor(check, call.metadata);
    if (!refusal) return false;
    if (countAsIngest) ingest.rejected(refusal.code === status.UNAUTHENTICATED ? 'unauthorized' : 'forbidden');
    call.emit('error', refusal);
    return true;
  };

  const ingestImpl: UntypedServiceImplementation = {
    Publish(call: ServerDuplexStream<PublishRequest, PublishAck>) {
      if (refused(call, true)) return;
      publishers.add(call);
      call.once('close', () => publishers.delete(call));
      handlePublish(ingest, call);
    },
  };
  const outputsImpl: UntypedServiceImplementation = {
    sub(call: ServerDuplexStream<unknown, unknown>) {
      if (refused(call, false)) return;
      // Falco's requests carry no fields; reading them only keeps the stream flowing.
      call.on('data', () => undefined);
      call.on('error', () => undefined);
      hub.subscribe(call);
    },
    get(call: ServerWritableStream<unknown, unknown>) {
      if (refused(call, false)) return;
      call.on('error', () => undefined);
      for (const alert of hub.takePending()) call.write(falcoResponseOf(alert));
      call.end();
    },
  };
  server.addService(ingestServiceDefinition(), ingestImpl);
  server.addService(falcoOutputsServiceDefinition(), outputsImpl);

  return {
    hub,
    get port() {
      return port;
    },
    listen() {
      const host = config.grpc.listenaddress || config.listenaddress || '0.0.0.0';
      const address = bindAddress(host, config.grpc.listenport);
      return new Promise<number>((resolve, reject) => {
        server.bindAsync(address, credentials, (error, bound) => {
          if (error) {
            reject(new SakerError('SAKER_ERR_SIDEKICK_START', `cannot listen for gRPC on ${address}: ${error.message}`, { cause: error }));
            return;
          }
          port = bound;
          log.info({ address: bindAddress(host, bound), tls: config.tlsserver.deploy }, 'sidekick gRPC listening');
          resolve(bound);
        });
      });
    },
    async close(graceMs = 1000) {
      hub.close();
      // Commit what is staged now, which writes those batches' acks; then ending a publisher loses
      // nothing: it resends whatever it has not seen acked, to this sidekick's next start.
      ingest.flush();
      for (const call of publishers) call.emit('error', { code: status.UNAVAILABLE, details: `${SIDEKICK_ERRORS.SHUTTING_DOWN}: the sidekick is stopping` });
      publishers.clear();
      const graceful = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      const timer = setTimeout(() => server.forceShutdown(), graceMs);
      await graceful;
      clearTimeout(timer);
    },
  };
}
