/**
 * Container id from a thread's cgroups, as libsinsp's runc matchers derive it: runc-based runtimes put
 * a 64-hex-digit container id at the end of the cgroup path, behind a runtime-specific prefix and
 * optional `.scope` suffix. The reported id is the first 12 digits; a thread in no container is "host".
 */

/** A prefix/suffix pair around the 64-hex id at the end of a cgroup path. */
interface CgroupLayout {
  prefix: string;
  suffix: string;
}

// Union of the docker, cri (containerd, cri-o), containerd-ctr and podman layouts libsinsp knows.
const LAYOUTS: readonly CgroupLayout[] = [
  { prefix: '/', suffix: '' },
  { prefix: '/docker-', suffix: '.scope' },
  { prefix: '/crio-', suffix: '' },
  { prefix: '/crio-', suffix: '.scope' },
  { prefix: '/cri-containerd-', suffix: '.scope' },
  { prefix: ':cri-containerd:', suffix: '' },
  { prefix: '/libpod-', suffix: '.scope' },
  { prefix: '/libpod-', suffix: '.scope/container' },
  { prefix: '/default/', suffix: '' },
];

/** The id libsinsp reports for threads outside any container. */
export const HOST_CONTAINER_ID = 'host';
const ID_LENGTH = 64;
const REPORTED_ID_LENGTH = 12;
const HEX64 = /^[0-9a-f]{64}$/;

/** The container id (12 hex digits) one cgroup path names, or undefined. */
export function containerIdFromCgroupPath(path: string): string | undefined {
  for (const { prefix, suffix } of LAYOUTS) {
    if (!path.endsWith(suffix)) continue;
    const end = path.length - suffix.length;
    const start = end - ID_LENGTH;
    if (start < prefix.length) continue;
    if (path.slice(start - prefix.length, start) !== prefix) continue;
    const id = path.slice(start, end);
    if (HEX64.test(id)) return id.slice(0, REPORTED_ID_LENGTH);
  }
  return undefined;
}

/** The container id for a thread's cgroups (`subsystem=path` pairs or bare paths), or "host". */
export function containerIdFromCgroups(cgroups: readonly (readonly [string, string])[]): string {
  for (const [, path] of cgroups) {
    const id = containerIdFromCgroupPath(path);
    if (id !== undefined) return id;
  }
  return HOST_CONTAINER_ID;
}

/** Parses the NUL-separated `subsys=path` list that execve/clone events and /proc carry. */
export function parseCgroupList(items: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq > 0) out.push([item.slice(0, eq), item.slice(eq + 1)]);
  }
  return out;
}

/** Parses /proc/PID/cgroup text (`id:subsys:path` lines) into `[subsys, path]` pairs. */
export function parseProcCgroup(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    out.push([line.slice(a + 1, b), line.slice(b + 1)]);
  }
  return out;
}

/** A bind mount of a container, as the runtime reports it. */
export interface ContainerMount {
  source: string;
  dest: string;
  mode: string;
  rdwr: boolean;
  propagation: string;
}

/** What the container runtime (or a capture's container events) says about one container. */
export interface ContainerInfo {
  id: string;
  /** docker, cri-o, containerd, podman, ... */
  type?: string;
  name?: string;
  image?: string;
  imageId?: string;
  imageRepository?: string;
  imageTag?: string;
  imageDigest?: string;
  privileged?: boolean;
  mounts: ContainerMount[];
  labels: Record<string, string>;
  ip?: string;
  cniJson?: string;
  /** Creation time, ns since the epoch. */
  createdTs?: bigint;
  hostPid?: boolean;
  hostNetwork?: boolean;
  hostIpc?: boolean;
}
