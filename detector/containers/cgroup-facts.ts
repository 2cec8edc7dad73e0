/**
 * What a thread's cgroup paths say about its container beyond the 12-character id events carry: the
 * whole id (CRI-O and containerd's `Get` only answer to it) and, from the path's form, which runtime
 * created it (`docker-<id>.scope`, `crio-<id>.scope`, `cri-containerd-<id>.scope`, `nerdctl-<id>.scope`,
 * a containerd namespace such as `/default/<name>`), so that runtime is asked first. Kubernetes'
 * cgroupfs layout (`/kubepods/<qos>/pod<uid>/<id>`) and Docker's (`/docker/<id>`) end in a bare id
 * that names no runtime: every runtime is then asked in the configured order.
 */
import { matchCgroupPath, type ThreadTable } from '../state/index.js';
import type { RuntimeKind } from './runtime.js';

/** The full id and the runtime a cgroup path shows; either may be unknown. */
export interface CgroupFacts {
  fullId?: string;
  runtime?: RuntimeKind;
}

/** The runtime behind each matcher prefix that names one; a containerd namespace names containerd. */
const RUNTIME_BY_PREFIX: ReadonlyMap<string, RuntimeKind> = new Map([
  ['/docker-', 'docker'],
  ['/crio-', 'crio'],
  ['/cri-containerd-', 'containerd'],
  [':cri-containerd:', 'containerd'],
  ['/nerdctl-', 'containerd'],
]);

/** Prefixes that name no runtime (a bare id, or podman's, which Saker asks through a Docker socket if at all). */
const BARE_PREFIXES: ReadonlySet<string> = new Set(['/', '/libpod-', '/libpod-payload-']);

/** Docker's cgroupfs driver files a bare id under `docker/`; other bare ids name no runtime. */
function bareIdRuntime(path: string, fullId: string): RuntimeKind | undefined {
  return path.endsWith(`/docker/${fullId}`) ? 'docker' : undefined;
}

/** What the cgroup paths say about the container whose short id is `shortId`. */
export function cgroupFacts(shortId: string, cgroups: readonly (readonly [string, string])[]): CgroupFacts {
  for (const [, path] of cgroups) {
    const m = matchCgroupPath(path);
    if (m === undefined || m.id !== shortId) continue;
    const runtime = RUNTIME_BY_PREFIX.get(m.prefix) ?? (BARE_PREFIXES.has(m.prefix) ? bareIdRuntime(path, m.fullId) : 'containerd');
    return runtime === undefined ? { fullId: m.fullId } : { fullId: m.fullId, runtime };
  }
  return {};
}

/**
 * Looks the facts up from a thread of that container. Runs once per lookup (not per event), so a scan
 * of the thread table is affordable.
 */
export function cgroupFactsFrom(threads: ThreadTable): (shortId: string) => CgroupFacts {
  return (shortId) => {
    for (const t of threads.values()) if (t.containerId === shortId && t.cgroups.length > 0) return cgroupFacts(shortId, t.cgroups);
    return {};
  };
}
