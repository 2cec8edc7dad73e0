// A local stand-in for CRI-O's inspect endpoint on a unix socket. It answers GET /containers/{id} the
// way cri-o's server/inspect.go does: the exact container id only (no prefixes), a JSON object shaped
// like its pkg/types ContainerInfo (snake_case keys, created_time in ns, labels and annotations as
// string maps), and for an unknown id a 404 whose body is Go's http.Error plain text.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeCrioContainer {
  id: string;
  /** The Kubernetes container name (label io.kubernetes.container.name). */
  container: string;
  pod: string;
  namespace: string;
  image: string;
  imageId: string;
  /** `image_ref` when it is not the image id (newer CRI-O: `<repository>@sha256:<digest>`). */
  imageRef?: string;
  /** The pod's io.kubernetes.cri-o.PrivilegedRuntime annotation. */
  privilegedRuntime: boolean;
  ip?: string;
}

function inspectDoc(c: FakeCrioContainer): object {
  const labels = {
    'io.kubernetes.container.name': c.container,
    'io.kubernetes.pod.name': c.pod,
    'io.kubernetes.pod.namespace': c.namespace,
    'io.kubernetes.pod.uid': '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  };
  return {
    name: `k8s_${c.container}_${c.pod}_${c.namespace}_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0_0`,
    pid: 31337,
    image: c.image,
    image_ref: c.imageRef ?? c.imageId,
    created_time: 0, // replaced by an int64 in ns in the JSON text, as Go writes it
    labels,
    annotations: {
      'io.kubernetes.container.hash': '8a4f2c1d',
      'io.kubernetes.cri-o.ContainerID': c.id,
      'io.kubernetes.cri-o.Labels': JSON.stringify(labels),
      'io.kubernetes.cri-o.PrivilegedRuntime': String(c.privilegedRuntime),
      'io.kubernetes.cri-o.SandboxID': '9'.repeat(64),
    },
    crio_annotations: {},
    log_path: `/var/log/pods/${c.namespace}_${c.pod}/${c.container}/0.log`,
    root: `/var/lib/containers/storage/overlay/${c.id}/merged`,
    sandbox: '9'.repeat(64),
    ip_addresses: c.ip ? [c.ip] : [],
  };
}

export class FakeCrioApi {
  readonly socketPath: string;
  readonly requests: string[] = [];
  private readonly dir: string;
  private readonly server: Server;
  private readonly containers: FakeCrioContainer[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'saker-crio-'));
    this.socketPath = join(this.dir, 'crio.sock');
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(this.socketPath, resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  addContainer(c: FakeCrioContainer): void {
    this.containers.push(c);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push(url);
    const text = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(`${body}\n`);
    };
    if (url === '/info') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ storage_driver: 'overlay', storage_root: '/var/lib/containers/storage', cgroup_driver: 'systemd' }));
      return;
    }
    const m = /^\/containers\/([^/]+)$/.exec(url);
    if (!m?.[1]) return text(404, '404 page not found');
    const id = decodeURIComponent(m[1]);
    const found = this.containers.find((c) => c.id === id);
    if (!found) return text(404, `can't find the container with id ${id}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(inspectDoc(found)).replace('"created_time":0', '"created_time":1714979289123456789'));
  }
}
