/**
 * containerd lookups through its containers API (gRPC on its unix socket). containerd keeps containers
 * per namespace and wants the namespace in the `containerd-namespace` metadata of every call; we try
 * the configured namespaces in order (Kubernetes' `k8s.io` first, then Docker's `moby` and `default`).
 * With the full id from the cgroup path, `Get` answers; with only the 12-digit id, `List` with an
 * `id~=<prefix>` filter does, as libsinsp asks, and exactly one match counts.
 */
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, status, type Client, type GrpcObject, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../common/package-info.js';
import { containerFromContainerd, type ContainerdContainer } from './containerd-record.js';
import type { ContainerRef, LookupCallOptions, LookupFailure, LookupOutcome, RuntimeClient } from './runtime.js';

/** Namespaces asked when none are configured. */
export const CONTAINERD_NAMESPACES: readonly string[] = ['k8s.io', 'moby', 'default'];

/** Where the containers service definition lives, for clients and test peers alike. */
export const CONTAINERD_PROTO = join(PACKAGE_ROOT, 'proto', 'containerd', 'containers.proto');

export class ContainerdApiError extends Error {
  readonly code = 'SAKER_ERR_CONTAINERD_API';
}

let constructorCache: ServiceClientConstructor | undefined;

/** The generated client constructor for `containerd.services.containers.v1.Containers`. */
export function containersService(): ServiceClientConstructor {
  if (constructorCache) return constructorCache;
  const definition = loadSync(CONTAINERD_PROTO, { keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = loadPackageDefinition(definition) as GrpcObject;
  const v1 = ((pkg.containerd as GrpcObject).services as GrpcObject).containers as GrpcObject;
  constructorCache = (v1.v1 as GrpcObject).Containers as ServiceClientConstructor;
  return constructorCache;
}

/** gRPC statuses that mean what the HTTP clients' failures mean. */
const FAILURE_BY_STATUS: ReadonlyMap<number, LookupFailure> = new Map([
  [status.UNAVAILABLE, 'unavailable'],
  [status.DEADLINE_EXCEEDED, 'timeout'],
  [status.RESOURCE_EXHAUSTED, 'too-large'],
]);

type Unary = (request: object, metadata: Metadata, options: { deadline: number }, callback: (err: ServiceError | null, response?: unknown) => void) => void;

export class ContainerdRuntime implements RuntimeClient {
  readonly kind = 'containerd';
  private client: Client | undefined;

  constructor(
    readonly socket: string,
    private readonly namespaces: readonly string[] = CONTAINERD_NAMESPACES,
  ) {}

  async inspect(ref: ContainerRef, call: LookupCallOptions): Promise<LookupOutcome> {
    try {
      for (const namespace of this.namespaces) {
        const container = await this.find(ref, namespace, call);
        if (container !== undefined) return { kind: 'found', info: containerFromContainerd(ref.id, container) };
      }
      return { kind: 'not-found' };
    } catch (error) {
      const code = (error as Partial<ServiceError>).code;
      const failure = (code === undefined ? undefined : FAILURE_BY_STATUS.get(code)) ?? 'grpc';
      return { kind: 'failed', failure, error: new ContainerdApiError(`containerd at ${this.socket}: ${(error as Error).message}`, { cause: error }) };
    }
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  /** The container in one namespace, undefined when that namespace has none (NOT_FOUND, no match). */
  private async find(ref: ContainerRef, namespace: string, call: LookupCallOptions): Promise<ContainerdContainer | undefined> {
    if (ref.fullId !== undefined) {
      try {
        const res = (await this.unary('Get', { id: ref.fullId }, namespace, call)) as { container?: ContainerdContainer | null };
        return res.container ?? undefined;
      } catch (error) {
        if ((error as Partial<ServiceError>).code === status.NOT_FOUND) return undefined;
        throw error;
      }
    }
    const res = (await this.unary('List', { filters: [`id~=${ref.id}`] }, namespace, call)) as { containers?: ContainerdContainer[] };
    // The filter is a regular expression over the whole id: keep real prefix matches only.
    const matches = (res.containers ?? []).filter((c) => c.id.startsWith(ref.id));
    return matches.length === 1 ? matches[0] : undefined;
  }

  private unary(method: 'Get' | 'List', request: object, namespace: string, call: LookupCallOptions): Promise<unknown> {
    this.client ??= new (containersService())(`unix:${this.socket}`, credentials.createInsecure(), { 'grpc.max_receive_message_length': call.maxBytes });
    const fn = (this.client as unknown as Record<string, Unary>)[method];
    if (fn === undefined) return Promise.reject(new ContainerdApiError(`no ${method} method`));
    const metadata = new Metadata();
    metadata.set('containerd-namespace', namespace);
    return new Promise((resolve, reject) => {
      fn.call(this.client, request, metadata, { deadline: Date.now() + call.timeoutMs }, (err, response) => (err ? reject(err) : resolve(response)));
    });
  }
}
