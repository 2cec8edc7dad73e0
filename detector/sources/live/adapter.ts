/**
 * Live records to Saker's syscall events. The bpftrace driver reports each call once, on exit, with
 * raw kernel values; the state parser and the field table expect the events a Falco driver writes:
 * PPME layouts, parameters by Falco name, portable (PPM) flag encodings, a `clone` exit for each new
 * child and a `procexit` for each exiting thread. This module is that translation; /proc fills in what
 * the probes do not carry (cwd, cgroups, tty, a socket's own address) while the process is still there.
 *
 * Events that synthesize process state (the child's `clone`) read the parent from the context, so
 * each record's events must go through the StateParser before the next record is adapted.
 */
import { kernelOpenFlagsToPpm, type ThreadInfo } from '../../state/index.js';
import { EVENT_LAYOUTS, isUsableLayout, type EventLayout, type ParamLayout } from '../syscall/layouts.js';
import type { ParamValue, SockAddr, SockTuple, SyscallEvent } from '../syscall/event.js';
import type { SyscallContext } from '../syscall/context.js';
import { FLAG_TABLES } from '../syscall/flag-tables.js';
import { SYSCALL_NAMES } from '../syscall/syscall-names.js';
import { PROBES_BY_NAME } from './probes.js';
import { MonotonicClock } from './clock.js';
import { ProcHostFacts, type HostFacts } from './host-facts.js';
import type { LiveExit, LiveFork, LiveRecord, LiveSockAddr, LiveSyscall } from './records.js';

/** Adapter settings. */
export interface LiveEventAdapterOptions {
  clock?: MonotonicClock;
  /** Where to read details the probes do not carry (cwd, cgroups, tty, local socket ends). */
  procRoot?: string;
  /** Names for a cgroup v2 membership (default: the host's v2 controllers; see readCgroupControllers). */
  cgroupControllers?: readonly string[];
  /** Answers those lookups instead of `procRoot` (a recording's answers, when replaying one). */
  host?: HostFacts;
}

/** Thrown for a record the adapter cannot place in any layout (a driver/adapter version mismatch). */
export class LiveAdapterError extends Error {
  readonly code = 'SAKER_ERR_LIVE_ADAPTER';
}

// Syscalls this libscap table files under another event: accept4 is `accept` there, and its driver
// reported dup2 and dup3 as `dup` of their old fd (so the duplicated fd is still tracked). setreuid and
// setregid have events of their own only in newer drivers, whose numbers this table does not hold:
// they take setresuid's and setresgid's layout (the saved id left unchanged) but keep their name.
const LAYOUT_ALIASES: Readonly<Record<string, string>> = { accept4: 'accept', dup2: 'dup', dup3: 'dup', setreuid: 'setresuid', setregid: 'setresgid' };
const KEEPS_OWN_TYPE: ReadonlySet<string> = new Set(['setreuid', 'setregid']);
const ARG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = { dup2: { oldfd: 'fd' }, dup3: { oldfd: 'fd' } };

/** Per syscall name: the exit layout with the most parameters (the newest driver's), and its enter. */
function richestLayouts(): Map<string, { exit: EventLayout; enter?: EventLayout }> {
  const out = new Map<string, { exit: EventLayout; enter?: EventLayout }>();
  for (const layout of EVENT_LAYOUTS) {
    if (layout.dir !== '<' || !isUsableLayout(layout) || layout.name === 'syscall') continue;
    const cur = out.get(layout.name);
    if (cur && cur.exit.params.length > layout.params.length) continue;
    const enter = EVENT_LAYOUTS[layout.id - 1];
    out.set(layout.name, { exit: layout, enter: enter?.name === layout.name ? enter : undefined });
  }
  return out;
}

const LAYOUTS = richestLayouts();

/**
 * For syscalls whose probe has only plain arguments (no socket address, no exec details): where each
 * layout parameter comes from, worked out once instead of per event. `exitArgs[i]`/`enterArgs[i]` is
 * the probe argument index for parameter i; `enterOnly` lists the arguments only the enter layout holds.
 */
interface PlainPlan {
  layouts: { exit: EventLayout; enter?: EventLayout };
  type: string;
  exitArgs: (number | undefined)[];
  enterArgs: (number | undefined)[];
  enterOnly: number[];
}

const PLAIN_PLANS: ReadonlyMap<string, PlainPlan> = new Map(
  [...PROBES_BY_NAME.values()].flatMap((probe): [string, PlainPlan][] => {
    const layouts = LAYOUTS.get(LAYOUT_ALIASES[probe.name] ?? probe.name);
    if (!layouts || probe.execArgs || probe.exitSockaddr || probe.args.some((a) => a.kind === 'sockaddr')) return [];
    const argIndex = new Map(probe.args.map((a, i) => [ARG_ALIASES[probe.name]?.[a.name] ?? a.name, i]));
    const indexes = (layout: EventLayout | undefined) => (layout?.params ?? []).map((p) => argIndex.get(p.name));
    const exitArgs = indexes(layouts.exit);
    exitArgs[0] = undefined;
    const enterOnly = [...argIndex].filter(([name]) => !layouts.exit.paramIndex.has(name)).map(([, i]) => i);
    const type = KEEPS_OWN_TYPE.has(probe.name) ? probe.name : layouts.exit.name;
    return [[probe.name, { layouts, type, exitArgs, enterArgs: indexes(layouts.enter), enterOnly }]];
  }),
);
const GENERIC_EXIT = EVENT_LAYOUTS[1];
const PROCEXIT = EVENT_LAYOUTS.filter((l) => l.name === 'procexit').reduce((a, b) => (b.params.length > a.params.length ? b : a));

/** Kernel bit -> PPM bit pairs, for flag sets whose encodings differ. */
type BitMap = readonly (readonly [kernel: number, ppm: number])[];

function mapBits(value: number, bits: BitMap): number {
  let out = 0;
  for (const [k, p] of bits) if ((value & k) === k) out |= p;
  return out;
}

// Mode bits (S_ISUID..S_IXOTH) are the same numbers in both encodings; anything above is file type.
const MODE_MASK = 0o7777;

/** Kernel ptrace request numbers (asm-generic plus x86's) by name; PPM numbers them differently. */
const KERNEL_PTRACE_REQUESTS: Readonly<Record<string, number>> = {
  PTRACE_TRACEME: 0, PTRACE_PEEKTEXT: 1, PTRACE_PEEKDATA: 2, PTRACE_PEEKUSR: 3, PTRACE_POKETEXT: 4,
  PTRACE_POKEDATA: 5, PTRACE_POKEUSR: 6, PTRACE_CONT: 7, PTRACE_KILL: 8, PTRACE_SINGLESTEP: 9,
  PTRACE_GETREGS: 12, PTRACE_SETREGS: 13, PTRACE_GETFPREGS: 14, PTRACE_SETFPREGS: 15, PTRACE_ATTACH: 16,
  PTRACE_DETACH: 17, PTRACE_GETFPXREGS: 18, PTRACE_SETFPXREGS: 19, PTRACE_SYSCALL: 24,
  PTRACE_GET_THREAD_AREA: 25, PTRACE_SET_THREAD_AREA: 26, PTRACE_ARCH_PRCTL: 30, PTRACE_SYSEMU: 31,
  PTRACE_SYSEMU_SINGLESTEP: 32, PTRACE_SINGLEBLOCK: 33, PTRACE_SETOPTIONS: 0x4200,
  PTRACE_GETEVENTMSG: 0x4201, PTRACE_GETSIGINFO: 0x4202, PTRACE_SETSIGINFO: 0x4203,
  PTRACE_GETREGSET: 0x4204, PTRACE_SETREGSET: 0x4205, PTRACE_SEIZE: 0x4206, PTRACE_INTERRUPT: 0x4207,
  PTRACE_LISTEN: 0x4208, PTRACE_PEEKSIGINFO: 0x4209, PTRACE_GETSIGMASK: 0x420a, PTRACE_SETSIGMASK: 0x420b,
};

/** Kernel request number -> PPM request number, joined by name with the driver's table. */
const PTRACE_TO_PPM = new Map(
  (FLAG_TABLES.ptrace_requests ?? []).flatMap(([name, ppm]) => {
    const kernel = KERNEL_PTRACE_REQUESTS[name];
    return kernel === undefined ? [] : [[kernel, ppm] as const];
  }),
);
const PPM_PTRACE_UNKNOWN = 0;

// mount(2) still accepts the historic magic number in the top 16 bits; the driver strips it.
const MS_MGC_MSK = 0xffff0000;
const MS_MGC_VAL = 0xc0ed0000;

/** Converters from the kernel's value to the driver's, by the flag table the parameter renders with. */
const FLAG_CONVERTERS = new Map<readonly (readonly [string, number])[] | undefined, (v: number) => number>([
  [FLAG_TABLES.file_flags, kernelOpenFlagsToPpm],
  [FLAG_TABLES.chmod_mode, (v) => v & MODE_MASK],
  [FLAG_TABLES.execveat_flags, (v) => mapBits(v, [[0x1000, 1], [0x100, 2]])],
  [FLAG_TABLES.linkat_flags, (v) => mapBits(v, [[0x400, 1024], [0x1000, 4096]])],
  [FLAG_TABLES.unlinkat_flags, (v) => mapBits(v, [[0x200, 512]])],
  // openat2's RESOLVE_* bits: kernel NO_XDEV, NO_MAGICLINKS, NO_SYMLINKS, BENEATH, IN_ROOT, CACHED.
  [FLAG_TABLES.openat2_flags, (v) => mapBits(v, [[0x1, 16], [0x2, 4], [0x4, 8], [0x8, 1], [0x10, 2], [0x20, 32]])],
  [FLAG_TABLES.ptrace_requests, (v) => PTRACE_TO_PPM.get(v) ?? PPM_PTRACE_UNKNOWN],
  [FLAG_TABLES.mount_flags, (v) => ((v & MS_MGC_MSK) >>> 0 === MS_MGC_VAL ? v & ~MS_MGC_MSK : v) >>> 0],
]);

function convert(p: ParamLayout, v: number | string | LiveSockAddr | undefined): ParamValue {
  if (v === undefined) return null;
  if (typeof v !== 'number') return typeof v === 'string' ? v : sockAddr(v);
  const conv = FLAG_CONVERTERS.get(p.flagTable) ?? (p.name === 'mode' ? (m: number) => m & MODE_MASK : undefined);
  return conv ? conv(v) : v;
}

function sockAddr(a: LiveSockAddr): SockAddr {
  return { ...a };
}

// PPM clone flags for a new thread of the same process (what pthread_create passes).
const PPM_CLONE_THREAD_FLAGS = 1 /* FILES */ | 2 /* FS */ | 2048 /* SIGHAND */ | 8192 /* THREAD */ | 32768; /* VM */

function nulJoined(items: readonly string[]): Uint8Array {
  return Buffer.from(items.map((s) => `${s}\0`).join(''), 'utf8');
}

/** A /proc lookup the adapter will make for a record (see `hostQueries`). */
export type HostQuery =
  | { kind: 'process'; pid: number }
  | { kind: 'tgid'; tid: number }
  | { kind: 'socket'; pid: number; fd: number; like: LiveSockAddr };

const isIpAddr = (v: unknown): v is LiveSockAddr => typeof v === 'object' && v !== null && ((v as LiveSockAddr).family === 'inet' || (v as LiveSockAddr).family === 'inet6');

/**
 * The host lookups adapting `record` will make, so they can be read ahead without blocking: an exec
 * reads its process, a connect or accept its socket's own address, a fork whose thread group the
 * record does not settle its child's status. Mirrors `execParams`, `derived` and `fork`; `ctx` is only
 * a hint (a parent it knows already answers the fork's question), so a query too many costs a read
 * and a query missed is answered "unknown" and counted by the facts provider.
 */
export function hostQueries(record: LiveRecord, ctx: SyscallContext): HostQuery[] {
  if (record.kind === 'exit') return [];
  if (record.kind === 'fork') {
    if (record.thread === false) return [];
    const known = ctx.threads.get(record.childTid);
    if (known && !known.incomplete) return [];
    return record.thread && ctx.threads.get(record.parentTid) ? [] : [{ kind: 'tgid', tid: record.childTid }];
  }
  if (PLAIN_PLANS.has(record.syscall)) return [];
  const out: HostQuery[] = [];
  if (record.exec) out.push({ kind: 'process', pid: record.pid });
  const probe = PROBES_BY_NAME.get(record.syscall);
  if (!probe) return out;
  if (record.syscall === 'connect') {
    const index = (name: string) => probe.args.findIndex((a) => (ARG_ALIASES[record.syscall]?.[a.name] ?? a.name) === name);
    const addr = record.args.get(index('addr'));
    const fd = record.args.get(index('fd'));
    if (isIpAddr(addr) && typeof fd === 'number' && fd >= 0) out.push({ kind: 'socket', pid: record.pid, fd, like: addr });
  }
  const peer = probe.exitSockaddr ? record.args.get(probe.args.length) : undefined;
  if (isIpAddr(peer) && record.ret >= 0) out.push({ kind: 'socket', pid: record.pid, fd: record.ret, like: peer });
  return out;
}

/** Turns live records into Falco-shaped syscall events. */
export class LiveEventAdapter {
  private num = 0;
  private readonly clock: MonotonicClock;
  private readonly host: HostFacts;

  constructor(
    readonly ctx: SyscallContext,
    options: LiveEventAdapterOptions = {},
  ) {
    this.clock = options.clock ?? new MonotonicClock();
    this.host = options.host ?? new ProcHostFacts(options.procRoot, options.cgroupControllers);
  }

  /** The events one record stands for, in order (an enter event precedes its exit when needed). */
  adapt(record: LiveRecord): SyscallEvent[] {
    switch (record.kind) {
      case 'syscall':
        return this.syscall(record);
      case 'fork':
        return this.fork(record);
      case 'exit':
        return [this.exit(record)];
    }
  }

  private event(tid: number, ktime: bigint, layout: EventLayout, params: ParamValue[], type = layout.name): SyscallEvent {
    return { num: ++this.num, ts: this.clock.toEpochNs(ktime), cpu: 0, tid, layout, type, dir: layout.dir, params, ctx: this.ctx };
  }

  private syscall(r: LiveSyscall): SyscallEvent[] {
    const plan = PLAIN_PLANS.get(r.syscall);
    if (plan) return this.plain(r, plan);
    const probe = PROBES_BY_NAME.get(r.syscall);
    const layouts = LAYOUTS.get(LAYOUT_ALIASES[r.syscall] ?? r.syscall);
    if (!layouts) return [this.generic(r)];
    // Arguments by Falco name; the exit-time sockaddr (accept's peer) follows the enter arguments.
    const byName = new Map<string, number | string | LiveSockAddr>();
    probe?.args.forEach((a, i) => {
      const v = r.args.get(i);
      if (v !== undefined) byName.set(ARG_ALIASES[r.syscall]?.[a.name] ?? a.name, v);
    });
    const peer = probe?.exitSockaddr ? r.args.get(probe.args.length) : undefined;
    const exit = layouts.exit;
    const type = KEEPS_OWN_TYPE.has(r.syscall) ? r.syscall : exit.name;
    const special = { ...this.derived(r, byName, peer), ...(r.exec ? this.execParams(r) : {}) };
    const params = exit.params.map((p, i): ParamValue => {
      if (i === 0) return r.ret;
      if (p.name in special) return special[p.name] ?? null;
      return convert(p, byName.get(p.name));
    });
    const out: SyscallEvent[] = [];
    // Old layouts keep some arguments (connect's fd, execve's filename) only in the enter event; the
    // parser reads them from there, so emit it when the exit cannot carry everything.
    const missing = [...byName.keys()].some((n) => !exit.paramIndex.has(n)) || (r.exec !== undefined && !exit.paramIndex.has('trusted_exepath'));
    if (missing && layouts.enter) {
      const enter = layouts.enter;
      const enterParams = enter.params.map((p): ParamValue => {
        // Without a trusted_exepath parameter the parser resolves the enter's filename: give it the
        // path the kernel actually executed.
        if (r.exec && (p.name === 'filename' || p.name === 'pathname')) return r.exec.path;
        if (byName.has(p.name)) return convert(p, byName.get(p.name));
        return special[p.name] ?? null;
      });
      out.push(this.event(r.tid, r.ktime, enter, enterParams, type));
    }
    out.push(this.event(r.tid, r.ktime, exit, params, type));
    return out;
  }

  /** A syscall whose parameters are its probe's arguments as they are (see PLAIN_PLANS). */
  private plain(r: LiveSyscall, plan: PlainPlan): SyscallEvent[] {
    const { exit, enter } = plan.layouts;
    const params: ParamValue[] = new Array(exit.params.length);
    params[0] = r.ret;
    for (let i = 1; i < params.length; i++) {
      const index = plan.exitArgs[i];
      params[i] = index === undefined ? null : convert(exit.params[i] as ParamLayout, r.args.get(index));
    }
    // Old layouts keep some arguments only in the enter event; the parser reads them from there.
    if (!enter || !plan.enterOnly.some((index) => r.args.has(index))) return [this.event(r.tid, r.ktime, exit, params, plan.type)];
    const enterParams = enter.params.map((p, i): ParamValue => {
      const index = plan.enterArgs[i];
      return index === undefined ? null : convert(p, r.args.get(index));
    });
    return [this.event(r.tid, r.ktime, enter, enterParams, plan.type), this.event(r.tid, r.ktime, exit, params, plan.type)];
  }

  /** Parameters no probe argument holds as such: connection tuples, built from addresses. */
  private derived(r: LiveSyscall, byName: Map<string, number | string | LiveSockAddr>, peer: number | string | LiveSockAddr | undefined): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    const addr = byName.get('addr');
    if (r.syscall === 'connect' && typeof addr === 'object') {
      const fd = byName.get('fd');
      out.tuple = tuple(this.localEnd(r.pid, typeof fd === 'number' ? fd : -1, addr), addr);
    }
    if (typeof peer === 'object') out.tuple = tuple(peer, this.localEnd(r.pid, r.ret, peer));
    return out;
  }

  /** The socket's own address, from /proc while the fd is still open; the unspecified address if not. */
  private localEnd(pid: number, fd: number, like: LiveSockAddr): LiveSockAddr {
    if (like.family === 'unix') return { family: 'unix', path: '' };
    const any: LiveSockAddr = like.family === 'inet6' ? { family: 'inet6', ip: '::', port: 0 } : { family: 'inet', ip: '0.0.0.0', port: 0 };
    if (like.family === 'other' || fd < 0) return any;
    return this.host.socketEnd(pid, fd, like) ?? any;
  }

  /** execve/execveat exit parameters from the exec details and, while readable, /proc/<pid>. */
  private execParams(r: LiveSyscall): Record<string, ParamValue> {
    const argv = r.exec?.argv ?? [];
    const proc = this.host.process(r.pid);
    return {
      exe: argv[0] ?? r.exec?.path ?? '',
      args: nulJoined(argv.slice(1)),
      tid: r.tid,
      pid: r.pid,
      ptid: r.ppid ?? null,
      cwd: proc.cwd ?? null,
      comm: r.comm ?? null,
      cgroups: proc.cgroups ? nulJoined(proc.cgroups.map(([k, v]) => `${k}=${v}`)) : null,
      env: proc.env ? nulJoined(proc.env) : null,
      tty: proc.tty ?? null,
      // /proc/<pid>/stat gives the group in our own (the host's) pid namespace: that is the `pgid`
      // newer drivers append, and the namespace-relative `vpgid` too for every host process.
      vpgid: proc.pgid ?? null,
      pgid: proc.pgid ?? null,
      loginuid: r.loginuid === undefined ? null : r.loginuid | 0,
      uid: r.uid ?? null,
      gid: r.gid ?? null,
      trusted_exepath: r.exec?.path ?? null,
      flags: 0,
    };
  }

  private generic(r: LiveSyscall): SyscallEvent {
    if (!GENERIC_EXIT) throw new LiveAdapterError(`no generic layout for ${r.syscall}`);
    const id = SYSCALL_NAMES.indexOf(r.syscall);
    return this.event(r.tid, r.ktime, GENERIC_EXIT, [id < 0 ? 0 : id], r.syscall);
  }

  /** The child's `clone` exit, describing the child as a copy of its parent (libsinsp's inheritance). */
  private fork(r: LiveFork): SyscallEvent[] {
    const layouts = LAYOUTS.get('clone');
    if (!layouts) throw new LiveAdapterError('no clone layout');
    // The child already described itself (its execve came first, or /proc was seeded after the fork):
    // a copy of the parent now would overwrite fresher facts.
    const known = this.ctx.threads.get(r.childTid);
    if (known && !known.incomplete) return [];
    const parent: ThreadInfo | undefined = this.ctx.threads.get(r.parentTid);
    const main = parent ? this.ctx.threads.mainThread(parent) : undefined;
    // The driver says from the clone flags; a recording made before it did asks /proc (or its
    // answers). A child whose /proc entry is already gone is taken for a process: fork is far more
    // common than a thread that exits before we look, and a process is the safer guess for proc.*.
    const tgid = r.thread === false ? undefined : r.thread && parent ? parent.pid : this.host.tgid(r.childTid);
    const isThread = r.thread ?? (tgid !== undefined && tgid !== r.childTid);
    const values: Record<string, ParamValue> = {
      res: 0,
      exe: parent?.exe ?? null,
      args: parent ? nulJoined(parent.args) : null,
      tid: r.childTid,
      pid: isThread ? (tgid ?? r.childTid) : r.childTid,
      ptid: parent?.pid ?? r.parentTid,
      cwd: main?.cwd ?? null,
      fdlimit: parent?.fdlimit ?? null,
      comm: parent?.comm || r.comm,
      cgroups: parent ? nulJoined(parent.cgroups.map(([k, v]) => `${k}=${v}`)) : null,
      flags: isThread ? PPM_CLONE_THREAD_FLAGS : 0,
      uid: parent?.uid ?? null,
      gid: parent?.gid ?? null,
    };
    const params = layouts.exit.params.map((p) => values[p.name] ?? null);
    return [this.event(r.childTid, r.ktime, layouts.exit, params)];
  }

  private exit(r: LiveExit): SyscallEvent {
    // The tracepoint does not carry the exit status: the parameters stay empty rather than guessed.
    return this.event(r.tid, r.ktime, PROCEXIT, PROCEXIT.params.map(() => null));
  }
}

function tuple(src: LiveSockAddr, dst: LiveSockAddr): SockTuple | null {
  if (dst.family === 'unix') return { family: 'unix', source: 0n, dest: 0n, path: dst.path };
  if (dst.family === 'other') return { family: 'other', code: dst.code };
  if (src.family !== dst.family) return null;
  return { family: dst.family, sip: src.ip, sport: src.port, dip: dst.ip, dport: dst.port };
}
