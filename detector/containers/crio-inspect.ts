/**
 * CRI-O's inspect document (`GET /containers/{id}` on its socket) to container metadata.
 *
 * The document is CRI-O's `types.ContainerInfo` (cri-o/cri-o, pkg/types/types.go; served by
 * server/inspect.go): `name` (the runtime-side name, `k8s_<container>_<pod>_<ns>_<uid>_<attempt>`),
 * `pid`, `image` (the image name the container runs), `image_ref` (the storage image id, `sha256:<id>`
 * or bare, or on newer CRI-O the digested reference `<repository>@sha256:<digest>`),
 * `created_time` (ns since the epoch), `labels` (the CRI labels, with `io.kubernetes.pod.namespace`,
 * `io.kubernetes.pod.name`, `io.kubernetes.container.name`), `annotations`, `crio_annotations`,
 * `log_path`, `root`, `sandbox` and `ip_addresses`. It carries no container id: the caller supplies
 * the one it asked about. An unknown id is a 404 with a plain-text reason.
 *
 * Names follow libsinsp's CRI engine: `container.name` is the Kubernetes container name (the
 * `io.kubernetes.container.name` label), falling back to the runtime-side name.
 */
import type { ContainerInfo } from '../state/index.js';
import { splitImageName } from './image-name.js';

type Doc = Record<string, unknown>;

const obj = (v: unknown): Doc | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** CRI-O's annotation saying whether the pod's sandbox uses the privileged runtime. */
const PRIVILEGED_RUNTIME = 'io.kubernetes.cri-o.PrivilegedRuntime';

/** Thrown for an answer that is not an inspect document at all. */
export class CrioDocumentError extends Error {
  readonly code = 'SAKER_ERR_CRIO_DOCUMENT';
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}

/**
 * What `image_ref` says, by its form (as libsinsp's CRI engine reads the CRI image_ref): a digested
 * reference gives the registry digest; a bare or `sha256:`-prefixed id is the image id. libsinsp also
 * reports a bare `sha256:<id>` as the digest; an image id is not a registry digest, so we do not.
 */
function imageReference(ref: string | undefined): { imageId?: string; digest?: string } {
  if (ref === undefined) return {};
  const at = ref.indexOf('@');
  if (at >= 0) return ref.startsWith('sha256:', at + 1) ? { digest: ref.slice(at + 1) } : {};
  return { imageId: ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : ref };
}

/**
 * The metadata in a CRI-O inspect document for the container `id`.
 * @throws CrioDocumentError when the answer is not a JSON object
 */
export function containerFromCrioInspect(id: string, doc: unknown): ContainerInfo {
  const d = obj(doc);
  if (d === undefined) throw new CrioDocumentError('the CRI-O inspect endpoint answered without a JSON object');
  const labels = stringMap(d.labels);
  const annotations = { ...stringMap(d.crio_annotations), ...stringMap(d.annotations) };
  const image = str(d.image);
  const n = image === undefined ? undefined : splitImageName(image);
  const ref = imageReference(str(d.image_ref));
  const created = d.created_time;
  const ip = Array.isArray(d.ip_addresses) ? d.ip_addresses.find((a): a is string => typeof a === 'string') : undefined;
  // The annotation is per pod: "false" means no container of the pod is privileged; "true" only
  // that one may be, so this container's flag stays unknown.
  const privileged = annotations[PRIVILEGED_RUNTIME] === 'false' ? false : undefined;
  return {
    id,
    type: 'cri-o',
    name: str(labels['io.kubernetes.container.name']) ?? str(d.name),
    image,
    imageId: ref.imageId,
    imageRepository: str(n?.repository),
    imageTag: n === undefined ? undefined : n.tag || (n.digest === '' ? 'latest' : undefined),
    imageDigest: str(n?.digest) ?? ref.digest,
    privileged,
    mounts: [],
    labels,
    ip,
    createdTs: typeof created === 'number' && Number.isFinite(created) && created > 0 ? BigInt(Math.trunc(created / 1e9)) * 1_000_000_000n : undefined,
  };
}
