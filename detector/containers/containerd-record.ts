/**
 * A containerd container record (`containerd.services.containers.v1.Container`) to container
 * metadata, as libsinsp's containerd engine reads it: labels as they are (the CRI plugin puts the pod's
 * namespace and name there), the image reference, mounts from the OCI spec that `spec` carries as
 * JSON, and the creation time. Additions of ours, each only when the record supports it:
 * `container.name` is the Kubernetes container name label (libsinsp uses the short id, which we keep
 * as the fallback), and `container.privileged` is derived from the OCI spec (see `privilegedFromSpec`).
 */
import type { ContainerInfo, ContainerMount } from '../state/index.js';
import { splitImageName } from './image-name.js';

/** The Container message as @grpc/proto-loader decodes it (keepCase, longs as strings). */
export interface ContainerdContainer {
  id: string;
  labels: Record<string, string>;
  image: string;
  spec?: { type_url: string; value: Buffer } | null;
  created_at?: { seconds: string | number; nanos: number } | null;
  sandbox?: string;
}

type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/** The OCI runtime spec inside `spec`, or undefined when there is none or it is not JSON. */
function ociSpec(c: ContainerdContainer): Doc | undefined {
  if (!c.spec || c.spec.value.length === 0) return undefined;
  try {
    return obj(JSON.parse(c.spec.value.toString('utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Whether an OCI spec is a privileged container's. The spec has no such flag; privileged mode (Docker's
 * and the CRI plugin's alike) grants CAP_SYS_ADMIN in the bounding set and clears the masked and
 * read-only /proc paths every other container gets. A spec that lacks the process or linux parts says
 * nothing: undefined.
 */
export function privilegedFromSpec(spec: Doc | undefined): boolean | undefined {
  const bounding = strings(obj(obj(spec?.process)?.capabilities)?.bounding);
  const linux = obj(spec?.linux);
  if (bounding === undefined || linux === undefined) return undefined;
  const masked = strings(linux.maskedPaths) ?? [];
  const readonly = strings(linux.readonlyPaths) ?? [];
  return bounding.includes('CAP_SYS_ADMIN') && masked.length === 0 && readonly.length === 0;
}

function specMounts(spec: Doc | undefined): ContainerMount[] {
  const propagation = typeof obj(spec?.linux)?.rootfsPropagation === 'string' ? (obj(spec?.linux)?.rootfsPropagation as string) : '';
  const list = Array.isArray(spec?.mounts) ? spec.mounts : [];
  return list.map((m) => {
    const o = obj(m) ?? {};
    const options = strings(o.options) ?? [];
    const mode = options.find((opt) => opt.startsWith('mode='))?.slice('mode='.length) ?? '';
    return { source: typeof o.source === 'string' ? o.source : '', dest: typeof o.destination === 'string' ? o.destination : '', mode, rdwr: !options.includes('ro'), propagation };
  });
}

/**
 * The metadata in a containerd container record; `shortId` is the id events carry, `imageDigest` the
 * digest the images API gave for the record's image name (a digest in the name itself wins).
 */
export function containerFromContainerd(shortId: string, c: ContainerdContainer, imageDigest?: string): ContainerInfo {
  const spec = ociSpec(c);
  const n = c.image === '' ? undefined : splitImageName(c.image);
  const seconds = Number(c.created_at?.seconds ?? 0);
  const labels = { ...c.labels };
  return {
    id: c.id,
    type: 'containerd',
    name: labels['io.kubernetes.container.name'] || shortId,
    image: c.image || undefined,
    imageRepository: n?.repository || undefined,
    imageTag: n === undefined ? undefined : n.tag || (n.digest === '' ? 'latest' : undefined),
    imageDigest: n?.digest || imageDigest || undefined,
    privileged: privilegedFromSpec(spec),
    mounts: specMounts(spec),
    labels,
    createdTs: Number.isFinite(seconds) && seconds > 0 ? BigInt(Math.trunc(seconds)) * 1_000_000_000n : undefined,
  };
}
