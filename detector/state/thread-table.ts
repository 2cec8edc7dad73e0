/**
 * The thread table: threads by tid, parent lookup for `proc.pname`/`proc.aname[n]`, and the process
 * view (main thread) that fds, cwd and command line belong to.
 */
import type { ThreadInfo } from './thread.js';

/** Upper bound on an ancestor walk; real trees are shallow, a cycle in corrupt input is not. */
export const MAX_ANCESTRY = 256;

export class ThreadTable {
  private readonly threads = new Map<number, ThreadInfo>();

  get size(): number {
    return this.threads.size;
  }

  get(tid: number): ThreadInfo | undefined {
    return this.threads.get(tid);
  }

  set(thread: ThreadInfo): void {
    this.threads.set(thread.tid, thread);
  }

  delete(tid: number): void {
    this.threads.delete(tid);
  }

  values(): IterableIterator<ThreadInfo> {
    return this.threads.values();
  }

  /** The process a thread belongs to (its main thread), or the thread itself when not known. */
  mainThread(thread: ThreadInfo): ThreadInfo {
    if (thread.tid === thread.pid) return thread;
    return this.threads.get(thread.pid) ?? thread;
  }

  /**
   * The thread's parent: the thread its `ptid` names. libsinsp follows `ptid` as is (for a thread of a
   * multi-threaded process that is the thread that created it), so `proc.pname` does too.
   */
  parent(thread: ThreadInfo): ThreadInfo | undefined {
    if (thread.ptid < 0 || thread.ptid === thread.tid) return undefined;
    return this.threads.get(thread.ptid);
  }

  /** The n-th ancestor (0 = the thread's main thread, 1 = its parent, ...), or undefined. */
  ancestor(thread: ThreadInfo, n: number): ThreadInfo | undefined {
    let cur: ThreadInfo | undefined = this.mainThread(thread);
    for (let i = 0; i < n && cur !== undefined; i++) {
      if (i >= MAX_ANCESTRY) return undefined;
      cur = this.parent(cur);
    }
    return cur;
  }

  /** Every ancestor from the main thread's parent upwards, stopping at a cycle or MAX_ANCESTRY. */
  *ancestors(thread: ThreadInfo): Generator<ThreadInfo> {
    const start = this.mainThread(thread);
    const seen = new Set<number>([start.tid]);
    let cur = this.parent(start);
    while (cur !== undefined && !seen.has(cur.tid) && seen.size < MAX_ANCESTRY) {
      seen.add(cur.tid);
      yield cur;
      cur = this.parent(cur);
    }
  }
}
