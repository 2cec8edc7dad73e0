/**
 * Collects work that arrives close together and hands it over as one group. Ingest uses it to write
 * the alerts of many requests in one outbox transaction: a SQLite commit costs about as much as all
 * the inserts of a small request, so one commit per request capped single-alert ingest at a fraction
 * of what the HTTP server can take.
 *
 * The window is the current turn of the event loop: everything staged before the loop's next check
 * phase (`setImmediate`) — under load, every request whose body arrived in the same poll — goes into
 * one group, so an idle server adds no delay and a busy one groups as much as it receives. A group is
 * also cut once it holds `maxItems` (counted by `weight`), which bounds the size of one transaction.
 */
export class GroupCommit<T> {
  private group: T[] = [];
  private weight = 0;
  private timer: NodeJS.Immediate | undefined;

  constructor(
    private readonly commit: (group: T[]) => void,
    private readonly maxItems: number,
  ) {
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new RangeError(`maxItems must be a positive integer, got ${maxItems}`);
  }

  /** Items staged and not yet committed. */
  get staged(): number {
    return this.group.length;
  }

  /** Stages `item` (worth `weight` towards `maxItems`); it is committed this turn of the event loop. */
  add(item: T, weight = 1): void {
    this.group.push(item);
    this.weight += weight;
    if (this.weight >= this.maxItems) this.flush();
    else this.timer ??= setImmediate(() => this.flush());
  }

  /** Commits what is staged now (also before shutdown, so nothing staged is left behind). */
  flush(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    if (this.group.length === 0) return;
    const group = this.group;
    this.group = [];
    this.weight = 0;
    this.commit(group);
  }
}
