/**
 * Docker Engine API documents (`GET /containers/{id}/json`, `GET /images/{id}/json`) to the container
 * metadata the `container.*` and `k8s.*` fields read, following libsinsp's docker engine: the name
 * without its leading slash, the image as `docker run` was given it split into repository and tag
 * (`latest` when none), the digest and a missing tag from the image's RepoDigests/RepoTags, labels,
 * privileged flag, mounts, IP address and creation time. Fields the documents lack stay unset.
 */
import type { ContainerInfo, ContainerMount } from '../state/index.js';
import { splitImageName } from './image-name.js';

type Doc = Record<string, unknown>;

const obj = (v: unknown): Doc | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Thrown for a document that is not a container description at all (no `Id`). */
export class DockerDocumentError extends Error {
  readonly code = 'SAKER_ERR_DOCKER_DOCUMENT';
}

/** What the container document says about its image, and whether the image document is needed. */
interface ImageFacts {
  image: string;
  imageId?: string;
  repository: string;
  tag: string;
  digest: string;
  /** The image id to ask `/images/{id}/json` about, when the container document leaves gaps. */
  lookupId?: string;
}

function imageFacts(doc: Doc): ImageFacts {
  const image = str(obj(doc.Config)?.Image) ?? '';
  const imageRef = str(doc.Image) ?? '';
  if (imageRef.includes('/')) {
    // Podman puts a name in `Image`, not an id: parse that.
    const n = splitImageName(imageRef);
    return { image, repository: n.repository, tag: n.tag, digest: n.digest };
  }
  // `Image` is the image id (`sha256:<hex>`); a container started by id has no name in Config.Image.
  const colon = imageRef.indexOf(':');
  const imageId = colon >= 0 ? imageRef.slice(colon + 1) : undefined;
  const startedById = (imageId !== undefined && imageId.startsWith(image)) || imageRef.startsWith(image);
  const n = startedById ? { repository: '', tag: '', digest: '' } : splitImageName(image);
  const needsImage = imageId !== undefined && imageId !== '' && (startedById || n.digest === '' || n.tag === '');
  return { image, imageId, ...n, lookupId: needsImage ? imageId : undefined };
}

/** Fills repository, digest and tag gaps from an image document, as libsinsp's image query does. */
function applyImageDoc(f: ImageFacts, img: Doc): void {
  const digest = str(img.Digest);
  if (digest !== undefined) f.digest = digest;
  else {
    const digests = new Set<string>();
    for (const rd of strings(img.RepoDigests)) {
      const at = rd.indexOf('@');
      const d = rd.slice(at + 1);
      digests.add(d);
      if (f.repository === '') f.repository = at < 0 ? rd : rd.slice(0, at);
      if (rd.includes(f.repository)) {
        f.digest = d;
        break;
      }
    }
    // Only one digest at all: it is this image's, whatever repository it was pushed to.
    const only = [...digests];
    if (f.digest === '' && only.length === 1 && only[0] !== undefined) f.digest = only[0];
  }
  for (const rt of strings(img.RepoTags)) {
    const colon = rt.lastIndexOf(':');
    if (f.repository === '') f.repository = colon < 0 ? rt : rt.slice(0, colon);
    if (rt.includes(f.repository)) {
      f.tag = rt.slice(colon + 1);
      break;
    }
  }
}

/** The image id whose document fills gaps the container document leaves, or undefined. */
export function imageToLookUp(doc: unknown): string | undefined {
  const d = obj(doc);
  return d === undefined ? undefined : imageFacts(d).lookupId;
}

function mounts(v: unknown): ContainerMount[] {
  if (!Array.isArray(v)) return [];
  return v.map((m) => {
    const o = obj(m) ?? {};
    return { source: str(o.Source) ?? '', dest: str(o.Destination) ?? '', mode: str(o.Mode) ?? '', rdwr: bool(o.RW) ?? false, propagation: str(o.Propagation) ?? '' };
  });
}

function labels(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Seconds since the epoch, as libsinsp keeps the creation time, in ns. */
function createdNs(v: unknown): bigint | undefined {
  const s = str(v);
  const ms = s === undefined ? Number.NaN : Date.parse(s);
  return Number.isFinite(ms) ? BigInt(Math.floor(ms / 1000)) * 1_000_000_000n : undefined;
}

/**
 * The metadata in an inspect document (and, when given, its image's document).
 * @throws DockerDocumentError when the document has no container id
 */
export function containerFromInspect(doc: unknown, imageDoc?: unknown): ContainerInfo {
  const d = obj(doc);
  const id = str(d?.Id);
  if (d === undefined || id === undefined || id === '') throw new DockerDocumentError('the Docker API answered without a container Id');
  const f = imageFacts(d);
  const img = obj(imageDoc);
  if (img !== undefined) applyImageDoc(f, img);
  const rawName = str(d.Name);
  const host = obj(d.HostConfig);
  const ip = str(obj(d.NetworkSettings)?.IPAddress);
  return {
    id,
    type: 'docker',
    name: rawName?.startsWith('/') ? rawName.slice(1) : rawName,
    image: f.image,
    imageId: f.imageId,
    // Empty parts are unknown (`<NA>`), not empty strings; a missing tag means Docker's default.
    imageRepository: f.repository || undefined,
    imageTag: f.tag === '' ? 'latest' : f.tag,
    imageDigest: f.digest || undefined,
    privileged: bool(host?.Privileged),
    mounts: mounts(d.Mounts),
    labels: labels(obj(d.Config)?.Labels),
    ip: ip === '' ? undefined : ip,
    createdTs: createdNs(d.Created),
  };
}
