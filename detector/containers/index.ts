/** Container metadata from container runtimes' APIs (Docker Engine, CRI-O, containerd), looked up asynchronously. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectorConfig } from '../../common/config/index.js';
import type { Logger } from '../../common/logger.js';
import type { SyscallContext } from '../sources/syscall/index.js';
import { cgroupFactsFrom } from './cgroup-facts.js';
import { ContainerLookup } from './container-lookup.js';
import { ContainerdRuntime } from './containerd-runtime.js';
import { CrioRuntime } from './crio-runtime.js';
import { DockerRuntime } from './docker-runtime.js';
import type { RuntimeClient } from './runtime.js';

export type { ContainerLookupLog, ContainerLookupOptions, ContainerLookupStats } from './container-lookup.js';
export { ContainerLookup } from './container-lookup.js';
export { DockerApiError, dockerGet, type DockerFailure } from './docker-client.js';
export { containerFromInspect, imageToLookUp, DockerDocumentError } from './docker-inspect.js';
export { splitImageName, type ImageName } from './image-name.js';
export type { ContainerRef, LookupFailure, LookupOutcome, RuntimeClient, RuntimeKind } from './runtime.js';
export { DockerRuntime } from './docker-runtime.js';
export { CrioRuntime } from './crio-runtime.js';
export { containerFromCrioInspect, CrioDocumentError } from './crio-inspect.js';
export { ContainerdRuntime, CONTAINERD_NAMESPACES, CONTAINERD_PROTO, CONTAINERD_IMAGES_PROTO, containersService, imagesService } from './containerd-runtime.js';
export { containerFromContainerd, privilegedFromSpec, type ContainerdContainer } from './containerd-record.js';
export { cgroupFacts, cgroupFactsFrom, type CgroupFacts } from './cgroup-facts.js';

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

type Engines = DetectorConfig['container_engines'];

/** Each configured engine and how a socket of it becomes a client; the table's order is the asking order. */
const ENGINES: readonly { settings: (c: Engines) => { enabled: boolean; sockets: string[] }; client: (socket: string, c: Engines) => RuntimeClient }[] = [
  { settings: (c) => c.docker, client: (socket) => new DockerRuntime(socket) },
  { settings: (c) => c.crio, client: (socket) => new CrioRuntime(socket) },
  { settings: (c) => c.containerd, client: (socket, c) => new ContainerdRuntime(socket, c.containerd.namespaces) },
];

/**
 * Starts container lookups for a live detector as its configuration asks, and connects them to the
 * context: events of threads in a container the context does not know then trigger a lookup. Only
 * runtimes whose socket exists (checked once, as Falco does) are asked; a host with none gets no
 * lookups and no complaint.
 */
export function startContainerLookup(config: DetectorConfig, ctx: SyscallContext, log: Logger): ContainerLookup | undefined {
  const runtimes: RuntimeClient[] = [];
  for (const engine of ENGINES) {
    const settings = engine.settings(config.container_engines);
    if (!settings.enabled) continue;
    for (const socket of settings.sockets.map((s) => join(config.hostroot, s)).filter(isSocket)) runtimes.push(engine.client(socket, config.container_engines));
  }
  if (runtimes.length === 0) {
    log.debug({ engines: config.container_engines }, 'no container runtime socket; container metadata stays unset');
    return undefined;
  }
  const lookup = new ContainerLookup(ctx.containers, { runtimes, cgroupFacts: cgroupFactsFrom(ctx.threads), log });
  ctx.requestContainer = (id) => lookup.request(id);
  log.info({ runtimes: runtimes.map((r) => `${r.kind}:${r.socket}`) }, 'container metadata from the container runtime APIs');
  return lookup;
}
