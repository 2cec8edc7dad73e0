import { describe, expect, it } from 'vitest';
import { LineAssembler, bpftraceProgram, decodeArgs, PROBES_BY_NAME } from '../../../detector/sources/live/index.js';
import { MAX_STRING_CHUNKS, TRUNCATION_MARK } from '../../../detector/sources/live/limits.js';

const printf = (data: string) => JSON.stringify({ type: 'printf', data });

describe('LineAssembler', () => {
  it('assembles a syscall from its string, address and header lines', () => {
    const lines = new LineAssembler();
    expect(lines.push(printf('S 42 1 /etc/shadow'))).toBeUndefined();
    const record = lines.push(printf('H openat 42 40 1 0 0 4294967295 3 123456789 -100 0 0 my cat'));
    expect(record).toEqual({
      kind: 'syscall',
      syscall: 'openat',
      tid: 42,
      pid: 40,
      ppid: 1,
      uid: 0,
      gid: 0,
      loginuid: 4294967295,
      ret: 3,
      ktime: 123456789n,
      comm: 'my cat',
      args: new Map<number, number | string>([
        [1, '/etc/shadow'],
        [0, -100],
        [2, 0],
        [3, 0],
      ]),
    });
    expect(lines.pendingThreads).toBe(0);
  });

  it('narrows numbers to their declared width: signed ints, unsigned modes', () => {
    const record = new LineAssembler().push(printf('H openat 1 1 0 0 0 0 3 1 4294967196 577 4294967295 c'));
    expect(record?.kind === 'syscall' && [...record.args.entries()]).toEqual([
      [0, -100],
      [2, 577],
      [3, 4294967295],
    ]);
  });

  it('reads socket addresses of every family', () => {
    const lines = new LineAssembler();
    lines.push(printf('N 7 1 2 443 10.0.0.1'));
    const inet = lines.push(printf('H connect 7 7 1 0 0 0 0 5 3 curl'));
    expect(inet?.kind === 'syscall' && inet.args.get(1)).toEqual({ family: 'inet', ip: '10.0.0.1', port: 443 });
    lines.push(printf('N 7 1 10 53 ::1'));
    const inet6 = lines.push(printf('H connect 7 7 1 0 0 0 0 6 3 dig'));
    expect(inet6?.kind === 'syscall' && inet6.args.get(1)).toEqual({ family: 'inet6', ip: '::1', port: 53 });
    lines.push(printf('N 7 1 1 0 /run/docker.sock'));
    const unix = lines.push(printf('H connect 7 7 1 0 0 0 0 7 3 docker'));
    expect(unix?.kind === 'syscall' && unix.args.get(1)).toEqual({ family: 'unix', path: '/run/docker.sock' });
  });

  it('attaches the new program’s path and arguments to a successful exec', () => {
    const lines = new LineAssembler();
    lines.push(printf('E 9 /usr/bin/python3'));
    lines.push(printf('A 9 32 python3\\x00-c\\x00print("hi there")\\x00\\xc3\\xa9\\x00'));
    const record = lines.push(printf('H execve 9 9 1 0 0 0 0 1 python3'));
    expect(record?.kind === 'syscall' && record.exec).toEqual({ path: '/usr/bin/python3', argv: ['python3', '-c', 'print("hi there")', 'é'] });
  });

  it('reassembles a long path from its 199-byte chunks, ignoring a chunk read past a shorter string', () => {
    const lines = new LineAssembler();
    const a = `/${'a'.repeat(198)}`;
    const b = 'b'.repeat(199);
    lines.push(printf(`S 5 0 ${a}`));
    lines.push(printf(`C 5 0 1 ${b}`));
    lines.push(printf('C 5 0 2 /tail'));
    // Stale memory after the end: the previous chunk was not full, so this is not part of the path.
    lines.push(printf('C 5 0 3 junk'));
    lines.push(printf('S 5 1 /short'));
    lines.push(printf('C 5 1 1 junk'));
    const record = lines.push(printf('H rename 5 5 1 0 0 0 0 1 mv'));
    expect(record?.kind === 'syscall' && [record.args.get(0), record.args.get(1)]).toEqual([`${a}${b}/tail`, '/short']);
    expect(lines.stats.truncated).toBe(0);
  });

  it('marks a string still going after the last chunk as truncated, never as complete', () => {
    const lines = new LineAssembler();
    const chunk = 'x'.repeat(199);
    lines.push(printf(`S 6 1 ${chunk}`));
    for (let k = 1; k < MAX_STRING_CHUNKS; k++) lines.push(printf(`C 6 1 ${k} ${chunk}`));
    const record = lines.push(printf('H openat 6 6 1 0 0 0 -36 1 -100 0 0 a'));
    const name = record?.kind === 'syscall' ? String(record.args.get(1)) : '';
    expect(name.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(name.length).toBe(199 * MAX_STRING_CHUNKS + TRUNCATION_MARK.length);
    expect(lines.stats.truncated).toBe(1);
  });

  it('marks an exec path or argument block longer than one read as truncated', () => {
    const lines = new LineAssembler();
    lines.push(printf(`E 9 /${'p'.repeat(198)}`));
    lines.push(printf(`A 9 311 true\\x00${'y'.repeat(195)}`));
    const record = lines.push(printf('H execve 9 9 1 0 0 0 0 1 true'));
    expect(record?.kind === 'syscall' && record.exec?.path.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(record?.kind === 'syscall' && record.exec?.argv).toEqual(['true', `${'y'.repeat(195)}${TRUNCATION_MARK}`]);
    expect(lines.stats.truncated).toBe(2);
  });

  it('keeps a failed exec’s attempted path and attaches no program', () => {
    const lines = new LineAssembler();
    lines.push(printf('S 9 0 /nope'));
    const record = lines.push(printf('H execve 9 9 1 0 0 0 -2 1 sh'));
    expect(record?.kind === 'syscall' && [record.ret, record.args.get(0), record.exec]).toEqual([-2, '/nope', undefined]);
  });

  it('reports forks and exits, and forgets a thread’s partial lines when it exits', () => {
    const lines = new LineAssembler();
    expect(lines.push(printf('F 10 11 99 worker thread'))).toEqual({ kind: 'fork', parentTid: 10, childTid: 11, ktime: 99n, comm: 'worker thread' });
    lines.push(printf('S 11 1 /tmp/x'));
    expect(lines.push(printf('X 11 10 100'))).toEqual({ kind: 'exit', tid: 11, pid: 10, ktime: 100n });
    expect(lines.pendingThreads).toBe(0);
  });

  it('counts malformed lines and lost events instead of failing', () => {
    const lines = new LineAssembler();
    lines.push('not json');
    lines.push(printf('H unknownsyscall 1 1 1 0 0 0 0 1 x'));
    lines.push(printf('Z what'));
    lines.push(printf('H openat 1 1'));
    lines.push(JSON.stringify({ type: 'lost_events', data: { events: 17 } }));
    lines.push(JSON.stringify({ type: 'attached_probes', data: { probes: 30 } }));
    expect(lines.stats).toEqual({ lines: 6, malformed: 4, lost: 17, attachedProbes: 30, truncated: 0 });
  });

  it('takes a newline inside a string as data, never as a new line', () => {
    const lines = new LineAssembler();
    lines.push(printf('S 5 1 /tmp/a\nH openat 5 5 1 0 0 0 3 1 0 0 0 forged'));
    const record = lines.push(printf('H openat 5 5 1 0 0 0 3 1 0 0 0 real'));
    expect(record?.kind === 'syscall' && [record.comm, record.args.get(1)]).toEqual(['real', '/tmp/a\nH openat 5 5 1 0 0 0 3 1 0 0 0 forged']);
  });
});

describe('decodeArgs', () => {
  it('splits at NUL bytes, keeps empty arguments and decodes UTF-8', () => {
    expect(decodeArgs('a\\x00\\x00b\\x00')).toEqual(['a', '', 'b']);
    expect(decodeArgs('caf\\xc3\\xa9')).toEqual(['café']);
    expect(decodeArgs('')).toEqual([]);
  });
});

describe('bpftraceProgram', () => {
  it('generates one enter and one exit probe per syscall plus the process probes', () => {
    const program = bpftraceProgram(['openat', 'connect'].map((name) => PROBES_BY_NAME.get(name)!));
    expect(program.match(/^tracepoint:syscalls:sys_enter_\w+/gm)).toEqual(['tracepoint:syscalls:sys_enter_openat', 'tracepoint:syscalls:sys_enter_connect']);
    expect(program.match(/^tracepoint:sched:\w+/gm)).toEqual([
      'tracepoint:sched:sched_process_exec',
      'tracepoint:sched:sched_process_exec',
      'tracepoint:sched:sched_process_fork',
      'tracepoint:sched:sched_process_exit',
    ]);
  });

  it('reads every chunk a path can need, and openat2 flags from its struct open_how', () => {
    const program = bpftraceProgram(['openat2'].map((name) => PROBES_BY_NAME.get(name)!));
    const chunks = [...program.matchAll(/printf\("C %d 1 (\d+) %s"/g)].map((m) => Number(m[1]));
    expect(chunks).toEqual(Array.from({ length: MAX_STRING_CHUNKS - 1 }, (_, i) => i + 1));
    expect(199 * MAX_STRING_CHUNKS).toBeGreaterThanOrEqual(4095);
    for (const member of ['flags', 'mode', 'resolve']) expect(program).toContain(`((struct open_how *)uptr(args->how))->${member}`);
  });
});
