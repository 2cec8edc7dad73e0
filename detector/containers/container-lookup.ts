/**
 * Container metadata from the container runtimes' APIs (Docker, CRI-O, containerd), looked up in the background so event
 * processing never waits: the first events of a new container see its `container.name` & co. as
 * missing (`<NA>`), later ones see the runtime's answer. Answers are kept per container id in the
 * context's container table, which stays bounded (oldest entries go first); requests beyond the
 * queue bound are dropped and counted (the next event of that container asks again); failures are
 * counted, logged once per kind, and retried after a pause. An id no runtime knows (a container of a
 * runtime Saker does not ask) is not asked about again until it falls out of the bounded memory.
 */
import type { ContainerInfo } from '../state/index.js';
import type { CgroupFacts } from './cgroup-facts.js';
import { DockerRuntime } from './docker-runtime.js';
import type { LookupCallOptions, LookupFailure, LookupOutcome, RuntimeClient } from './runtime.js';

/** Where the first failure of each kind is reported (a pino logger fits). */
export interface ContainerLookupLog {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** Bounds and timing of the lookups. */
export interface ContainerLookupOptions {
  /** Docker API sockets to ask, in order (the first that answers wins). */
  sockets?: readonly string[];
  /** Runtime clients to ask after the Docker sockets (CRI-O, containerd, ...), in order. */
  runtimes?: readonly RuntimeClient[];
  /** The full id and creating runtime of a container, from its threads' cgroup paths. */
  cgroupFacts?: (id: string) => CgroupFacts;
  timeoutMs?: number;
  maxBytes?: number;
  /** Most containers kept in the table, and most failed ids remembered. */
  maxEntries?: number;
  /** Most lookups waiting for a free slot; beyond it requests are dropped and counted. */
  maxPending?: number;
  /** Lookups in flight at once. */
  concurrency?: number;
  /** Pause before an id whose lookup failed is asked about again. */
  retryMs?: number;
  log?: ContainerLookupLog;
  /** See `ContainerLookup.onFound`. */
  onFound?: (id: string, info: ContainerInfo) => void;
  /** Clock for retry pauses (ms). */
  now?: () => number;
}

/** What the lookups did; every drop and failure is counted here. */
export interface ContainerLookupStats {
  requested: number;
  found: number;
  /** The runtime answered that it has no such container. */
  notFound: number;
  failed: Record<LookupFailure, number>;
  /** Requests dropped because the queue was full. */
  dropped: number;
  /** Containers dropped from the full table to make room. */
  evicted: number;
}

const DEFAULTS = { timeoutMs: 2_000, maxBytes: 1 << 20, maxEntries: 4_096, maxPending: 256, concurrency: 4, retryMs: 30_000 };

type Outcome = LookupOutcome;

export class ContainerLookup {
  readonly stats: ContainerLookupStats = {
    requested: 0,
    found: 0,
    notFound: 0,
    failed: { unavailable: 0, timeout: 0, 'too-large': 0, 'bad-json': 0, http: 0, io: 0, grpc: 0, 'bad-document': 0 },
    dropped: 0,
    evicted: 0,
  };
  private readonly opts: typeof DEFAULTS & ContainerLookupOptions;
  private readonly call: LookupCallOptions;
  private readonly runtimes: readonly RuntimeClient[];
  private readonly now: () => number;
  private readonly inFlight = new Set<string>();
  private readonly queue: string[] = [];
  /** Ids not to ask about before the given time (Infinity: the runtime does not know them). */
  private readonly holdUntil = new Map<string, number>();
  private readonly logged = new Set<string>();
  /**
   * Called with each container the runtimes describe, as it enters the table (e.g. to record it, so
   * a replay sees the same metadata at the same point of the stream).
   */
  onFound: ((id: string, info: ContainerInfo) => void) | undefined;
  private running = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly containers: Map<string, ContainerInfo>,
    options: ContainerLookupOptions,
  ) {
    this.opts = { ...DEFAULTS, ...options };
    this.call = { timeoutMs: this.opts.timeoutMs, maxBytes: this.opts.maxBytes };
    this.now = options.now ?? Date.now;
    this.onFound = options.onFound;
    this.runtimes = [...(options.sockets ?? []).map((socket) => new DockerRuntime(socket)), ...(options.runtimes ?? [])];
  }

  /** Asks for a container's metadata unless it is known, being looked up, or on hold. Never blocks. */
  request(id: string): void {
    if (this.closed || this.containers.has(id) || this.inFlight.has(id) || this.runtimes.length === 0) return;
    const hold = this.holdUntil.get(id);
    if (hold !== undefined) {
      if (hold === Number.POSITIVE_INFINITY || hold > this.now()) return;
      this.holdUntil.delete(id);
    }
    if (this.running >= this.opts.concurrency && this.queue.length >= this.opts.maxPending) {
      this.stats.dropped++;
      return;
    }
    this.stats.requested++;
    this.inFlight.add(id);
    this.queue.push(id);
    this.pump();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops asking and releases the runtimes' connections; answers already on their way are dropped. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const runtime of this.runtimes) runtime.close?.();
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.queue.length > 0) {
      const id = this.queue.shift();
      if (id === undefined) break;
      this.running++;
      void this.lookUp(id).then((outcome) => this.settle(id, outcome));
    }
  }

  private settle(id: string, outcome: Outcome): void {
    this.running--;
    this.inFlight.delete(id);
    if (!this.closed) this.record(id, outcome);
    this.pump();
    if (this.inFlight.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private record(id: string, outcome: Outcome): void {
    if (outcome.kind === 'found') {
      this.stats.found++;
      this.containers.set(id, outcome.info);
      try {
        this.onFound?.(id, outcome.info);
      } catch (error) {
        // A failing listener must not stall the lookups (settle would never finish).
        if (!this.logged.has('listener')) {
          this.logged.add('listener');
          this.opts.log?.warn({ err: error, container: id }, 'a container metadata listener failed');
        }
      }
      while (this.containers.size > this.opts.maxEntries) {
        const oldest = this.containers.keys().next().value;
        if (oldest === undefined) break;
        this.containers.delete(oldest);
        this.stats.evicted++;
      }
      return;
    }
    if (outcome.kind === 'not-found') {
      this.stats.notFound++;
      this.hold(id, Number.POSITIVE_INFINITY);
      return;
    }
    this.stats.failed[outcome.failure]++;
    this.hold(id, this.now() + this.opts.retryMs);
    // A host without the runtime is normal: say so only at debug level.
    if (!this.logged.has(outcome.failure)) {
      this.logged.add(outcome.failure);
      const fields = { err: outcome.error, container: id, failure: outcome.failure };
      if (outcome.failure === 'unavailable') this.opts.log?.debug(fields, 'container runtime API not reachable; container metadata stays unset');
      else this.opts.log?.warn(fields, 'container metadata lookup failed; counting further failures of this kind');
    }
  }

  private hold(id: string, until: number): void {
    this.holdUntil.set(id, until);
    while (this.holdUntil.size > this.opts.maxEntries) {
      const oldest = this.holdUntil.keys().next().value;
      if (oldest === undefined) break;
      this.holdUntil.delete(oldest);
    }
  }

  /**
   * Asks the runtimes in turn, the one the cgroup path names first. The first that knows the container
   * wins; one that does not know it (another runtime's container) or is not running hands over to the
   * next. When none knows it, a failure of a running runtime wins over "not found", so the id is asked
   * about again later rather than written off.
   */
  private async lookUp(id: string): Promise<Outcome> {
    const facts = this.opts.cgroupFacts?.(id) ?? {};
    const ref = facts.fullId === undefined ? { id } : { id, fullId: facts.fullId };
    const order = facts.runtime === undefined ? this.runtimes : [...this.runtimes.filter((r) => r.kind === facts.runtime), ...this.runtimes.filter((r) => r.kind !== facts.runtime)];
    let unavailable: Outcome | undefined;
    let notFound: Outcome | undefined;
    let failed: Outcome | undefined;
    for (const runtime of order) {
      const outcome = await runtime.inspect(ref, this.call);
      if (outcome.kind === 'found') return outcome;
      if (outcome.kind === 'not-found') notFound ??= outcome;
      else if (outcome.failure === 'unavailable') unavailable ??= outcome;
      else failed ??= outcome;
    }
    return failed ?? notFound ?? unavailable ?? { kind: 'failed', failure: 'unavailable', error: new Error('no container runtime configured') };
  }
}
