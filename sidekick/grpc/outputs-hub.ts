import type { Writable } from 'node:stream';
import { Counter, Gauge, type Registry } from 'prom-client';
import { parseJson, type Alert } from '../../contract/index.js';
import { BoundedQueue } from './bounded-queue.js';
import { falcoResponseOf } from './falco-response.js';
import { TextRing } from './text-ring.js';

/** One `sub` stream: alerts wait in a bounded queue while the consumer's socket is not writable. */
class Subscription {
  private readonly queue: BoundedQueue<Alert>;
  private blocked = false;

  constructor(
    private readonly stream: Writable,
    capacity: number,
    private readonly dropped: (count: number) => void,
  ) {
    this.queue = new BoundedQueue(capacity);
  }

  offer(alerts: readonly Alert[]): void {
    let dropped = 0;
    for (const alert of alerts) dropped += this.queue.push(alert);
    if (dropped > 0) this.dropped(dropped);
    this.flush();
  }

  end(): void {
    this.stream.end();
  }

  private flush(): void {
    if (this.blocked || this.stream.writableEnded || this.stream.destroyed) return;
    for (let alert = this.queue.shift(); alert !== undefined; alert = this.queue.shift()) {
      if (this.stream.write(falcoResponseOf(alert))) continue;
      this.blocked = true;
      this.stream.once('drain', () => {
        this.blocked = false;
        this.flush();
      });
      return;
    }
  }
}

/**
 * Fans accepted alerts out to Falco-style gRPC consumers. With subscribers connected, each gets every
 * alert; with none, alerts wait (bounded) for the next `get` or `sub`, as Falco kept its output queue
 * for whoever asked first. Alerts are mapped to Falco's message only when written. Waiting alerts are
 * kept as JSON bytes (`TextRing`), not objects: a sidekick without consumers pays one serialisation per
 * alert instead of old-generation garbage that grew its memory by tens of MB under load.
 */
export class FalcoOutputsHub {
  private readonly pending: TextRing;
  private readonly subscriptions = new Set<Subscription>();
  private readonly droppedTotal: Counter;

  constructor(
    private readonly capacity: number,
    registry: Registry,
  ) {
    this.pending = new TextRing(capacity);
    this.droppedTotal = new Counter({
      name: 'saker_sidekick_grpc_outputs_dropped_total',
      help: 'Alerts dropped from falco.outputs queues (no consumer for a while, or a consumer too slow), oldest first.',
      registers: [registry],
    });
    const subscribers: Gauge = new Gauge({
      name: 'saker_sidekick_grpc_outputs_subscribers',
      help: 'Open falco.outputs sub streams.',
      registers: [registry],
      collect: () => subscribers.set(this.subscriptions.size),
    });
    const pending: Gauge = new Gauge({
      name: 'saker_sidekick_grpc_outputs_pending',
      help: 'Alerts waiting for a falco.outputs consumer.',
      registers: [registry],
      collect: () => pending.set(this.pending.length),
    });
  }

  /** Called with every accepted batch; `jsons[i]` is `stringifyJson(alerts[i])`, written by ingest. */
  publish(alerts: readonly Alert[], jsons: readonly string[]): void {
    if (this.subscriptions.size === 0) {
      let dropped = 0;
      for (const json of jsons) dropped += this.pending.push(json);
      if (dropped > 0) this.droppedTotal.inc(dropped);
      return;
    }
    for (const subscription of this.subscriptions) subscription.offer(alerts);
  }

  /** Streams what is pending, then every new alert, to `stream` until it closes. */
  subscribe(stream: Writable): void {
    const subscription = new Subscription(stream, this.capacity, (n) => this.droppedTotal.inc(n));
    this.subscriptions.add(subscription);
    const leave = () => this.subscriptions.delete(subscription);
    stream.once('close', leave);
    stream.once('finish', leave);
    stream.once('error', leave);
    subscription.offer(this.takePending());
  }

  /** Removes and returns the alerts waiting for a consumer, oldest first. */
  takePending(): Alert[] {
    return this.pending.drain().map((json) => parseJson(json) as Alert);
  }

  /** Ends every subscriber's stream (server shutdown). */
  close(): void {
    for (const subscription of this.subscriptions) subscription.end();
    this.subscriptions.clear();
  }
}
