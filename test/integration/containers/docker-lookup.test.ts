// Container metadata from a Docker Engine API on a unix socket (a local server answering as dockerd
// does): looked up in the background when a thread in an unknown container shows up, so the first
// event sees <NA> and later ones the container's name, image, privileged flag and pod labels; unknown
// ids, failures, a missing socket, a full queue and a full table are all handled and counted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { ContainerLookup, splitImageName, startContainerLookup } from '../../../detector/containers/index.js';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { blankThread, ThreadTable } from '../../../detector/state/index.js';
import { createContext, layoutOf, StateParser, type ParamValue, type SyscallContext, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { FakeDockerApi } from './docker-api-server.js';

const OPEN_X = 3;
const NGINX_ID = 'c2ada9df5af8' + 'a'.repeat(52);
const APP_ID = '5ee9f2b34c1d' + 'b'.repeat(52);
const NGINX_IMAGE = 'a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6';
const APP_IMAGE = 'd4ff818577bc193b309b355b02ebc9220427090057b54a59e73b79bdfe139b83';

let num = 0;
function openEvent(ctx: SyscallContext, tid: number): SyscallEvent {
  const layout = layoutOf(OPEN_X);
  if (!layout) throw new Error('no open layout');
  num++;
  const params: Record<string, ParamValue> = { fd: 3, name: '/etc/hosts', flags: 1, mode: 0, dev: 0 };
  return { num, ts: BigInt(num), cpu: 0, tid, layout, type: layout.name, dir: layout.dir, params: layout.params.map((p) => params[p.name] ?? null), ctx };
}

const FIELDS = ['container.id', 'container.name', 'container.image', 'container.image.id', 'container.image.repository', 'container.image.tag', 'container.image.digest', 'container.privileged', 'k8s.ns.name', 'k8s.pod.name', 'container.type'];

function fields(e: SyscallEvent): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((f) => [f, SYSCALL_FIELDS.fields.get(f)?.bind(undefined)(e)]));
}

/** Threads 100 (nginx container), 200 (app container) and 300 (an id no runtime here knows). */
function world(lookup: (ctx: SyscallContext) => ContainerLookup): { ctx: SyscallContext; parser: StateParser; lookup: ContainerLookup } {
  const ctx = createContext({ threads: new ThreadTable() });
  for (const [tid, id] of [[100, NGINX_ID], [200, APP_ID], [300, 'fedcba987654']] as const) {
    const t = blankThread(tid);
    Object.assign(t, { ptid: 1, comm: 'worker', containerId: id.slice(0, 12) });
    ctx.threads.set(t);
  }
  const l = lookup(ctx);
  ctx.requestContainer = (id) => l.request(id);
  return { ctx, parser: new StateParser(ctx), lookup: l };
}

/** A logger that keeps what it was told. */
function recorder(): { warn: (o: object, m: string) => void; debug: (o: object, m: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_o, m) => lines.push(`warn ${m}`), debug: (_o, m) => lines.push(`debug ${m}`) };
}

let api: FakeDockerApi;

beforeEach(async () => {
  api = await new FakeDockerApi().start();
  api.addContainer({ id: NGINX_ID, name: 'boring_feynman', image: 'nginx', imageId: NGINX_IMAGE, ip: '172.17.0.2' });
  api.addImage({ id: NGINX_IMAGE, repoTags: ['nginx:latest', 'nginx:1.25'], repoDigests: ['nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31'] });
  api.addContainer({
    id: APP_ID,
    name: 'k8s_app_web-7d4b9c_prod_1234_0',
    image: 'registry.example.com:5000/team/app:2.1',
    imageId: APP_IMAGE,
    privileged: true,
    labels: { 'io.kubernetes.pod.namespace': 'prod', 'io.kubernetes.pod.name': 'web-7d4b9c', 'io.kubernetes.container.name': 'app' },
  });
});

afterEach(async () => {
  await api.stop();
});

describe('container metadata from the Docker API', () => {
  it('is <NA> on the first event, then the runtime answer on later events', async () => {
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [api.socketPath] }));
    const first = openEvent(w.ctx, 100);
    w.parser.process(first);
    expect(fields(first)).toMatchObject({ 'container.id': 'c2ada9df5af8', 'container.name': undefined, 'container.image': undefined });
    await w.lookup.idle();
    const later = openEvent(w.ctx, 100);
    w.parser.process(later);
    expect(fields(later)).toEqual({
      'container.id': 'c2ada9df5af8',
      'container.name': 'boring_feynman',
      'container.image': 'nginx',
      // The whole id from the inspect document's `Image` (`sha256:<id>`), as Falco reports it.
      'container.image.id': NGINX_IMAGE,
      'container.image.repository': 'nginx',
      'container.image.tag': 'latest',
      'container.image.digest': 'sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31',
      'container.privileged': false,
      'k8s.ns.name': undefined,
      'k8s.pod.name': undefined,
      'container.type': 'docker',
    });
    expect(w.ctx.containers.get('c2ada9df5af8')?.ip).toBe('172.17.0.2');
    expect(w.ctx.containers.get('c2ada9df5af8')?.mounts).toEqual([{ source: '/srv/data', dest: '/data', mode: 'ro', rdwr: false, propagation: 'rprivate' }]);
    // One container lookup and one image lookup, then nothing more for the same container.
    w.parser.process(openEvent(w.ctx, 100));
    await w.lookup.idle();
    expect(api.requests).toEqual([`/containers/c2ada9df5af8/json`, `/images/${NGINX_IMAGE}/json?digests=1`]);
  });

  it('reads the privileged flag, a registry image with a port, and the pod labels', async () => {
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [api.socketPath] }));
    w.parser.process(openEvent(w.ctx, 200));
    await w.lookup.idle();
    const e = openEvent(w.ctx, 200);
    w.parser.process(e);
    expect(fields(e)).toMatchObject({
      'container.name': 'k8s_app_web-7d4b9c_prod_1234_0',
      'container.image': 'registry.example.com:5000/team/app:2.1',
      'container.image.repository': 'registry.example.com:5000/team/app',
      'container.image.tag': '2.1',
      'container.privileged': true,
      'k8s.ns.name': 'prod',
      'k8s.pod.name': 'web-7d4b9c',
    });
  });

  it('remembers an id the runtime does not know (404) and does not ask again', async () => {
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [api.socketPath] }));
    w.parser.process(openEvent(w.ctx, 300));
    await w.lookup.idle();
    const e = openEvent(w.ctx, 300);
    w.parser.process(e);
    await w.lookup.idle();
    expect(fields(e)).toMatchObject({ 'container.id': 'fedcba987654', 'container.name': undefined, 'container.image.repository': undefined });
    expect(w.lookup.stats.notFound).toBe(1);
    expect(api.requests).toEqual(['/containers/fedcba987654/json']);
  });

  it('counts failures, logs the first of a kind once, and retries after the pause', async () => {
    let clock = 0;
    const log = recorder();
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [api.socketPath], log, retryMs: 1_000, now: () => clock }));
    api.failWith = { status: 500, body: '{"message":"internal error"}' };
    w.parser.process(openEvent(w.ctx, 100));
    await w.lookup.idle();
    w.parser.process(openEvent(w.ctx, 200));
    await w.lookup.idle();
    api.failWith = { status: 200, body: '{not json' };
    w.parser.process(openEvent(w.ctx, 200));
    expect(w.lookup.stats.failed.http).toBe(2);
    expect(log.lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    // Held back: no new request before the pause is over, even though events keep coming.
    expect(api.requests).toHaveLength(2);

    clock = 1_000;
    w.parser.process(openEvent(w.ctx, 100));
    await w.lookup.idle();
    expect(w.lookup.stats.failed['bad-json']).toBe(1);
    expect(log.lines.filter((l) => l.startsWith('warn'))).toHaveLength(2);

    api.failWith = undefined;
    clock = 2_000;
    w.parser.process(openEvent(w.ctx, 100));
    await w.lookup.idle();
    const e = openEvent(w.ctx, 100);
    w.parser.process(e);
    expect(fields(e)['container.name']).toBe('boring_feynman');
  });

  it('falls back silently when no daemon listens on the socket', async () => {
    const log = recorder();
    const gone = `${api.socketPath}.missing`;
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [gone], log }));
    const e = openEvent(w.ctx, 100);
    w.parser.process(e);
    await w.lookup.idle();
    expect(w.lookup.stats.failed.unavailable).toBe(1);
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    expect(fields(e)['container.name']).toBeUndefined();
  });

  it('tries the sockets in order, skipping one nobody listens on', async () => {
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [`${api.socketPath}.missing`, api.socketPath] }));
    w.parser.process(openEvent(w.ctx, 100));
    await w.lookup.idle();
    expect(w.ctx.containers.get('c2ada9df5af8')?.name).toBe('boring_feynman');
  });

  it('drops and counts requests beyond its queue, and asks again on a later event', async () => {
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [api.socketPath], concurrency: 1, maxPending: 1 }));
    api.hold();
    w.parser.process(openEvent(w.ctx, 100)); // in flight
    w.parser.process(openEvent(w.ctx, 200)); // queued
    w.parser.process(openEvent(w.ctx, 300)); // dropped
    expect(w.lookup.stats.dropped).toBe(1);
    expect(w.lookup.stats.requested).toBe(2);
    // Let answers flow; each release answers what has arrived so far.
    while (w.ctx.containers.size < 2) {
      await new Promise((r) => setImmediate(r));
      api.release();
      api.hold();
    }
    api.release();
    await w.lookup.idle();
    w.parser.process(openEvent(w.ctx, 300));
    await w.lookup.idle();
    expect(w.lookup.stats.notFound).toBe(1);
  });

  it('keeps at most maxEntries containers, dropping the oldest', async () => {
    const w = world((ctx) => new ContainerLookup(ctx.containers, { sockets: [api.socketPath], maxEntries: 1 }));
    w.parser.process(openEvent(w.ctx, 100));
    await w.lookup.idle();
    w.parser.process(openEvent(w.ctx, 200));
    await w.lookup.idle();
    expect([...w.ctx.containers.keys()]).toEqual(['5ee9f2b34c1d']);
    expect(w.lookup.stats.evicted).toBe(1);
  });

  it('is wired from detector.container_engines.docker, below hostroot, and off without a socket', async () => {
    const dir = api.socketPath.slice(0, api.socketPath.lastIndexOf('/'));
    const ctx = createContext();
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined } as never;
    const defaults = loadConfig({ env: {} }).detector;
    expect(defaults.container_engines.docker).toEqual({ enabled: true, sockets: ['/var/run/docker.sock'] });
    const withSocket = (enabled: boolean, socket: string): typeof defaults => ({ ...defaults, hostroot: dir, container_engines: { ...defaults.container_engines, docker: { enabled, sockets: [socket] } } });
    expect(startContainerLookup(withSocket(true, '/docker.sock'), ctx, silent)).toBeInstanceOf(ContainerLookup);
    expect(ctx.requestContainer).toBeTypeOf('function');
    expect(startContainerLookup(withSocket(true, '/nope.sock'), createContext(), silent)).toBeUndefined();
    const off = { detector: withSocket(false, '/docker.sock') };
    expect(startContainerLookup(off.detector, createContext(), silent)).toBeUndefined();
  });
});

describe('image names', () => {
  it.each([
    ['nginx', 'nginx', '', ''],
    ['nginx:1.25', 'nginx', '1.25', ''],
    ['library/nginx:1.25', 'library/nginx', '1.25', ''],
    ['registry.example.com:5000/team/app:2.1', 'registry.example.com:5000/team/app', '2.1', ''],
    ['app@sha256:abcd', 'app', '', 'sha256:abcd'],
    ['ns/app:1@sha256:abcd', 'ns/app', '1', 'sha256:abcd'],
  ])('%s', (image, repository, tag, digest) => {
    expect(splitImageName(image)).toEqual({ repository, tag, digest });
  });
});
