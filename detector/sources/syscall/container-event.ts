/**
 * Container metadata events (`container` with a `json` parameter) that capture files carry: the
 * runtime's description of a container, recorded so replays can resolve `container.*` fields.
 */
import type { ContainerInfo, ContainerMount } from '../../state/index.js';
import type { SyscallContext } from './context.js';
import { paramByName, type SyscallEvent } from './event.js';

// libsinsp's container type enum, by position.
const TYPES = ['docker', 'lxc', 'libvirt-lxc', 'mesos', 'rkt', 'cri', 'containerd', 'cri-o', 'bpm', 'static', 'podman'];

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** Parses one container JSON event into the context's container table; bad JSON is ignored. */
export function applyContainerEvent(ctx: SyscallContext, e: SyscallEvent): ContainerInfo | undefined {
  const raw = paramByName(e, 'json');
  if (typeof raw !== 'string') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const c = (doc as { container?: Record<string, unknown> } | null)?.container;
  if (c === undefined || c === null || typeof c !== 'object') return undefined;
  const id = str(c.id);
  if (id === undefined) return undefined;
  const mounts: ContainerMount[] = Array.isArray(c.Mounts)
    ? (c.Mounts as Record<string, unknown>[]).map((m) => ({
        source: str(m.Source) ?? '',
        dest: str(m.Destination) ?? '',
        mode: str(m.Mode) ?? '',
        rdwr: bool(m.RW) ?? false,
        propagation: str(m.Propagation) ?? '',
      }))
    : [];
  const labels: Record<string, string> = {};
  if (c.labels && typeof c.labels === 'object') {
    for (const [k, v] of Object.entries(c.labels as Record<string, unknown>)) if (typeof v === 'string') labels[k] = v;
  }
  const info: ContainerInfo = {
    id,
    type: typeof c.type === 'number' ? TYPES[c.type] : undefined,
    name: str(c.name),
    image: str(c.image),
    imageId: str(c.imageid),
    imageRepository: str(c.imagerepo),
    imageTag: str(c.imagetag),
    imageDigest: str(c.imagedigest),
    privileged: bool(c.privileged),
    mounts,
    labels,
    ip: str(c.ip),
    createdTs: typeof c.created_time === 'number' ? BigInt(c.created_time) * 1_000_000_000n : undefined,
  };
  ctx.containers.set(id.slice(0, 12), info);
  return info;
}
