import type { Logger } from '../../common/logger.js';
import type { Outbox } from '../outbox/store.js';
import type { SidekickMetrics } from '../metrics.js';
import type { Route } from '../routing/router.js';
import { DeliveryQueue, type DeliveryPolicy } from './queue.js';

/** One delivery queue per output instance, started together and drained together. */
export class Dispatcher {
  private readonly queues = new Map<string, DeliveryQueue>();

  constructor(routes: readonly Route[], outbox: Outbox, policy: DeliveryPolicy, metrics: SidekickMetrics, log: Logger) {
    for (const route of routes) {
      this.queues.set(route.name, new DeliveryQueue(route.name, route.output, outbox, policy, metrics, log.child({ output: route.name })));
    }
  }

  /** Output names that have a queue (replay only targets these). */
  get names(): ReadonlySet<string> {
    return new Set(this.queues.keys());
  }

  /** Starts (or resumes, after a restart) delivery of whatever is pending on disk. */
  start(): void {
    for (const queue of this.queues.values()) queue.notify();
  }

  notify(outputs: Iterable<string>): void {
    for (const name of outputs) this.queues.get(name)?.notify();
  }

  /** Waits until no queue has due work or `timeoutMs` passes, then stops every queue. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const idle = Promise.all([...this.queues.values()].map((q) => q.whenIdle())).then(() => true as const);
    const drained = await Promise.race([idle, timedOut]);
    clearTimeout(timer);
    for (const queue of this.queues.values()) queue.stop();
    return drained;
  }
}
