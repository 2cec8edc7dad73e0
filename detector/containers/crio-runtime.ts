/** CRI-O lookups through the inspect endpoint on its unix socket. */
import { DockerApiError, dockerGet } from './docker-client.js';
import { containerFromCrioInspect, CrioDocumentError } from './crio-inspect.js';
import type { ContainerRef, LookupCallOptions, LookupOutcome, RuntimeClient } from './runtime.js';

export class CrioRuntime implements RuntimeClient {
  readonly kind = 'crio';
  constructor(readonly socket: string) {}

  async inspect(ref: ContainerRef, call: LookupCallOptions): Promise<LookupOutcome> {
    // CRI-O looks containers up by their exact id here (no prefixes): the full id when we have it.
    const id = ref.fullId ?? ref.id;
    try {
      const res = await dockerGet(this.socket, `/containers/${encodeURIComponent(id)}`, call);
      if (res.status === 404) return { kind: 'not-found' };
      if (res.status !== 200) {
        const reason = typeof res.body === 'string' ? `: ${res.body.trim()}` : '';
        return { kind: 'failed', failure: 'http', error: new DockerApiError('http', `CRI-O inspect: HTTP ${res.status}${reason}`, res.status) };
      }
      const info = containerFromCrioInspect(id, res.body);
      return { kind: 'found', info };
    } catch (error) {
      if (error instanceof DockerApiError) return { kind: 'failed', failure: error.failure, error };
      if (error instanceof CrioDocumentError) return { kind: 'failed', failure: 'bad-document', error };
      return { kind: 'failed', failure: 'io', error: error as Error };
    }
  }
}
