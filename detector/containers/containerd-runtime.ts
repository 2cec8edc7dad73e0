/**
 * containerd lookups through its containers API (gRPC on its unix socket). containerd keeps containers
 * per namespace and wants the namespace in the `containerd-namespace` metadata of every call; we try
 * the configured namespaces in order (Kubernetes' `k8s.io` first, then Docker's `moby` and `default`).
 * With the full id from the cgroup path, `Get` answers; with only the 12-digit id, `List` with an
 * `id~=<prefix>` filter does, as libsinsp asks, and exactly one match counts.
 *
 * The container record names its image but not the image's digest: as Falco's containerd engine does,
 * the images API's `Get` for that name gives the descriptor it points at, whose digest is
 * `container.image.digest`. An image containerd no longer has (or an images call that fails) leaves the
 * digest unknown; the container is still found.
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

/** Where the images service definition lives. */
export const CONTAINERD_IMAGES_PROTO = join(PACKAGE_ROOT, 'proto', 'containerd', 'images.proto');

export class ContainerdApiError extends Error {
  readonly code = 'SAKER_ERR_CONTAINERD_API';
}

const constructorCache = new Map<string, ServiceClientConstructor>();

/** The generated client constructor for `containerd.services.<api>.v1.<Service>` from `file`. */
function service(file: string, api: string, name: string): ServiceClientConstructor {
  const cached = constructorCache.get(name);
  if (cached) return cached;
  const definition = loadSync(file, { keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = loadPackageDefinition(definition) as GrpcObject;
  const v1 = ((pkg.containerd as GrpcObject).services as GrpcObject)[api] as GrpcObject;
  const ctor = (v1.v1 as GrpcObject)[name] as ServiceClientConstructor;
  constructorCache.set(name, ctor);
  return ctor;
}

/** The generated client constructor for `containerd.services.containers.v1.Containers`. */
export function containersService(): ServiceClientConstructor {
  return service(CONTAINERD_PROTO, 'containers', 'Containers');
}

/** The generated client constructor for `containerd.services.images.v1.Images`. */
export function imagesService(): ServiceClientConstructor {
  return service(CONTAINERD_IMAGES_PROTO, 'images', 'Images');
}

/** The image record as proto-loader decodes it (only what we read). */
interface ContainerdImage {
  name?: string;
  target?: { digest?: string } | null;
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
  private images: Client | undefined;

  constructor(
    readonly socket: string,
    private readonly namespaces: readonly string[] = CONTAINERD_NAMESPACES,
  ) {}

  async inspect(ref: ContainerRef, call: LookupCallOptions): Promise<LookupOutcome> {
    try {
      for (const namespace of this.namespaces) {
        const container = await this.find(ref, namespace, call);
        if (container !== undefined) return { kind: 'found', info: containerFromContainerd(ref.id, container, await this.imageDigest(container.image, namespace, call)) };
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
    this.images?.close();
    this.images = undefined;
  }

  /**
   * The digest of the image `name` in `namespace`, or undefined when the name carries none and the
   * images API does not know it (removed, or pulled under another name) or fails.
   */
  private async imageDigest(name: string, namespace: string, call: LookupCallOptions): Promise<string | undefined> {
    if (name === '' || name.includes('@')) return undefined;
    this.images ??= new (imagesService())(`unix:${this.socket}`, credentials.createInsecure(), { 'grpc.max_receive_message_length': call.maxBytes });
    try {
      const res = (await this.call(this.images, 'Get', { name }, namespace, call)) as { image?: ContainerdImage | null };
      const digest = res.image?.target?.digest;
      return digest ? digest : undefined;
    } catch {
      return undefined;
    }
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
    return this.call(this.client, method, request, namespace, call);
  }

  private call(client: Client, method: string, request: object, namespace: string, call: LookupCallOptions): Promise<unknown> {
    const fn = (client as unknown as Record<string, Unary>)[method];
    if (fn === undefined) return Promise.reject(new ContainerdApiError(`no ${method} method`));
    const metadata = new Metadata();
    metadata.set('containerd-namespace', namespace);
    return new Promise((resolve, reject) => {
      fn.call(client, request, metadata, { deadline: Date.now() + call.timeoutMs }, (err, response) => (err ? reject(err) : resolve(response)));
    });
  }
}
