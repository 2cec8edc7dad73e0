// What an exec and the set*id calls do to a thread: execveat's executable path (relative to a directory
// fd, the fd itself with AT_EMPTY_PATH, or the trusted path newer drivers send), the effective uid a
// setuid binary runs with, and the credentials set*id calls change -- only when they succeed.
import { describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { blankThread, parseGroup, parsePasswd, ThreadTable, UserTable } from '../../../detector/state/index.js';
import {
  createContext,
  layoutOf,
  StateParser,
  type EventLayout,
  type ParamValue,
  type SyscallContext,
  type SyscallEvent,
} from '../../../detector/sources/syscall/index.js';

const EXECVE_E = 292;
const EXECVE_X = 293;
const EXECVEAT_E = 330;
const EXECVEAT_X = 331;
const SETRESUID_E = 192;
const SETRESUID_X = 193;
const SETRESGID_E = 194;
const SETRESGID_X = 195;
const SETUID_E = 198;
const SETUID_X = 199;
const SETGID_E = 200;
const SETGID_X = 201;
const AT_FDCWD = -100;
const AT_EMPTY_PATH = 1;
const O_CLOEXEC = 4096;

let num = 0;
function eventOf(ctx: SyscallContext, layout: EventLayout, tid: number, params: Record<string, ParamValue>): SyscallEvent {
  num++;
  return { num, ts: BigInt(num), cpu: 0, tid, layout, type: layout.name, dir: layout.dir, params: layout.params.map((p) => params[p.name] ?? null), ctx };
}

function ev(ctx: SyscallContext, id: number, tid: number, params: Record<string, ParamValue>): SyscallEvent {
  const layout = layoutOf(id);
  if (!layout) throw new Error(`no layout ${id}`);
  return eventOf(ctx, layout, tid, params);
}

/** A layout as newer drivers write it (not in the sysdig 0.29 table): exit events carrying their args. */
function newerExit(name: string, params: [string, 'errno' | 'uid' | 'gid'][]): EventLayout {
  const decoded = params.map(([n, type]) => ({ name: n, type, format: 'dec' as const }));
  return { id: 9999, name, dir: '<', flags: 32, params: decoded, paramIndex: new Map(decoded.map((p, i) => [p.name, i])) };
}

function get(e: SyscallEvent, name: string): unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec) throw new Error(`no field ${name}`);
  return spec.bind(undefined)(e);
}

const bytes = (...items: string[]): Uint8Array => new TextEncoder().encode(items.map((i) => `${i}\0`).join(''));

/** A shell (tid 20) run by alice, in /home/alice, with a directory fd on /usr/bin and an fd on a binary. */
function world(): { ctx: SyscallContext; parser: StateParser } {
  const users = new UserTable();
  for (const u of parsePasswd('root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh')) users.addUser(u);
  for (const g of parseGroup('root:x:0:\nalice:x:1000:\nbob:x:1001:\nshadow:x:42:')) users.addGroup(g);
  const ctx = createContext({ threads: new ThreadTable(), users });
  const sh = blankThread(20);
  Object.assign(sh, { ptid: 1, comm: 'sh', exe: 'sh', exepath: '/bin/sh', cwd: '/home/alice/', uid: 1000, gid: 1000 });
  sh.fds.set(3, { type: 'directory', name: '/usr/bin', openFlags: 1024 | O_CLOEXEC });
  sh.fds.set(4, { type: 'file', name: '/usr/bin/passwd', openFlags: 1 | O_CLOEXEC });
  ctx.threads.set(sh);
  return { ctx, parser: new StateParser(ctx) };
}

const execExit = (comm: string, extra: Record<string, ParamValue> = {}): Record<string, ParamValue> => ({
  res: 0, exe: comm, args: bytes(), tid: 20, pid: 20, ptid: 1, cwd: '', comm, ...extra,
});

describe('execveat', () => {
  it('resolves a relative pathname against its directory fd', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: 3, pathname: 'id', flags: 0 }));
    const x = ev(ctx, EXECVEAT_X, 20, execExit('id'));
    parser.process(x);
    expect(get(x, 'proc.exepath')).toBe('/usr/bin/id');
    expect(get(x, 'proc.name')).toBe('id');
    // The directory fd was close-on-exec: gone after the exec, though the path was taken from it first.
    expect(ctx.threads.get(20)?.fds.has(3)).toBe(false);
  });

  it('takes the fd itself with AT_EMPTY_PATH (fexecve), and the cwd for AT_FDCWD', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: 4, pathname: '', flags: AT_EMPTY_PATH }));
    const fexec = ev(ctx, EXECVEAT_X, 20, execExit('passwd'));
    parser.process(fexec);
    expect(get(fexec, 'proc.exepath')).toBe('/usr/bin/passwd');

    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: AT_FDCWD, pathname: 'bin/../tool', flags: 0 }));
    const rel = ev(ctx, EXECVEAT_X, 20, execExit('tool'));
    parser.process(rel);
    expect(get(rel, 'proc.exepath')).toBe('/home/alice/tool');

    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: 3, pathname: '/sbin/ip', flags: 0 }));
    const abs = ev(ctx, EXECVEAT_X, 20, execExit('ip'));
    parser.process(abs);
    expect(get(abs, 'proc.exepath')).toBe('/sbin/ip');
  });

  it('pairs an execveat enter with the execve exit a successful call ends with', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: 3, pathname: 'whoami', flags: 0 }));
    const x = ev(ctx, EXECVE_X, 20, execExit('whoami'));
    parser.process(x);
    expect(x.type).toBe('execve');
    expect(get(x, 'proc.exepath')).toBe('/usr/bin/whoami');
  });

  it('keeps exepath on a failed call; after an exec it cannot resolve, records it unresolved as libsinsp does', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: 3, pathname: 'nope', flags: 0 }));
    parser.process(ev(ctx, EXECVEAT_X, 20, { res: -2 }));
    expect(ctx.threads.get(20)?.exepath).toBe('/bin/sh');

    // Relative to an fd the table does not know: never the stale /bin/sh, never a guess.
    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: 9, pathname: 'x', flags: 0 }));
    const x = ev(ctx, EXECVEAT_X, 20, execExit('x'));
    parser.process(x);
    expect(get(x, 'proc.exepath')).toBe('<NA>');
  });

  it('prefers the trusted exepath newer drivers report over the caller-supplied path', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVEAT_E, 20, { dirfd: 3, pathname: 'link-to-busybox', flags: 0 }));
    const x = ev(ctx, EXECVEAT_X, 20, execExit('busybox', { trusted_exepath: '/bin/busybox' }));
    parser.process(x);
    expect(get(x, 'proc.exepath')).toBe('/bin/busybox');
  });
});

describe('exec of a setuid binary', () => {
  it('takes the effective uid the exec exit carries, with its name', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVE_E, 20, { filename: '/usr/bin/passwd' }));
    const x = ev(ctx, EXECVE_X, 20, execExit('passwd', { uid: 0, cap_effective: 0x1ffffffffffn, exe_ino: 1234 }));
    parser.process(x);
    expect(get(x, 'user.uid')).toBe(0);
    expect(get(x, 'user.name')).toBe('root');
    expect(ctx.threads.get(20)?.capEffective).toBe(0x1ffffffffffn);
    expect(ctx.threads.get(20)?.exeIno).toBe(1234n);
  });

  it('takes the effective gid the exec exit carries (a setgid binary), with its name, for later events too', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVE_E, 20, { filename: '/usr/bin/chage' }));
    const x = ev(ctx, EXECVE_X, 20, execExit('chage', { uid: 1000, gid: 42 }));
    parser.process(x);
    expect(get(x, 'group.gid')).toBe(42);
    expect(get(x, 'group.name')).toBe('shadow');
    expect(ctx.threads.get(20)?.gid).toBe(42);
    const layout = layoutOf(EXECVE_X)!;
    // libs' positions: the effective gid is parameter 30, after the host pgid (29) and trusted exepath (28).
    expect([layout.paramIndex.get('trusted_exepath'), layout.paramIndex.get('pgid'), layout.paramIndex.get('gid')]).toEqual([27, 28, 29]);
    expect(layoutOf(EXECVEAT_X)!.paramIndex.get('gid')).toBe(29);
  });

  it('reads the namespace process group from vpgid (parameter 18), not the host pgid appended after it', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVE_E, 20, { filename: '/usr/bin/passwd' }));
    const x = ev(ctx, EXECVE_X, 20, execExit('passwd', { vpgid: 7, pgid: 7007 }));
    parser.process(x);
    expect(layoutOf(EXECVE_X)!.paramIndex.get('vpgid')).toBe(17);
    expect(get(x, 'proc.vpgid')).toBe(7);
  });

  it('keeps the caller uid when the exit (an older layout) does not carry one', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, EXECVE_E, 20, { filename: '/usr/bin/passwd' }));
    const x = ev(ctx, EXECVE_X, 20, execExit('passwd'));
    parser.process(x);
    expect(get(x, 'user.name')).toBe('alice');
    expect(get(x, 'group.gid')).toBe(1000);
  });
});

describe('set*id', () => {
  it('setuid and setgid change user.* and group.* on success only', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, SETUID_E, 20, { uid: 0 }));
    const failed = ev(ctx, SETUID_X, 20, { res: -1 });
    parser.process(failed);
    expect(get(failed, 'user.name')).toBe('alice');

    parser.process(ev(ctx, SETUID_E, 20, { uid: 1001 }));
    const ok = ev(ctx, SETUID_X, 20, { res: 0 });
    parser.process(ok);
    expect(get(ok, 'user.uid')).toBe(1001);
    expect(get(ok, 'user.name')).toBe('bob');

    parser.process(ev(ctx, SETGID_E, 20, { gid: 42 }));
    const g = ev(ctx, SETGID_X, 20, { res: 0 });
    parser.process(g);
    expect(get(g, 'group.gid')).toBe(42);
    expect(get(g, 'group.name')).toBe('shadow');
  });

  it('setresuid/setresgid take the effective id; -1 leaves it unchanged', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, SETRESUID_E, 20, { ruid: 1000, euid: 0, suid: 0 }));
    const u = ev(ctx, SETRESUID_X, 20, { res: 0 });
    parser.process(u);
    expect(get(u, 'user.name')).toBe('root');

    parser.process(ev(ctx, SETRESUID_E, 20, { ruid: 1001, euid: 0xffffffff, suid: 0xffffffff }));
    const keep = ev(ctx, SETRESUID_X, 20, { res: 0 });
    parser.process(keep);
    expect(get(keep, 'user.uid')).toBe(0);

    parser.process(ev(ctx, SETRESGID_E, 20, { rgid: 42, egid: 42, sgid: 42 }));
    const g = ev(ctx, SETRESGID_X, 20, { res: 0 });
    parser.process(g);
    expect(get(g, 'group.name')).toBe('shadow');
  });

  it('setreuid/setregid, as newer drivers report them in one exit event, take the effective id', () => {
    const { ctx, parser } = world();
    const reuid = newerExit('setreuid', [['res', 'errno'], ['ruid', 'uid'], ['euid', 'uid']]);
    const regid = newerExit('setregid', [['res', 'errno'], ['rgid', 'gid'], ['egid', 'gid']]);
    const failed = eventOf(ctx, reuid, 20, { res: -1, ruid: 0, euid: 0 });
    parser.process(failed);
    expect(get(failed, 'user.name')).toBe('alice');
    const u = eventOf(ctx, reuid, 20, { res: 0, ruid: 1001, euid: 1001 });
    parser.process(u);
    expect(get(u, 'user.name')).toBe('bob');
    const g = eventOf(ctx, regid, 20, { res: 0, rgid: 42, egid: 42 });
    parser.process(g);
    expect(get(g, 'group.gid')).toBe(42);
  });

  it('changes only the calling thread', () => {
    const { ctx, parser } = world();
    const other = blankThread(21, 20);
    Object.assign(other, { ptid: 20, comm: 'sh', uid: 1000, gid: 1000, fds: ctx.threads.get(20)!.fds });
    ctx.threads.set(other);
    parser.process(ev(ctx, SETUID_E, 20, { uid: 0 }));
    parser.process(ev(ctx, SETUID_X, 20, { res: 0 }));
    expect(ctx.threads.get(20)?.uid).toBe(0);
    expect(ctx.threads.get(21)?.uid).toBe(1000);
  });
});
