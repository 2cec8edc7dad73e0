/**
 * `proc.*` and `thread.*`: the process and thread that made the call, and its ancestors. Ancestor
 * fields take an index (`proc.aname[2]` is the grandparent); without one they are lists of every
 * ancestor from the parent upwards, so a condition matches when any ancestor does, as in libsinsp.
 */
import type { Extractor, FieldValue } from '../../engine/fields.js';
import type { ThreadInfo } from '../../state/index.js';
import type { SyscallEvent } from '../../sources/syscall/index.js';
import { defineFields, parseIndex, type FieldDef } from './define.js';

const CAP_NAMES = (
  'CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID' +
  ' CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW' +
  ' CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT' +
  ' CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD' +
  ' CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG' +
  ' CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE'
).split(' ');

/** Capability set as libsinsp prints it: names of the set bits, space-separated. */
export function capsToString(caps: bigint): string {
  const names: string[] = [];
  CAP_NAMES.forEach((name, bit) => {
    if ((caps >> BigInt(bit)) & 1n) names.push(name);
  });
  return names.join(' ');
}

/** `proc.cmdline`: comm followed by the arguments. */
export function cmdline(t: ThreadInfo): string {
  return t.args.length === 0 ? t.comm : `${t.comm} ${t.args.join(' ')}`;
}

function main(e: SyscallEvent): ThreadInfo | undefined {
  return e.thread === undefined ? undefined : e.ctx.threads.mainThread(e.thread);
}

function parent(e: SyscallEvent): ThreadInfo | undefined {
  if (e.thread === undefined || e.thread.incomplete) return undefined;
  const p = e.ctx.threads.parent(e.thread);
  return p === undefined || p.incomplete ? undefined : p;
}

/** A field on the process itself. */
function own(get: (t: ThreadInfo, e: SyscallEvent) => FieldValue | undefined) {
  return (e: SyscallEvent): FieldValue | undefined => (e.thread === undefined ? undefined : get(e.thread, e));
}

/** A name-like field: unset for a thread known only by its tid (no name yet), as libsinsp reports it. */
function named(get: (t: ThreadInfo, e: SyscallEvent) => FieldValue | undefined) {
  return (e: SyscallEvent): FieldValue | undefined =>
    e.thread === undefined || e.thread.incomplete ? undefined : get(e.thread, e);
}

/** A field on the parent process. */
function ofParent(get: (t: ThreadInfo) => FieldValue | undefined) {
  return (e: SyscallEvent): FieldValue | undefined => {
    const p = parent(e);
    return p === undefined ? undefined : get(p);
  };
}

/** Ancestor field binder: `[n]` picks one level, no argument lists every ancestor. */
function ancestorField(name: string, get: (t: ThreadInfo) => string | number) {
  return (arg: string | undefined): Extractor<SyscallEvent> => {
    if (arg === undefined) {
      return (e) => {
        if (e.thread === undefined || e.thread.incomplete) return undefined;
        const out: (string | number)[] = [];
        for (const a of e.ctx.threads.ancestors(e.thread)) out.push(get(a));
        return out as string[] | number[];
      };
    }
    const n = parseIndex(name, arg);
    return (e) => {
      if (e.thread === undefined || e.thread.incomplete) return undefined;
      const a = e.ctx.threads.ancestor(e.thread, n);
      return a === undefined ? undefined : get(a);
    };
  };
}

function envLookup(env: readonly string[], key: string): string | undefined {
  const prefix = `${key}=`;
  const hit = env.find((kv) => kv.startsWith(prefix));
  return hit === undefined ? undefined : hit.slice(prefix.length);
}

/** The eldest ancestor still in the same group (session or process group), per libsinsp. */
function groupLeader(e: SyscallEvent, key: 'sid' | 'vpgid'): ThreadInfo | undefined {
  const m = main(e);
  if (m === undefined || m[key] === undefined) return undefined;
  let leader = m;
  for (const a of e.ctx.threads.ancestors(m)) {
    if (a[key] !== m[key]) break;
    leader = a;
  }
  return leader;
}

const str = (s: string | undefined): string | undefined => s;
const since = (e: SyscallEvent, ts: bigint | undefined): bigint | undefined =>
  ts === undefined || ts === 0n ? undefined : e.ts - ts;

const DEFS: FieldDef[] = [
  { name: 'proc.exe', type: 'string', desc: 'argv[0] of the process', get: named((t) => t.exe) },
  { name: 'proc.pexe', type: 'string', desc: 'argv[0] of the parent', get: ofParent((t) => t.exe) },
  {
    name: 'proc.aexe',
    type: 'string',
    desc: 'argv[0] of an ancestor (index) or of any ancestor',
    arg: { kind: 'index', required: false },
    multiValue: 'any',
    bind: ancestorField('proc.aexe', (t) => t.exe),
  },
  { name: 'proc.exepath', type: 'string', desc: 'full executable path', get: own((t) => t.exepath) },
  { name: 'proc.pexepath', type: 'string', desc: 'executable path of the parent', get: ofParent((t) => t.exepath) },
  {
    name: 'proc.aexepath',
    type: 'string',
    desc: 'executable path of an ancestor',
    arg: { kind: 'index', required: false },
    multiValue: 'any',
    bind: ancestorField('proc.aexepath', (t) => t.exepath),
  },
  { name: 'proc.name', type: 'string', desc: 'process name (comm)', get: named((t) => t.comm) },
  { name: 'proc.pname', type: 'string', desc: 'parent process name', get: ofParent((t) => t.comm) },
  {
    name: 'proc.aname',
    type: 'string',
    desc: 'name of an ancestor (index) or of any ancestor',
    arg: { kind: 'index', required: false },
    multiValue: 'any',
    bind: ancestorField('proc.aname', (t) => t.comm),
  },
  { name: 'proc.args', type: 'string', desc: 'arguments, argv[1..], space-separated', get: own((t) => t.args.join(' ')) },
  { name: 'proc.cmdline', type: 'string', desc: 'name followed by arguments', get: named(cmdline) },
  { name: 'proc.pcmdline', type: 'string', desc: 'command line of the parent', get: ofParent(cmdline) },
  {
    name: 'proc.acmdline',
    type: 'string',
    desc: 'command line of an ancestor',
    arg: { kind: 'index', required: false },
    multiValue: 'any',
    bind: ancestorField('proc.acmdline', cmdline),
  },
  { name: 'proc.cmdnargs', type: 'uint', desc: 'number of arguments', get: own((t) => t.args.length) },
  {
    name: 'proc.cmdlenargs',
    type: 'uint',
    desc: 'total length of the arguments',
    get: own((t) => t.args.reduce((n, a) => n + a.length, 0)),
  },
  {
    name: 'proc.exeline',
    type: 'string',
    desc: 'argv[0] followed by arguments',
    get: own((t) => (t.args.length === 0 ? t.exe : `${t.exe} ${t.args.join(' ')}`)),
  },
  {
    name: 'proc.env',
    type: 'string',
    desc: 'environment, or one variable with proc.env[NAME]',
    arg: { kind: 'key', required: false },
    bind: (arg) => {
      if (arg === undefined) return own((t, e) => e.ctx.threads.mainThread(t).env.join(' '));
      return own((t, e) => envLookup(e.ctx.threads.mainThread(t).env, arg));
    },
  },
  {
    name: 'proc.aenv',
    type: 'string',
    desc: 'environment of an ancestor, or the first ancestor value of a variable',
    arg: { kind: 'key', required: false },
    bind: (arg) => {
      if (arg !== undefined && /^\d+$/.test(arg)) {
        const n = Number(arg);
        return own((t, e) => e.ctx.threads.ancestor(t, n)?.env.join(' '));
      }
      return own((t, e) => {
        let depth = 0;
        for (const a of e.ctx.threads.ancestors(t)) {
          if (depth++ >= 20) break;
          if (arg === undefined) return a.env.join(' ');
          const v = envLookup(a.env, arg);
          if (v !== undefined) return v;
        }
        return undefined;
      });
    },
  },
  { name: 'proc.cwd', type: 'string', desc: 'current working directory', get: own((t, e) => str(e.ctx.threads.mainThread(t).cwd)) },
  { name: 'proc.tty', type: 'uint', desc: 'controlling terminal, 0 for none', get: own((t) => t.tty) },
  { name: 'proc.pid', type: 'int', desc: 'process id', get: own((t) => t.pid) },
  {
    name: 'proc.ppid',
    type: 'int',
    desc: 'parent process id',
    get: own((t, e) => e.ctx.threads.mainThread(t).ptid),
  },
  {
    name: 'proc.apid',
    type: 'int',
    desc: 'pid of an ancestor',
    arg: { kind: 'index', required: false },
    multiValue: 'any',
    bind: ancestorField('proc.apid', (t) => t.pid),
  },
  { name: 'proc.vpid', type: 'int', desc: 'pid inside its pid namespace', get: own((t) => t.vpid) },
  { name: 'proc.pvpid', type: 'int', desc: 'parent pid inside its pid namespace', get: ofParent((t) => t.vpid) },
  { name: 'proc.sid', type: 'int', desc: 'session id', get: own((t) => t.sid) },
  { name: 'proc.sname', type: 'string', desc: 'name of the session leader', get: (e) => groupLeader(e, 'sid')?.comm },
  { name: 'proc.sid.exe', type: 'string', desc: 'argv[0] of the session leader', get: (e) => groupLeader(e, 'sid')?.exe },
  { name: 'proc.sid.exepath', type: 'string', desc: 'executable of the session leader', get: (e) => groupLeader(e, 'sid')?.exepath },
  { name: 'proc.vpgid', type: 'int', desc: 'process group id in its pid namespace', get: own((t) => t.vpgid) },
  { name: 'proc.vpgid.name', type: 'string', desc: 'name of the process group leader', get: (e) => groupLeader(e, 'vpgid')?.comm },
  { name: 'proc.vpgid.exe', type: 'string', desc: 'argv[0] of the process group leader', get: (e) => groupLeader(e, 'vpgid')?.exe },
  {
    name: 'proc.vpgid.exepath',
    type: 'string',
    desc: 'executable of the process group leader',
    get: (e) => groupLeader(e, 'vpgid')?.exepath,
  },
  {
    name: 'proc.is_vpgid_leader',
    type: 'bool',
    desc: 'true when the process leads its process group',
    get: (e) => {
      const m = main(e);
      return m?.vpgid === undefined || m.vpid === undefined ? undefined : m.vpgid === m.vpid;
    },
  },
  {
    name: 'proc.is_sid_leader',
    type: 'bool',
    desc: 'true when the process leads its session',
    get: (e) => {
      const m = main(e);
      return m?.sid === undefined || m.vpid === undefined ? undefined : m.sid === m.vpid;
    },
  },
  { name: 'proc.duration', type: 'reltime', desc: 'ns since the process started', get: (e) => since(e, main(e)?.cloneTs) },
  { name: 'proc.ppid.duration', type: 'reltime', desc: 'ns since the parent started', get: (e) => since(e, parent(e)?.cloneTs) },
  { name: 'proc.pid.ts', type: 'reltime', desc: 'process start time, ns since the epoch', get: (e) => main(e)?.cloneTs },
  { name: 'proc.ppid.ts', type: 'reltime', desc: 'parent start time, ns since the epoch', get: (e) => parent(e)?.cloneTs },
  { name: 'proc.is_exe_writable', type: 'bool', desc: 'executable writable by the user that started it', get: own((t) => t.exeWritable) },
  { name: 'proc.is_exe_upper_layer', type: 'bool', desc: 'executable in an overlayfs upper layer', get: own((t) => t.exeUpperLayer) },
  { name: 'proc.is_exe_from_memfd', type: 'bool', desc: 'executable is a memfd', get: own((t) => t.exeFromMemfd) },
  { name: 'proc.exe_ino', type: 'int', desc: 'inode of the executable', get: own((t) => t.exeIno) },
  { name: 'proc.exe_ino.ctime', type: 'abstime', desc: 'ctime of the executable', get: own((t) => t.exeInoCtime) },
  { name: 'proc.exe_ino.mtime', type: 'abstime', desc: 'mtime of the executable', get: own((t) => t.exeInoMtime) },
  {
    name: 'proc.exe_ino.ctime_duration_proc_start',
    type: 'abstime',
    desc: 'ns between the executable ctime and the process start',
    get: own((t) => (t.exeInoCtime && t.cloneTs && t.cloneTs > t.exeInoCtime ? t.cloneTs - t.exeInoCtime : undefined)),
  },
  {
    name: 'proc.exe_ino.ctime_duration_pidns_start',
    type: 'abstime',
    desc: 'ns between the pid namespace start and the executable ctime',
    get: own((t) =>
      t.exeInoCtime && t.pidnsInitStartTs && t.exeInoCtime > t.pidnsInitStartTs ? t.exeInoCtime - t.pidnsInitStartTs : undefined,
    ),
  },
  { name: 'proc.pidns_init_start_ts', type: 'uint', desc: 'start of the pid namespace', get: own((t) => t.pidnsInitStartTs) },
  { name: 'proc.fdopencount', type: 'uint', desc: 'number of open fds', get: own((t) => t.fds.size) },
  { name: 'proc.fdlimit', type: 'int', desc: 'fd limit', get: own((t, e) => e.ctx.threads.mainThread(t).fdlimit) },
  {
    name: 'proc.nthreads',
    type: 'uint',
    desc: 'live threads of the process',
    get: own((t, e) => {
      let n = 0;
      for (const x of e.ctx.threads.values()) if (x.pid === t.pid) n++;
      return n;
    }),
  },
  {
    name: 'proc.nchilds',
    type: 'uint',
    desc: 'live non-leader threads of the process',
    get: own((t, e) => {
      let n = 0;
      for (const x of e.ctx.threads.values()) if (x.pid === t.pid && x.tid !== x.pid) n++;
      return n;
    }),
  },
  { name: 'proc.is_container_healthcheck', type: 'bool', desc: 'part of a container health check', get: own(() => false) },
  { name: 'proc.is_container_liveness_probe', type: 'bool', desc: 'part of a liveness probe', get: own(() => false) },
  { name: 'proc.is_container_readiness_probe', type: 'bool', desc: 'part of a readiness probe', get: own(() => false) },
  {
    name: 'proc.loginshellid',
    type: 'int',
    desc: 'pid of the eldest shell ancestor',
    get: (e) => {
      const m = main(e);
      if (m === undefined) return undefined;
      let res: number | undefined;
      for (const t of [m, ...e.ctx.threads.ancestors(m)]) if (t.comm.endsWith('sh')) res = t.pid;
      return res;
    },
  },
  { name: 'thread.tid', type: 'int', desc: 'thread id', get: (e) => e.tid },
  { name: 'thread.ismain', type: 'bool', desc: 'true for the main thread', get: own((t) => t.tid === t.pid) },
  { name: 'thread.vtid', type: 'int', desc: 'thread id in its pid namespace', get: own((t) => t.vtid) },
  {
    name: 'thread.cap_permitted',
    type: 'string',
    desc: 'permitted capabilities',
    get: own((t) => (t.capPermitted === undefined ? undefined : capsToString(t.capPermitted))),
  },
  {
    name: 'thread.cap_inheritable',
    type: 'string',
    desc: 'inheritable capabilities',
    get: own((t) => (t.capInheritable === undefined ? undefined : capsToString(t.capInheritable))),
  },
  {
    name: 'thread.cap_effective',
    type: 'string',
    desc: 'effective capabilities',
    get: own((t) => (t.capEffective === undefined ? undefined : capsToString(t.capEffective))),
  },
  {
    name: 'thread.cgroups',
    type: 'string',
    desc: 'all cgroups, subsystem=path, space-separated',
    get: own((t) => t.cgroups.map(([s, p]) => `${s}=${p}`).join(' ')),
  },
  {
    name: 'thread.cgroup',
    type: 'string',
    desc: 'cgroup of one subsystem (thread.cgroup.cpuacct)',
    arg: { kind: 'dotted-key', required: true },
    bind: (arg) => {
      if (arg === undefined || arg === '') throw new Error('thread.cgroup needs a subsystem name');
      return own((t) => t.cgroups.find(([s]) => s === arg)?.[1]);
    },
  },
];

export const PROC_FIELDS = defineFields(DEFS);
