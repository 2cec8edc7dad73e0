// A small syscall world for container lookups: threads placed in containers by their cgroup paths,
// open events to drive the state parser, and the container.* / k8s.* fields those events show.
import type { ContainerLookup } from '../../../detector/containers/index.js';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { blankThread, containerIdFromCgroups, ThreadTable } from '../../../detector/state/index.js';
import { createContext, layoutOf, StateParser, type ParamValue, type SyscallContext, type SyscallEvent } from '../../../detector/sources/syscall/index.js';

const OPEN_X = 3;
let num = 0;

export function openEvent(ctx: SyscallContext, tid: number): SyscallEvent {
  const layout = layoutOf(OPEN_X);
  if (!layout) throw new Error('no open layout');
  num++;
  const params: Record<string, ParamValue> = { fd: 3, name: '/etc/hosts', flags: 1, mode: 0, dev: 0 };
  return { num, ts: BigInt(num), cpu: 0, tid, layout, type: layout.name, dir: layout.dir, params: layout.params.map((p) => params[p.name] ?? null), ctx };
}

export const CONTAINER_FIELDS = [
  'container.id',
  'container.name',
  'container.image',
  'container.image.repository',
  'container.image.tag',
  'container.image.digest',
  'container.privileged',
  'k8s.ns.name',
  'k8s.pod.name',
  'container.type',
];

export function containerFields(e: SyscallEvent): Record<string, unknown> {
  return Object.fromEntries(CONTAINER_FIELDS.map((f) => [f, SYSCALL_FIELDS.fields.get(f)?.bind(undefined)(e)]));
}

export interface World {
  ctx: SyscallContext;
  parser: StateParser;
  lookup: ContainerLookup;
  /** Runs one event of `tid` through the parser and returns its fields. */
  event(tid: number): Record<string, unknown>;
}

/** Threads by tid with their cgroup paths (the container id comes from them, as live). */
export function world(threads: Record<number, string>, lookup: (ctx: SyscallContext) => ContainerLookup): World {
  const ctx = createContext({ threads: new ThreadTable() });
  for (const [tid, path] of Object.entries(threads)) {
    const t = blankThread(Number(tid));
    t.cgroups = [['cpu', path], ['memory', path]];
    Object.assign(t, { ptid: 1, comm: 'worker', containerId: containerIdFromCgroups(t.cgroups) });
    ctx.threads.set(t);
  }
  const l = lookup(ctx);
  ctx.requestContainer = (id) => l.request(id);
  const parser = new StateParser(ctx);
  return {
    ctx,
    parser,
    lookup: l,
    event(tid) {
      const e = openEvent(ctx, tid);
      parser.process(e);
      return containerFields(e);
    },
  };
}
