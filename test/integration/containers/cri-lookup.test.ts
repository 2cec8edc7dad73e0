// Container metadata from CRI-O (its inspect endpoint) and containerd (its containers gRPC API), each a
// local peer on a unix socket that answers as the real daemon does: looked up in the background, the
// runtime the cgroup path names asked first, k8s.* from the pod labels, unknown ids remembered, and a
// runtime that is down leaving the fields missing (<NA>) without a crash or a warning.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { cgroupFacts, cgroupFactsFrom, ContainerdRuntime, ContainerLookup, CrioRuntime, DockerRuntime, privilegedFromSpec, startContainerLookup } from '../../../detector/containers/index.js';
import { FakeContainerdApi, ociSpec } from './containerd-api-server.js';
import { FakeCrioApi } from './crio-api-server.js';
import { FakeDockerApi } from './docker-api-server.js';
import { world } from './syscall-world.js';

const CRIO_ID = 'a1b2c3d4e5f6' + '1'.repeat(52);
const CTRD_ID = 'b2c3d4e5f6a7' + '2'.repeat(52);
const PRIV_ID = 'c3d4e5f6a7b8' + '3'.repeat(52);
const MOBY_ID = 'd4e5f6a7b8c9' + '4'.repeat(52);
const NOBODY_ID = 'e5f6a7b8c9d0' + '5'.repeat(52);
const DIGESTED_ID = 'f6a7b8c9d0e1' + '6'.repeat(52);
const API_DIGEST = 'sha256:' + 'cd'.repeat(32);
const NGINX_DIGEST = 'sha256:' + 'ef'.repeat(32);

/** tid → cgroup path, in the forms the runtimes write under systemd and cgroupfs drivers. */
const THREADS: Record<number, string> = {
  100: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a.slice/crio-${CRIO_ID}.scope`,
  200: `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod7a6b5c4d.slice/cri-containerd-${CTRD_ID}.scope`,
  300: `/kubepods/besteffort/pod7a6b5c4d-0000-1111-2222-333344445555/${PRIV_ID}`,
  400: `/system.slice/docker-${MOBY_ID}.scope`,
  500: `/kubepods/burstable/pod1234/${NOBODY_ID}`,
  600: `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5a4b.slice/crio-${DIGESTED_ID}.scope`,
};

const quiet = (): { warn: (o: object, m: string) => void; debug: (o: object, m: string) => void; lines: string[] } => {
  const lines: string[] = [];
  return { lines, warn: (_o, m) => lines.push(`warn ${m}`), debug: (_o, m) => lines.push(`debug ${m}`) };
};

let crio: FakeCrioApi;
let containerd: FakeContainerdApi;
const lookups: ContainerLookup[] = [];
const track = (l: ContainerLookup): ContainerLookup => (lookups.push(l), l);

beforeEach(async () => {
  crio = await new FakeCrioApi().start();
  crio.addContainer({ id: CRIO_ID, container: 'api', pod: 'api-6f7c9d-x2k4q', namespace: 'payments', image: 'quay.io/team/api:3.2', imageId: 'f'.repeat(64), privilegedRuntime: false, ip: '10.88.0.7' });
  crio.addContainer({ id: DIGESTED_ID, container: 'api', pod: 'api-6f7c9d-b7n2m', namespace: 'payments', image: 'quay.io/team/api:3.2', imageId: 'f'.repeat(64), imageRef: `quay.io/team/api@${API_DIGEST}`, privilegedRuntime: false });
  containerd = await new FakeContainerdApi().start();
  const k8sLabels = (container: string, pod: string) => ({ 'io.kubernetes.container.name': container, 'io.kubernetes.pod.name': pod, 'io.kubernetes.pod.namespace': 'monitoring', 'io.cri-containerd.kind': 'container' });
  containerd.addContainer({ namespace: 'k8s.io', id: CTRD_ID, image: 'docker.io/library/nginx:1.25', labels: k8sLabels('web', 'web-5d8f7-abcde'), spec: ociSpec(false) });
  containerd.addContainer({ namespace: 'k8s.io', id: PRIV_ID, image: 'registry.k8s.io/kube-proxy@sha256:' + 'ab'.repeat(32), labels: k8sLabels('kube-proxy', 'kube-proxy-q8z7p'), spec: ociSpec(true) });
  containerd.addContainer({ namespace: 'moby', id: MOBY_ID, image: 'redis:7', labels: { 'com.docker.compose.service': 'cache' } });
});

afterEach(async () => {
  for (const l of lookups.splice(0)) l.close();
  await crio.stop();
  await containerd.stop();
});

describe('container metadata from CRI-O', () => {
  it('is <NA> first, then the inspect answer, asked once by full id, with k8s fields from the labels', async () => {
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new CrioRuntime(crio.socketPath)], cgroupFacts: cgroupFactsFrom(ctx.threads) })));
    expect(w.event(100)).toMatchObject({ 'container.id': 'a1b2c3d4e5f6', 'container.name': undefined, 'k8s.pod.name': undefined });
    await w.lookup.idle();
    expect(w.event(100)).toEqual({
      'container.id': 'a1b2c3d4e5f6',
      'container.name': 'api',
      'container.image': 'quay.io/team/api:3.2',
      'container.image.repository': 'quay.io/team/api',
      'container.image.tag': '3.2',
      'container.image.digest': undefined,
      // The pod's PrivilegedRuntime annotation is "false": nothing in it runs privileged.
      'container.privileged': false,
      'k8s.ns.name': 'payments',
      'k8s.pod.name': 'api-6f7c9d-x2k4q',
      'container.type': 'cri-o',
    });
    expect(w.ctx.containers.get('a1b2c3d4e5f6')).toMatchObject({ ip: '10.88.0.7', createdTs: 1_714_979_289_000_000_000n, id: CRIO_ID });
    w.event(100);
    await w.lookup.idle();
    expect(crio.requests).toEqual([`/containers/${CRIO_ID}`]);
  });

  it('answers only to the full id: with just the short one the container stays unknown, and is not asked again', async () => {
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new CrioRuntime(crio.socketPath)] })));
    w.event(100);
    await w.lookup.idle();
    expect(w.event(100)['container.name']).toBeUndefined();
    await w.lookup.idle();
    expect(w.lookup.stats.notFound).toBe(1);
    expect(crio.requests).toEqual(['/containers/a1b2c3d4e5f6']);
  });
});

describe('container metadata from containerd', () => {
  it('Gets the full id in k8s.io with the namespace header; image, pod labels and privileged from the spec', async () => {
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new ContainerdRuntime(containerd.socketPath)], cgroupFacts: cgroupFactsFrom(ctx.threads) })));
    w.event(200);
    w.event(300);
    await w.lookup.idle();
    expect(w.event(200)).toEqual({
      'container.id': 'b2c3d4e5f6a7',
      'container.name': 'web',
      'container.image': 'docker.io/library/nginx:1.25',
      'container.image.repository': 'docker.io/library/nginx',
      'container.image.tag': '1.25',
      'container.image.digest': undefined,
      'container.privileged': false,
      'k8s.ns.name': 'monitoring',
      'k8s.pod.name': 'web-5d8f7-abcde',
      'container.type': 'containerd',
    });
    expect(w.event(300)).toMatchObject({ 'container.name': 'kube-proxy', 'container.image.repository': 'registry.k8s.io/kube-proxy', 'container.image.digest': 'sha256:' + 'ab'.repeat(32), 'container.privileged': true });
    expect(w.ctx.containers.get('b2c3d4e5f6a7')?.mounts).toContainEqual({ source: '/var/lib/kubelet/pods/x/etc-hosts', dest: '/etc/hosts', mode: '', rdwr: false, propagation: 'rprivate' });
    w.event(200);
    await w.lookup.idle();
    expect(containerd.calls.sort()).toEqual([`Get k8s.io ${CTRD_ID}`, `Get k8s.io ${PRIV_ID}`]);
  });

  it('goes on to the moby namespace, and Lists by prefix when only the short id is known', async () => {
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new ContainerdRuntime(containerd.socketPath)] })));
    w.event(400);
    await w.lookup.idle();
    // No OCI spec in the record: whether it is privileged is unknown, not false.
    expect(w.event(400)).toMatchObject({ 'container.name': 'd4e5f6a7b8c9', 'container.image.repository': 'redis', 'container.image.tag': '7', 'container.privileged': undefined, 'k8s.ns.name': undefined, 'container.type': 'containerd' });
    expect(containerd.calls).toEqual(['List k8s.io id~=d4e5f6a7b8c9', 'List moby id~=d4e5f6a7b8c9']);
  });

  it('remembers an id no namespace has (NOT_FOUND everywhere) and does not ask again', async () => {
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new ContainerdRuntime(containerd.socketPath)], cgroupFacts: cgroupFactsFrom(ctx.threads) })));
    w.event(500);
    await w.lookup.idle();
    expect(w.event(500)).toMatchObject({ 'container.id': 'e5f6a7b8c9d0', 'container.name': undefined, 'container.image': undefined });
    await w.lookup.idle();
    expect(w.lookup.stats).toMatchObject({ requested: 1, notFound: 1, found: 0 });
    expect(containerd.calls).toEqual([`Get k8s.io ${NOBODY_ID}`, `Get moby ${NOBODY_ID}`, `Get default ${NOBODY_ID}`]);
  });
});

describe('several runtimes', () => {
  let docker: FakeDockerApi;
  beforeEach(async () => {
    docker = await new FakeDockerApi().start();
  });
  afterEach(async () => {
    await docker.stop();
  });

  it('asks the runtime the cgroup path names first, and every runtime in order when it names none', async () => {
    const w = world(THREADS, (ctx) =>
      track(new ContainerLookup(ctx.containers, { runtimes: [new DockerRuntime(docker.socketPath), new CrioRuntime(crio.socketPath), new ContainerdRuntime(containerd.socketPath)], cgroupFacts: cgroupFactsFrom(ctx.threads) })),
    );
    w.event(100); // crio-<id>.scope
    w.event(200); // cri-containerd-<id>.scope
    await w.lookup.idle();
    expect(docker.requests).toEqual([]);
    expect(crio.requests).toEqual([`/containers/${CRIO_ID}`]);
    expect(containerd.calls).toEqual([`Get k8s.io ${CTRD_ID}`]);
    w.event(300); // /kubepods/<qos>/pod<uid>/<id>: no runtime named
    await w.lookup.idle();
    expect(docker.requests).toEqual(['/containers/c3d4e5f6a7b8/json']);
    expect(crio.requests).toEqual([`/containers/${CRIO_ID}`, `/containers/${PRIV_ID}`]);
    expect(w.event(300)['container.type']).toBe('containerd');
    expect(w.event(100)['container.type']).toBe('cri-o');
  });

  it('leaves the fields missing, without a warning, when the runtimes are down (no socket, or refusing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-down-'));
    const refusing = join(dir, 'crio.sock');
    writeFileSync(refusing, ''); // a path nobody listens on: connect() is refused
    const log = quiet();
    try {
      const w = world(THREADS, (ctx) =>
        track(new ContainerLookup(ctx.containers, { runtimes: [new CrioRuntime(refusing), new ContainerdRuntime(join(dir, 'containerd.sock'))], cgroupFacts: cgroupFactsFrom(ctx.threads), log })),
      );
      w.event(100);
      w.event(200);
      await w.lookup.idle();
      expect(w.event(100)).toMatchObject({ 'container.id': 'a1b2c3d4e5f6', 'container.name': undefined, 'container.image': undefined, 'container.privileged': undefined, 'k8s.ns.name': undefined });
      expect(w.event(200)).toMatchObject({ 'container.id': 'b2c3d4e5f6a7', 'container.name': undefined, 'k8s.pod.name': undefined });
      expect(w.lookup.stats.failed.unavailable).toBe(2);
      expect(w.ctx.containers.size).toBe(0);
      expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is wired from detector.container_engines: sockets found below hostroot, engines switched off stay unasked', async () => {
    const root = mkdtempSync(join(tmpdir(), 'saker-hostroot-'));
    try {
      const link = (path: string, target: string): void => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        symlinkSync(target, join(root, path));
      };
      link('/var/run/crio/crio.sock', crio.socketPath);
      link('/run/containerd/containerd.sock', containerd.socketPath);
      const defaults = loadConfig({ env: {} }).detector;
      expect(defaults.container_engines.crio).toEqual({ enabled: true, sockets: ['/var/run/crio/crio.sock'] });
      expect(defaults.container_engines.containerd).toMatchObject({ enabled: true, namespaces: ['k8s.io', 'moby', 'default'] });
      const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined } as never;
      const w = world(THREADS, (ctx) => {
        const l = startContainerLookup({ ...defaults, hostroot: root }, ctx, silent);
        if (!l) throw new Error('no lookup started');
        return track(l);
      });
      w.event(100);
      w.event(200);
      await w.lookup.idle();
      expect(w.event(100)['container.name']).toBe('api');
      expect(w.event(200)['container.name']).toBe('web');

      const noCrio = { ...defaults, hostroot: root, container_engines: { ...defaults.container_engines, crio: { enabled: false, sockets: ['/var/run/crio/crio.sock'] } } };
      const w2 = world(THREADS, (ctx) => track(startContainerLookup(noCrio, ctx, silent) as ContainerLookup));
      w2.event(100);
      await w2.lookup.idle();
      expect(crio.requests).toHaveLength(1);
      expect(w2.event(100)['container.name']).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('container.image.digest and container.image.id from the CRI runtimes', () => {
  it('CRI-O: the image id from a plain image_ref, the registry digest from a digested one', async () => {
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new CrioRuntime(crio.socketPath)], cgroupFacts: cgroupFactsFrom(ctx.threads) })));
    w.event(100);
    w.event(600);
    await w.lookup.idle();
    expect(w.ctx.containers.get('a1b2c3d4e5f6')).toMatchObject({ imageId: 'f'.repeat(64), imageDigest: undefined });
    expect(w.event(600)).toMatchObject({ 'container.image.repository': 'quay.io/team/api', 'container.image.tag': '3.2', 'container.image.digest': API_DIGEST });
    expect(w.ctx.containers.get('f6a7b8c9d0e1')?.imageId).toBeUndefined();
  });

  it("containerd: the digest of what the image name points at, from the images API in the container's namespace", async () => {
    containerd.addImage({ namespace: 'k8s.io', name: 'docker.io/library/nginx:1.25', digest: NGINX_DIGEST });
    // The same name in another namespace is another image: never asked there.
    containerd.addImage({ namespace: 'moby', name: 'docker.io/library/nginx:1.25', digest: 'sha256:' + '00'.repeat(32) });
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new ContainerdRuntime(containerd.socketPath)], cgroupFacts: cgroupFactsFrom(ctx.threads) })));
    w.event(200);
    w.event(300);
    await w.lookup.idle();
    expect(w.event(200)).toMatchObject({ 'container.image': 'docker.io/library/nginx:1.25', 'container.image.tag': '1.25', 'container.image.digest': NGINX_DIGEST });
    // A name that carries its digest needs no images call.
    expect(w.event(300)['container.image.digest']).toBe('sha256:' + 'ab'.repeat(32));
    expect(containerd.imageCalls).toEqual(['Get k8s.io docker.io/library/nginx:1.25']);
  });

  it('containerd: an image the images API does not have leaves the digest unknown, and the container found', async () => {
    const w = world(THREADS, (ctx) => track(new ContainerLookup(ctx.containers, { runtimes: [new ContainerdRuntime(containerd.socketPath)], cgroupFacts: cgroupFactsFrom(ctx.threads) })));
    w.event(200);
    await w.lookup.idle();
    expect(w.event(200)).toMatchObject({ 'container.name': 'web', 'container.image.digest': undefined });
    expect(w.lookup.stats).toMatchObject({ found: 1, failed: { grpc: 0 } });
    expect(containerd.imageCalls).toEqual(['Get k8s.io docker.io/library/nginx:1.25']);
  });
});

describe('what cgroup paths and OCI specs say', () => {
  it.each([
    [`/system.slice/docker-${MOBY_ID}.scope`, 'docker'],
    [`/docker/${MOBY_ID}`, 'docker'],
    [`/kubepods.slice/x.slice/crio-${MOBY_ID}.scope`, 'crio'],
    [`/kubepods.slice/x.slice/cri-containerd-${MOBY_ID}.scope`, 'containerd'],
    [`/system.slice/containerd.service/kubepods-pod1.slice:cri-containerd:${MOBY_ID}`, 'containerd'],
    [`/kubepods/besteffort/pod1/${MOBY_ID}`, undefined],
  ])('%s', (path, runtime) => {
    expect(cgroupFacts('d4e5f6a7b8c9', [['cpu', path]])).toEqual(runtime ? { fullId: MOBY_ID, runtime } : { fullId: MOBY_ID });
    expect(cgroupFacts('000000000000', [['cpu', path]])).toEqual({});
  });

  it('calls a spec privileged only with CAP_SYS_ADMIN and no masked or read-only paths', () => {
    expect(privilegedFromSpec(ociSpec(true) as Record<string, unknown>)).toBe(true);
    expect(privilegedFromSpec(ociSpec(false) as Record<string, unknown>)).toBe(false);
    expect(privilegedFromSpec({ process: { capabilities: { bounding: ['CAP_SYS_ADMIN'] } }, linux: { maskedPaths: ['/proc/kcore'] } })).toBe(false);
    expect(privilegedFromSpec({ linux: {} })).toBeUndefined();
    expect(privilegedFromSpec(undefined)).toBeUndefined();
  });
});

