/**
 * A minimal HTTP-over-unix-socket client for the Docker Engine API (and CRI-O's inspect endpoint,
 * which speaks the same way): one GET, a bounded answer, a deadline. Everything that can go wrong
 * comes back as a typed DockerApiError, never an unhandled event.
 */
import { request } from 'node:http';

/** Why a Docker API call failed. `unavailable`: nothing listens on the socket (no Docker here). */
export type DockerFailure = 'unavailable' | 'timeout' | 'too-large' | 'bad-json' | 'http' | 'io';

export class DockerApiError extends Error {
  readonly code = 'SAKER_ERR_DOCKER_API';
  constructor(
    readonly failure: DockerFailure,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Limits for one call. */
export interface DockerCallOptions {
  timeoutMs: number;
  /** Largest answer accepted; inspect documents are a few KB, a runaway peer is cut off. */
  maxBytes: number;
}

/** Socket errors that mean "no Docker daemon here" rather than "Docker misbehaved". */
const UNAVAILABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'EACCES']);

/** An HTTP answer: its status and parsed JSON body (undefined when the body was empty). */
export interface DockerAnswer {
  status: number;
  body: unknown;
}

/** GETs `path` from the Docker API listening on `socketPath`. */
export function dockerGet(socketPath: string, path: string, opts: DockerCallOptions): Promise<DockerAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { host: 'docker', accept: 'application/json' }, timeout: opts.timeoutMs });
    req.on('timeout', () => req.destroy(new DockerApiError('timeout', `no answer from ${socketPath} within ${opts.timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof DockerApiError) reject(err);
      else if (err.code !== undefined && UNAVAILABLE.has(err.code)) reject(new DockerApiError('unavailable', `cannot connect to ${socketPath}: ${err.code}`, undefined, { cause: err }));
      else reject(new DockerApiError('io', `GET ${path} on ${socketPath} failed: ${err.message}`, undefined, { cause: err }));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) {
          req.destroy(new DockerApiError('too-large', `GET ${path}: answer larger than ${opts.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => reject(err instanceof DockerApiError ? err : new DockerApiError('io', `GET ${path}: ${err.message}`, undefined, { cause: err })));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch (cause) {
          // An error status with a plain-text reason (CRI-O's 404s are Go's http.Error text) is still
          // an answer; only a success that is not JSON is broken.
          if (status < 200 || status > 299) {
            resolve({ status, body: text });
            return;
          }
          reject(new DockerApiError('bad-json', `GET ${path}: answer is not JSON (HTTP ${status})`, status, { cause }));
          return;
        }
        resolve({ status, body });
      });
    });
    req.end();
  });
}
