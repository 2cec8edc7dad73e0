import { search } from './api.js';
import type { RowSource } from './alert-list.js';
import type { Alert } from './types.js';

const PAGE_SIZE = 200;
/** Page fetches in flight at once; scrolling far fast asks for the pages in view, not every page passed. */
const MAX_IN_FLIGHT = 4;

/**
 * The rows behind the list: alerts that arrived live (newest first) on top of a snapshot of the search,
 * paged in on demand. The snapshot is pinned by the server's cursor, so live inserts do not shift pages.
 */
export class AlertRows implements RowSource {
  private fresh: Alert[] = [];
  private readonly seen = new Set<string>();
  private pages = new Map<number, Alert[]>();
  private loading = new Set<number>();
  private total = 0;
  private cursor = 0;
  private generation = 0;
  private params = new URLSearchParams();

  constructor(private readonly onChange: () => void) {}

  /** New filters: fetch the first page and pin the snapshot. Returns the cursor for the live stream. */
  async reload(params: URLSearchParams): Promise<number> {
    const generation = ++this.generation;
    this.params = params;
    const first = await search(params, 1, PAGE_SIZE);
    if (generation !== this.generation) return first.cursor;
    this.fresh = [];
    this.seen.clear();
    this.pages = new Map([[1, first.alerts]]);
    this.loading = new Set();
    this.total = first.total;
    this.cursor = first.cursor;
    this.onChange();
    return first.cursor;
  }

  /** Alerts from the stream, oldest first; returns those that were new. */
  prepend(alerts: readonly Alert[]): Alert[] {
    const added = alerts.filter((a) => !this.seen.has(a.uuid));
    for (const a of added) this.seen.add(a.uuid);
    this.fresh = [...added.reverse(), ...this.fresh];
    return added;
  }

  length(): number {
    return this.fresh.length + this.total;
  }

  at(index: number): Alert | undefined {
    if (index < this.fresh.length) return this.fresh[index];
    const offset = index - this.fresh.length;
    const page = Math.floor(offset / PAGE_SIZE) + 1;
    const rows = this.pages.get(page);
    if (!rows) {
      this.fetch(page);
      return undefined;
    }
    return rows[offset % PAGE_SIZE];
  }

  find(uuid: string): Alert | undefined {
    for (const a of this.fresh) if (a.uuid === uuid) return a;
    for (const rows of this.pages.values()) for (const a of rows) if (a.uuid === uuid) return a;
    return undefined;
  }

  private fetch(page: number): void {
    if (this.loading.has(page) || this.loading.size >= MAX_IN_FLIGHT) return;
    this.loading.add(page);
    const generation = this.generation;
    search(this.params, page, PAGE_SIZE, this.cursor).then(
      (result) => {
        if (generation !== this.generation) return;
        this.loading.delete(page);
        this.pages.set(page, result.alerts);
        this.onChange();
      },
      () => {
        if (generation === this.generation) this.loading.delete(page);
      },
    );
  }
}
