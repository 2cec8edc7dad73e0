/**
 * What every container runtime client answers to "what is container X?", so the lookup can ask
 * Docker, CRI-O and containerd the same way and treat their answers alike.
 */
import type { ContainerInfo } from '../state/index.js';
import type { DockerFailure } from './docker-client.js';

/** The runtimes Saker can ask, by the name used in the configuration. */
export type RuntimeKind = 'docker' | 'crio' | 'containerd';

/** Why a lookup failed: a transport failure, a gRPC error status, or a document we cannot read. */
export type LookupFailure = DockerFailure | 'grpc' | 'bad-document';

/** The container asked about: the id events carry (12 hex digits) and, when known, the full id. */
export interface ContainerRef {
  id: string;
  /** The 64-hex id from the thread's cgroup path; some runtimes only answer to it. */
  fullId?: string;
}

/** One runtime's answer. `not-found`: it is up but has no such container (another runtime's). */
export type LookupOutcome =
  | { kind: 'found'; info: ContainerInfo }
  | { kind: 'not-found' }
  | { kind: 'failed'; failure: LookupFailure; error: Error };

/** Limits for one lookup. */
export interface LookupCallOptions {
  timeoutMs: number;
  /** Largest answer accepted. */
  maxBytes: number;
}

/** A client of one runtime's API on one socket. */
export interface RuntimeClient {
  readonly kind: RuntimeKind;
  readonly socket: string;
  /** Never rejects: every failure comes back as a `failed` outcome. */
  inspect(ref: ContainerRef, call: LookupCallOptions): Promise<LookupOutcome>;
  /** Releases connections the client keeps. */
  close?(): void;
}
