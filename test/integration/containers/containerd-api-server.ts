// A local stand-in for containerd's containers service (containerd.services.containers.v1.Containers)
// over gRPC on a unix socket, built from the same field numbers as containerd's containers.proto. Like
// containerd it keeps containers per namespace and reads the namespace from the `containerd-namespace`
// metadata (none: FAILED_PRECONDITION), answers Get for an exact id (unknown: NOT_FOUND), and List with
// `id~=<regexp>` filters (any of which may match). The spec travels as an Any holding OCI JSON. Its
// images service answers Get by name, per namespace, with the descriptor the name points at.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { containersService, imagesService } from '../../../detector/containers/index.js';

export interface FakeContainerdContainer {
  namespace: string;
  id: string;
  image: string;
  labels?: Record<string, string>;
  /** The OCI runtime spec, or undefined for a record without one. */
  spec?: object;
}

/** An OCI spec like the CRI plugin writes: privileged ones keep CAP_SYS_ADMIN and no masked paths. */
export function ociSpec(privileged: boolean): object {
  const caps = privileged ? ['CAP_CHOWN', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE'] : ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  return {
    ociVersion: '1.1.0',
    process: { user: { uid: 0, gid: 0 }, args: ['nginx'], env: ['PATH=/usr/bin'], cwd: '/', capabilities: { bounding: caps, effective: caps, permitted: caps } },
    root: { path: 'rootfs' },
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/etc/hosts', type: 'bind', source: '/var/lib/kubelet/pods/x/etc-hosts', options: ['rbind', 'rprivate', 'ro'] },
    ],
    linux: privileged
      ? { rootfsPropagation: 'rprivate', namespaces: [{ type: 'pid' }, { type: 'mount' }] }
      : { rootfsPropagation: 'rprivate', namespaces: [{ type: 'pid' }, { type: 'mount' }], maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys'], readonlyPaths: ['/proc/bus', '/proc/sys'] },
  };
}

interface Wire {
  id: string;
  labels: Record<string, string>;
  image: string;
  spec: { type_url: string; value: Buffer } | null;
  created_at: { seconds: string; nanos: number };
}

function toWire(c: FakeContainerdContainer): Wire {
  return {
    id: c.id,
    labels: c.labels ?? {},
    image: c.image,
    spec: c.spec ? { type_url: 'types.containerd.io/opencontainers/runtime-spec/1/Spec', value: Buffer.from(JSON.stringify(c.spec)) } : null,
    created_at: { seconds: '1714979289', nanos: 123456789 },
  };
}

export class FakeContainerdApi {
  readonly socketPath: string;
  /** `Method namespace argument` per containers call, in order. */
  readonly calls: string[] = [];
  /** `Get namespace name` per images call, in order. */
  readonly imageCalls: string[] = [];
  private readonly images: { namespace: string; name: string; digest: string }[] = [];
  private readonly dir: string;
  private readonly server = new Server();
  private readonly containers: FakeContainerdContainer[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'saker-containerd-'));
    this.socketPath = join(this.dir, 'containerd.sock');
    this.server.addService(containersService().service, {
      Get: (call: ServerUnaryCall<{ id: string }, unknown>, done: sendUnaryData<unknown>) => this.get(call, done),
      List: (call: ServerUnaryCall<{ filters: string[] }, unknown>, done: sendUnaryData<unknown>) => this.list(call, done),
    });
    this.server.addService(imagesService().service, {
      Get: (call: ServerUnaryCall<{ name: string }, unknown>, done: sendUnaryData<unknown>) => this.getImage(call, done),
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => this.server.bindAsync(`unix:${this.socketPath}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  addContainer(c: FakeContainerdContainer): void {
    this.containers.push(c);
  }

  /** An image record: `name` points at a manifest (or index) with this digest. */
  addImage(image: { namespace: string; name: string; digest: string }): void {
    this.images.push(image);
  }

  private getImage(call: ServerUnaryCall<{ name: string }, unknown>, done: sendUnaryData<unknown>): void {
    const ns = this.namespace(call, done);
    this.imageCalls.push(`Get ${ns ?? '-'} ${call.request.name}`);
    if (ns === undefined) return;
    const found = this.images.find((i) => i.namespace === ns && i.name === call.request.name);
    if (!found) return done({ code: status.NOT_FOUND, details: `image "${call.request.name}": not found` });
    const target = { media_type: 'application/vnd.oci.image.index.v1+json', digest: found.digest, size: '1609' };
    done(null, { image: { name: found.name, labels: {}, target } });
  }

  private namespace(call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>): string | undefined {
    const ns = call.metadata.get('containerd-namespace')[0];
    if (typeof ns !== 'string' || ns === '') {
      done({ code: status.FAILED_PRECONDITION, details: 'namespace is required: failed precondition' });
      return undefined;
    }
    return ns;
  }

  private get(call: ServerUnaryCall<{ id: string }, unknown>, done: sendUnaryData<unknown>): void {
    const ns = this.namespace(call, done);
    this.calls.push(`Get ${ns ?? '-'} ${call.request.id}`);
    if (ns === undefined) return;
    const found = this.containers.find((c) => c.namespace === ns && c.id === call.request.id);
    if (!found) return done({ code: status.NOT_FOUND, details: `container "${call.request.id}" in namespace "${ns}": not found` });
    done(null, { container: toWire(found) });
  }

  private list(call: ServerUnaryCall<{ filters: string[] }, unknown>, done: sendUnaryData<unknown>): void {
    const ns = this.namespace(call, done);
    this.calls.push(`List ${ns ?? '-'} ${call.request.filters.join('|')}`);
    if (ns === undefined) return;
    const patterns = call.request.filters.map((f) => {
      const m = /^id~=(.*)$/.exec(f);
      if (!m) throw new Error(`filter not supported by the fake: ${f}`);
      return new RegExp(m[1] ?? '');
    });
    const containers = this.containers.filter((c) => c.namespace === ns && (patterns.length === 0 || patterns.some((p) => p.test(c.id))));
    done(null, { containers: containers.map(toWire) });
  }
}
