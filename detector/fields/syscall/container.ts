/**
 * `container.*` and `k8s.*`. The id comes from the thread's cgroups; everything else needs metadata
 * from the container runtime (or a capture's container events) and stays unset without it.
 */
import type { Extractor, FieldValue } from '../../engine/fields.js';
import { HOST_CONTAINER_ID, type ContainerInfo, type ContainerMount } from '../../state/index.js';
import type { SyscallEvent } from '../../sources/syscall/index.js';
import { defineFields, nonEmpty, type FieldDef } from './define.js';
import { globMatch } from './glob.js';

function info(e: SyscallEvent): ContainerInfo | undefined {
  const id = e.thread?.containerId;
  return id === undefined || id === HOST_CONTAINER_ID ? undefined : e.ctx.containers.get(id);
}

function meta(get: (c: ContainerInfo, e: SyscallEvent) => FieldValue | undefined) {
  return (e: SyscallEvent): FieldValue | undefined => {
    const c = info(e);
    return c === undefined ? undefined : get(c, e);
  };
}

const mountText = (m: ContainerMount): string => `${m.source}:${m.dest}:${m.mode}:${m.rdwr}:${m.propagation}`;

/** `container.mount*[arg]`: arg is a 0-based index or a glob over the mount source (dest for .source). */
function mountField(name: string, matchOn: 'source' | 'dest', get: (m: ContainerMount) => FieldValue) {
  return (arg: string | undefined): Extractor<SyscallEvent> => {
    if (arg === undefined || arg === '') throw new Error(`${name} needs an index or a path`);
    const index = /^\d+$/.test(arg) ? Number(arg) : undefined;
    return meta((c) => {
      const m = index !== undefined ? c.mounts[index] : c.mounts.find((x) => globMatch(arg, x[matchOn]));
      return m === undefined ? undefined : get(m);
    });
  };
}

const label = (key: string) => meta((c) => c.labels[key]);

const DEFS: FieldDef[] = [
  {
    name: 'container.id',
    type: 'string',
    desc: "container id (12 hex digits), or 'host'",
    // libsinsp reports 'host' even for threads it knows nothing else about.
    get: (e) => e.thread?.containerId,
  },
  {
    name: 'container.full_id',
    type: 'string',
    desc: 'full container id',
    get: (e) => (e.thread?.containerId === HOST_CONTAINER_ID ? HOST_CONTAINER_ID : info(e)?.id),
  },
  {
    name: 'container.name',
    type: 'string',
    desc: "container name, or 'host'",
    get: (e) => (e.thread?.containerId === HOST_CONTAINER_ID ? HOST_CONTAINER_ID : info(e)?.name),
  },
  {
    name: 'container.type',
    type: 'string',
    desc: "container runtime type, or 'host'",
    get: (e) => (e.thread?.containerId === HOST_CONTAINER_ID ? HOST_CONTAINER_ID : info(e)?.type),
  },
  { name: 'container.image', type: 'string', desc: 'image name', get: meta((c) => c.image) },
  { name: 'container.image.id', type: 'string', desc: 'image id', get: meta((c) => c.imageId) },
  { name: 'container.image.repository', type: 'string', desc: 'image repository', get: meta((c) => c.imageRepository) },
  { name: 'container.image.tag', type: 'string', desc: 'image tag', get: meta((c) => c.imageTag) },
  { name: 'container.image.digest', type: 'string', desc: 'image digest', get: meta((c) => c.imageDigest) },
  { name: 'container.privileged', type: 'bool', desc: 'true for privileged containers', get: meta((c) => c.privileged) },
  {
    name: 'container.mounts',
    type: 'string',
    desc: 'all mounts as source:dest:mode:rdwr:propagation, comma-separated',
    get: meta((c) => c.mounts.map(mountText).join(',')),
  },
  {
    name: 'container.mount',
    type: 'string',
    desc: 'one mount, by index or source glob',
    arg: { kind: 'key', required: true },
    bind: mountField('container.mount', 'source', mountText),
  },
  {
    name: 'container.mount.source',
    type: 'string',
    desc: 'mount source, by index or destination glob',
    arg: { kind: 'key', required: true },
    bind: mountField('container.mount.source', 'dest', (m) => m.source),
  },
  {
    name: 'container.mount.dest',
    type: 'string',
    desc: 'mount destination, by index or source glob',
    arg: { kind: 'key', required: true },
    bind: mountField('container.mount.dest', 'source', (m) => m.dest),
  },
  {
    name: 'container.mount.mode',
    type: 'string',
    desc: 'mount mode, by index or source glob',
    arg: { kind: 'key', required: true },
    bind: mountField('container.mount.mode', 'source', (m) => m.mode),
  },
  {
    name: 'container.mount.rdwr',
    type: 'string',
    desc: 'mount read/write flag, by index or source glob',
    arg: { kind: 'key', required: true },
    bind: mountField('container.mount.rdwr', 'source', (m) => String(m.rdwr)),
  },
  {
    name: 'container.mount.propagation',
    type: 'string',
    desc: 'mount propagation, by index or source glob',
    arg: { kind: 'key', required: true },
    bind: mountField('container.mount.propagation', 'source', (m) => m.propagation),
  },
  { name: 'container.healthcheck', type: 'string', desc: 'health check command', get: () => undefined },
  { name: 'container.liveness_probe', type: 'string', desc: 'liveness probe command', get: () => undefined },
  { name: 'container.readiness_probe', type: 'string', desc: 'readiness probe command', get: () => undefined },
  { name: 'container.start_ts', type: 'abstime', desc: 'container start time', get: meta((c) => c.createdTs) },
  {
    name: 'container.duration',
    type: 'reltime',
    desc: 'ns since the container started',
    get: meta((c, e) => (c.createdTs === undefined ? undefined : e.ts - c.createdTs)),
  },
  { name: 'container.ip', type: 'string', desc: 'container IP address', get: meta((c) => c.ip) },
  { name: 'container.cni.json', type: 'string', desc: 'CNI result as JSON', get: meta((c) => c.cniJson) },
  { name: 'container.host_pid', type: 'bool', desc: 'shares the host pid namespace', get: meta((c) => c.hostPid) },
  { name: 'container.host_network', type: 'bool', desc: 'shares the host network', get: meta((c) => c.hostNetwork) },
  { name: 'container.host_ipc', type: 'bool', desc: 'shares the host IPC namespace', get: meta((c) => c.hostIpc) },
  {
    name: 'container.label',
    type: 'string',
    desc: 'one container label',
    arg: { kind: 'key', required: true },
    bind: (arg) => {
      if (arg === undefined || arg === '') throw new Error('container.label needs a label name');
      return label(arg);
    },
  },
  {
    name: 'container.labels',
    type: 'string',
    desc: 'all labels as key:value, comma-separated',
    get: meta((c) => nonEmpty(Object.entries(c.labels).map(([k, v]) => `${k}:${v}`).join(', '))),
  },
  { name: 'k8s.pod.name', type: 'string', desc: 'pod name', get: label('io.kubernetes.pod.name') },
  { name: 'k8s.ns.name', type: 'string', desc: 'pod namespace', get: label('io.kubernetes.pod.namespace') },
  { name: 'k8s.pod.uid', type: 'string', desc: 'pod uid', get: label('io.kubernetes.pod.uid') },
  { name: 'k8s.pod.id', type: 'string', desc: 'pod uid (legacy name)', get: label('io.kubernetes.pod.uid') },
  {
    name: 'k8s.pod.sandbox_id',
    type: 'string',
    desc: 'pod sandbox id (12 digits)',
    get: meta((c) => c.labels['io.kubernetes.sandbox.id']?.slice(0, 12)),
  },
  { name: 'k8s.pod.full_sandbox_id', type: 'string', desc: 'pod sandbox id', get: label('io.kubernetes.sandbox.id') },
  {
    name: 'k8s.pod.label',
    type: 'string',
    desc: 'one pod label',
    arg: { kind: 'key', required: true },
    bind: (arg) => {
      if (arg === undefined || arg === '') throw new Error('k8s.pod.label needs a label name');
      // Pod labels live on the sandbox, which a container's own labels do not carry.
      return () => undefined;
    },
  },
  { name: 'k8s.pod.labels', type: 'string', desc: 'all pod labels', get: () => undefined },
  { name: 'k8s.pod.ip', type: 'string', desc: 'pod IP address', get: () => undefined },
  { name: 'k8s.pod.cni.json', type: 'string', desc: 'pod CNI result as JSON', get: () => undefined },
];

export const CONTAINER_FIELDS = defineFields(DEFS);
