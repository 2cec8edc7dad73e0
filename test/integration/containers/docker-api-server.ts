// A local stand-in for the Docker Engine API on a unix socket, answering GET /containers/{id}/json and
// GET /images/{id}/json with documents shaped like Docker's (API v1.43 docs: ContainerInspectResponse,
// ImageInspect), 404 `{"message":"No such container: <id>"}` for unknown ids. Ids may be given as any
// unique prefix, as the real daemon accepts. Answers can be held back until the test releases them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeContainer {
  id: string;
  name: string;
  /** Config.Image: the image as `docker run` was given it. */
  image: string;
  imageId: string;
  privileged?: boolean;
  labels?: Record<string, string>;
  ip?: string;
}

export interface FakeImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
}

/** A ContainerInspectResponse as dockerd writes it (fields Saker does not read trimmed to a few). */
function inspectDoc(c: FakeContainer): object {
  return {
    Id: c.id,
    Created: '2024-05-06T07:08:09.123456789Z',
    Path: '/docker-entrypoint.sh',
    Args: ['nginx', '-g', 'daemon off;'],
    State: { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 4242, ExitCode: 0, Error: '', StartedAt: '2024-05-06T07:08:09.5Z', FinishedAt: '0001-01-01T00:00:00Z' },
    Image: `sha256:${c.imageId}`,
    ResolvConfPath: `/var/lib/docker/containers/${c.id}/resolv.conf`,
    Name: `/${c.name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: { Binds: null, NetworkMode: 'bridge', PidMode: '', IpcMode: 'private', Privileged: c.privileged ?? false, ReadonlyRootfs: false },
    Mounts: [{ Type: 'bind', Source: '/srv/data', Destination: '/data', Mode: 'ro', RW: false, Propagation: 'rprivate' }],
    Config: {
      Hostname: c.id.slice(0, 12),
      User: '',
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['nginx', '-g', 'daemon off;'],
      Image: c.image,
      WorkingDir: '',
      Labels: c.labels ?? {},
    },
    NetworkSettings: { Bridge: '', SandboxID: 'f0e1d2c3b4a5', IPAddress: c.ip ?? '', IPPrefixLen: 16, Gateway: '172.17.0.1', MacAddress: '02:42:ac:11:00:02', Networks: {} },
  };
}

function imageDoc(i: FakeImage): object {
  return { Id: `sha256:${i.id}`, RepoTags: i.repoTags, RepoDigests: i.repoDigests, Created: '2024-04-01T00:00:00Z', Size: 187000000, Architecture: 'amd64', Os: 'linux' };
}

export class FakeDockerApi {
  readonly socketPath: string;
  readonly requests: string[] = [];
  private readonly dir: string;
  private readonly server: Server;
  private readonly containers: FakeContainer[] = [];
  private readonly images: FakeImage[] = [];
  private held: (() => void)[] | undefined;
  /** When set, every container answer is this status and raw body instead. */
  failWith: { status: number; body: string } | undefined;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'saker-docker-'));
    this.socketPath = join(this.dir, 'docker.sock');
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(this.socketPath, resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  addContainer(c: FakeContainer): void {
    this.containers.push(c);
  }

  addImage(i: FakeImage): void {
    this.images.push(i);
  }

  /** Holds every answer until release(). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  get heldCount(): number {
    return this.held?.length ?? 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push(url);
    const answer = (): void => this.answer(url, res);
    if (this.held) this.held.push(answer);
    else answer();
  }

  private answer(url: string, res: ServerResponse): void {
    const json = (status: number, body: object | string): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'api-version': '1.43', server: 'Docker/24.0.7 (linux)' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const container = /^\/containers\/([^/]+)\/json/.exec(url);
    if (container?.[1]) {
      if (this.failWith) return json(this.failWith.status, this.failWith.body);
      const id = decodeURIComponent(container[1]);
      const found = this.containers.find((c) => c.id.startsWith(id));
      return found ? json(200, inspectDoc(found)) : json(404, { message: `No such container: ${id}` });
    }
    const image = /^\/images\/([^/?]+)\/json/.exec(url);
    if (image?.[1]) {
      const id = decodeURIComponent(image[1]);
      const found = this.images.find((i) => i.id.startsWith(id));
      return found ? json(200, imageDoc(found)) : json(404, { message: `No such image: ${id}` });
    }
    json(404, { message: 'page not found' });
  }
}
