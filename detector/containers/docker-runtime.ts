/** Docker Engine API lookups: `GET /containers/{id}/json`, then the image document for what it lacks. */
import { DockerApiError, dockerGet } from './docker-client.js';
import { containerFromInspect, DockerDocumentError, imageToLookUp } from './docker-inspect.js';
import type { ContainerRef, LookupCallOptions, LookupOutcome, RuntimeClient } from './runtime.js';

export class DockerRuntime implements RuntimeClient {
  readonly kind = 'docker';
  constructor(readonly socket: string) {}

  async inspect(ref: ContainerRef, call: LookupCallOptions): Promise<LookupOutcome> {
    const socket = this.socket;
    try {
      // dockerd accepts any unique prefix; the short id keeps request paths as the daemon logs them.
      const res = await dockerGet(socket, `/containers/${encodeURIComponent(ref.id)}/json`, call);
      if (res.status === 404) return { kind: 'not-found' };
      if (res.status !== 200) {
        const message = (res.body as { message?: unknown } | undefined)?.message;
        return { kind: 'failed', failure: 'http', error: new DockerApiError('http', `HTTP ${res.status}${typeof message === 'string' ? `: ${message}` : ''}`, res.status) };
      }
      const imageId = imageToLookUp(res.body);
      // The image document only fills gaps (digest, a tag): without it the container is still known.
      const image = imageId === undefined ? undefined : await dockerGet(socket, `/images/${encodeURIComponent(imageId)}/json?digests=1`, call).catch(() => undefined);
      return { kind: 'found', info: containerFromInspect(res.body, image?.status === 200 ? image.body : undefined) };
    } catch (error) {
      if (error instanceof DockerApiError) return { kind: 'failed', failure: error.failure, error };
      if (error instanceof DockerDocumentError) return { kind: 'failed', failure: 'bad-document', error };
      return { kind: 'failed', failure: 'io', error: error as Error };
    }
  }
}
