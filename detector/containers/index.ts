/** Container metadata from container runtimes' APIs (Docker Engine for now), looked up asynchronously. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectorConfig } from '../../common/config/index.js';
import type { Logger } from '../../common/logger.js';
import type { SyscallContext } from '../sources/syscall/index.js';
import { ContainerLookup } from './container-lookup.js';

export type { ContainerLookupLog, ContainerLookupOptions, ContainerLookupStats } from './container-lookup.js';
export { ContainerLookup } from './container-lookup.js';
export { DockerApiError, dockerGet, type DockerFailure } from './docker-client.js';
export { containerFromInspect, imageToLookUp, DockerDocumentError } from './docker-inspect.js';
export { splitImageName, type ImageName } from './image-name.js';

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * Starts container lookups for a live detector as its configuration asks, and connects them to the
 * context: events of threads in a container the context does not know then trigger a lookup. A host
 * without the runtime's socket (checked once, as Falco does) gets no lookups and no complaint.
 */
export function startContainerLookup(config: DetectorConfig, ctx: SyscallContext, log: Logger): ContainerLookup | undefined {
  const docker = config.container_engines.docker;
  if (!docker.enabled) return undefined;
  const sockets = docker.sockets.map((s) => join(config.hostroot, s)).filter(isSocket);
  if (sockets.length === 0) {
    log.debug({ sockets: docker.sockets }, 'no Docker API socket; container metadata stays unset');
    return undefined;
  }
  const lookup = new ContainerLookup(ctx.containers, { sockets, log });
  ctx.requestContainer = (id) => lookup.request(id);
  log.info({ sockets }, 'container metadata from the Docker API');
  return lookup;
}
