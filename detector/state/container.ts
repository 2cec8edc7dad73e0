/**
 * Container id from a thread's cgroups, as Falco's container engines (libsinsp's runc matchers, now the
 * container plugin's) derive it. Each engine knows the layouts its runtime writes: the id sits between
 * a prefix and a suffix, each found from the *right* of the path (so `/docker-<id>.scope/init.scope`,
 * where the last `.scope` belongs to systemd's init unit, names no container, while
 * `/docker-<id>.scope/payload` does). A 64-hex id is reported by its first 12 digits; containers that
 * containerd's own clients (ctr, nerdctl's cgroupfs mode) create sit at `/<namespace>/<name>`, where the
 * name is any length up to 64 and is reported by its first 12 characters. A thread no layout matches
 * is on the host: "host".
 *
 * One deliberate difference: libsinsp's hex test for a 64-character id counts from the start of the
 * path rather than of the id, so it lets some non-hex 64-character names through; we require hex.
 */

/** A prefix/suffix pair around the id. */
interface CgroupLayout {
  prefix: string;
  suffix: string;
}

const layouts = (pairs: readonly (readonly [string, string])[]): readonly CgroupLayout[] => pairs.map(([prefix, suffix]) => ({ prefix, suffix }));

/** The engines in the order Falco asks them; the first layout that matches wins. */
const ENGINE_LAYOUTS: readonly (readonly CgroupLayout[])[] = [
  // podman: systemd and cgroupfs managers, `--cgroups=split` (quadlets), rootless under user@.service.
  layouts([['/libpod-', '.scope'], ['/libpod-', '.scope/container'], ['/libpod-', ''], ['/libpod-payload-', ''], ['/libpod-payload-', '.scope']]),
  // docker: cgroupfs (`/docker/<id>`) and systemd (`docker-<id>.scope`) drivers.
  layouts([['/', ''], ['/docker-', '.scope']]),
  // CRI runtimes, Kubernetes' kubepods trees under both drivers: containerd, CRI-O, cri-dockerd. Falco's
  // CRI engine also lists `/<id>` and `/docker-<id>.scope`; docker's rows above match those first, so
  // they are not repeated here (each would be one more miss per cgroup path of every host thread).
  layouts([['/crio-', ''], ['/cri-containerd-', '.scope'], ['/crio-', '.scope'], [':cri-containerd:', '']]),
  // nerdctl with the systemd driver.
  layouts([['/nerdctl-', '.scope']]),
];

/** The id libsinsp reports for threads outside any container. */
export const HOST_CONTAINER_ID = 'host';
const ID_LENGTH = 64;
const REPORTED_ID_LENGTH = 12;
const HEX_ID = /^[0-9a-fA-F]{64}$/;
/** containerd's namespace: the first `/name/` component whose name is alphanumeric runs joined by `.`, `_`, `-`. */
const CONTAINERD_NAMESPACE = /\/[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*\//;
/** systemd units: a containerd namespace path ending in one is a host service, not a container. */
const SYSTEMD_UNIT_SUFFIXES: readonly string[] = ['.service', '.slice', '.scope'];

/** What one cgroup path says: the id events carry and the whole id the runtime knows. */
export interface CgroupMatch {
  /** `container.id`: the first 12 characters. */
  id: string;
  /** The whole id as the runtime names the container. */
  fullId: string;
  /** The prefix the id followed (`/docker-`, `/crio-`, `:cri-containerd:`, `/` ...; the namespace for containerd). */
  prefix: string;
}

/** The text between the last `prefix` and the last `suffix`, when it is an id. */
function between(path: string, { prefix, suffix }: CgroupLayout, anyName: boolean): string | undefined {
  const at = path.lastIndexOf(prefix);
  if (at < 0) return undefined;
  const start = at + prefix.length;
  const end = suffix === '' ? path.length : path.lastIndexOf(suffix);
  const length = end - start;
  if (length === ID_LENGTH && HEX_ID.test(path.slice(start, end))) return path.slice(start, end);
  if (!anyName || length <= 0 || length > ID_LENGTH) return undefined;
  return SYSTEMD_UNIT_SUFFIXES.some((s) => path.endsWith(s)) ? undefined : path.slice(start, end);
}

/** The container one cgroup path names, or undefined. */
export function matchCgroupPath(path: string): CgroupMatch | undefined {
  for (const engine of ENGINE_LAYOUTS) {
    for (const layout of engine) {
      const fullId = between(path, layout, false);
      if (fullId !== undefined) return { id: fullId.slice(0, REPORTED_ID_LENGTH), fullId, prefix: layout.prefix };
    }
  }
  const namespace = CONTAINERD_NAMESPACE.exec(path)?.[0];
  const fullId = namespace === undefined ? undefined : between(path, { prefix: namespace, suffix: '' }, true);
  return fullId === undefined || namespace === undefined ? undefined : { id: fullId.slice(0, REPORTED_ID_LENGTH), fullId, prefix: namespace };
}

/** The container id (12 characters) one cgroup path names, or undefined. */
export function containerIdFromCgroupPath(path: string): string | undefined {
  return matchCgroupPath(path)?.id;
}

/** The container id for a thread's cgroups (`subsystem=path` pairs), or "host": the first path that names one wins. */
export function containerIdFromCgroups(cgroups: readonly (readonly [string, string])[]): string {
  for (const [, path] of cgroups) {
    if (path === '') continue;
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
