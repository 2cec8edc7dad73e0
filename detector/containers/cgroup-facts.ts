/**
 * What a thread's cgroup paths say about its container beyond the 12-digit id events carry: the full
 * 64-hex id (CRI-O and containerd's `Get` only answer to it) and, from the path's form, which runtime
 * created it (`docker-<id>.scope`, `crio-<id>.scope`, `cri-containerd-<id>.scope`, ...), so that
 * runtime is asked first. Kubernetes' cgroupfs layout (`/kubepods/<qos>/pod<uid>/<id>`) names no
 * runtime: every runtime is then asked in the configured order.
 */
import type { ThreadTable } from '../state/index.js';
import type { RuntimeKind } from './runtime.js';

/** The full id and the runtime a cgroup path shows; either may be unknown. */
export interface CgroupFacts {
  fullId?: string;
  runtime?: RuntimeKind;
}

/** Text right before the id, by the runtime that writes it. */
const RUNTIME_MARKERS: readonly (readonly [string, RuntimeKind])[] = [
  ['/docker-', 'docker'],
  ['/docker/', 'docker'],
  ['/crio-', 'crio'],
  ['/cri-containerd-', 'containerd'],
  [':cri-containerd:', 'containerd'],
];

const HEX64 = /[0-9a-f]{64}/g;

/** What the cgroup paths say about the container whose short id is `shortId`. */
export function cgroupFacts(shortId: string, cgroups: readonly (readonly [string, string])[]): CgroupFacts {
  for (const [, path] of cgroups) {
    for (const m of path.matchAll(HEX64)) {
      if (!m[0].startsWith(shortId)) continue;
      const before = path.slice(0, m.index);
      const marker = RUNTIME_MARKERS.find(([text]) => before.endsWith(text));
      return marker ? { fullId: m[0], runtime: marker[1] } : { fullId: m[0] };
    }
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
