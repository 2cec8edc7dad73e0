import { describe, expect, it } from 'vitest';
import { LineAssembler, bpftraceProgram, decodeArgs, PROBES_BY_NAME } from '../../../detector/sources/live/index.js';
import { MAX_STRING_CHUNKS, MAX_THREAD_MAP_ENTRIES, threadMapEntries, TRUNCATION_MARK } from '../../../detector/sources/live/limits.js';

const MARK = '~unitTestMark0123';
/** One printed record as bpftrace writes it: the text, then the mark. */
const rec = (data: string) => `${data}${MARK}`;

describe('LineAssembler', () => {
  it('reads a syscall whose only string ends its header line', () => {
    const lines = new LineAssembler(MARK);
    const record = lines.push(rec('H openat 42 40 3 123456789 -100 0 0 /etc/my shadow'));
    expect(record).toEqual({
      kind: 'syscall',
      syscall: 'openat',
      tid: 42,
      pid: 40,
      ret: 3,
      ktime: 123456789n,
      args: new Map<number, number | string>([
        [0, -100],
        [2, 0],
        [3, 0],
        [1, '/etc/my shadow'],
      ]),
    });
    expect(lines.pendingThreads).toBe(0);
  });

  it('reads an exec header with the process description and the comm at the end', () => {
    const lines = new LineAssembler(MARK);
    lines.push(rec('E 9 /usr/bin/python3'));
    lines.push(rec('A 9 32 python3\\x00-c\\x00print("hi there")\\x00\\xc3\\xa9\\x00'));
    const record = lines.push(rec('H execve 9 9 0 1 1 1000 1000 4294967295 my python'));
    expect(record).toMatchObject({ syscall: 'execve', tid: 9, pid: 9, ret: 0, ppid: 1, uid: 1000, gid: 1000, loginuid: 4294967295, comm: 'my python' });
    expect(record?.kind === 'syscall' && record.exec).toEqual({ path: '/usr/bin/python3', argv: ['python3', '-c', 'print("hi there")', 'é'] });
  });

  it('narrows numbers to their declared width: signed ints, unsigned modes', () => {
    const record = new LineAssembler(MARK).push(rec('H openat 1 1 3 1 4294967196 577 4294967295 /x'));
    expect(record?.kind === 'syscall' && [...record.args.entries()]).toEqual([
      [0, -100],
      [2, 577],
      [3, 4294967295],
      [1, '/x'],
    ]);
  });

  it('reads socket addresses of every family', () => {
    const lines = new LineAssembler(MARK);
    lines.push(rec('N 7 1 2 443 10.0.0.1'));
    const inet = lines.push(rec('H connect 7 7 0 5 3'));
    expect(inet?.kind === 'syscall' && inet.args.get(1)).toEqual({ family: 'inet', ip: '10.0.0.1', port: 443 });
    lines.push(rec('N 7 1 10 53 ::1'));
    const inet6 = lines.push(rec('H connect 7 7 0 6 3'));
    expect(inet6?.kind === 'syscall' && inet6.args.get(1)).toEqual({ family: 'inet6', ip: '::1', port: 53 });
    lines.push(rec('N 7 1 1 0 /run/docker.sock'));
    const unix = lines.push(rec('H connect 7 7 0 7 3'));
    expect(unix?.kind === 'syscall' && unix.args.get(1)).toEqual({ family: 'unix', path: '/run/docker.sock' });
  });

  it('reassembles long paths from their 199-byte chunks, ignoring a chunk read past a shorter string', () => {
    const lines = new LineAssembler(MARK);
    const a = `/${'a'.repeat(198)}`;
    const b = 'b'.repeat(199);
    lines.push(rec(`S 5 0 ${a}`));
    lines.push(rec(`C 5 0 1 ${b}`));
    lines.push(rec('C 5 0 2 /tail'));
    // Stale memory after the end: the previous chunk was not full, so this is not part of the path.
    lines.push(rec('C 5 0 3 junk'));
    lines.push(rec('S 5 1 /short'));
    lines.push(rec('C 5 1 1 junk'));
    const record = lines.push(rec('H rename 5 5 0 1'));
    expect(record?.kind === 'syscall' && [record.args.get(0), record.args.get(1)]).toEqual([`${a}${b}/tail`, '/short']);
    // A header-line string continues with the chunks printed before the header.
    lines.push(rec(`C 6 1 1 ${b}`));
    lines.push(rec('C 6 1 2 /end'));
    const open = lines.push(rec(`H openat 6 6 3 1 -100 0 0 ${a}`));
    expect(open?.kind === 'syscall' && open.args.get(1)).toBe(`${a}${b}/end`);
    expect(lines.stats.truncated).toBe(0);
  });

  it('marks a string still going after the last chunk as truncated, never as complete', () => {
    const lines = new LineAssembler(MARK);
    const chunk = 'x'.repeat(199);
    for (let k = 1; k < MAX_STRING_CHUNKS; k++) lines.push(rec(`C 6 1 ${k} ${chunk}`));
    const record = lines.push(rec(`H openat 6 6 -36 1 -100 0 0 ${chunk}`));
    const name = record?.kind === 'syscall' ? String(record.args.get(1)) : '';
    expect(name.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(name.length).toBe(199 * MAX_STRING_CHUNKS + TRUNCATION_MARK.length);
    expect(lines.stats.truncated).toBe(1);
  });

  it('marks an exec path or argument block longer than one read as truncated', () => {
    const lines = new LineAssembler(MARK);
    lines.push(rec(`E 9 /${'p'.repeat(198)}`));
    lines.push(rec(`A 9 311 true\\x00${'y'.repeat(195)}`));
    const record = lines.push(rec('H execve 9 9 0 1 1 0 0 0 true'));
    expect(record?.kind === 'syscall' && record.exec?.path.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(record?.kind === 'syscall' && record.exec?.argv).toEqual(['true', `${'y'.repeat(195)}${TRUNCATION_MARK}`]);
    expect(lines.stats.truncated).toBe(2);
  });

  it('keeps a failed exec’s attempted path and attaches no program', () => {
    const lines = new LineAssembler(MARK);
    lines.push(rec('S 9 0 /nope'));
    const record = lines.push(rec('H execve 9 9 -2 1 1 0 0 0 sh'));
    expect(record?.kind === 'syscall' && [record.ret, record.args.get(0), record.exec]).toEqual([-2, '/nope', undefined]);
  });

  it('reports forks and exits, and forgets a thread’s partial lines when it exits', () => {
    const lines = new LineAssembler(MARK);
    // Clone flags with CLONE_THREAD (0x10000): a thread; without: a process.
    expect(lines.push(rec('F 10 11 99 4001536 worker thread'))).toEqual({ kind: 'fork', parentTid: 10, childTid: 11, ktime: 99n, comm: 'worker thread', thread: true });
    expect(lines.push(rec('F 10 12 99 17 sh'))).toEqual({ kind: 'fork', parentTid: 10, childTid: 12, ktime: 99n, comm: 'sh', thread: false });
    lines.push(rec('S 11 1 /tmp/x'));
    expect(lines.push(rec('X 11 10 100'))).toEqual({ kind: 'exit', tid: 11, pid: 10, ktime: 100n });
    expect(lines.pendingThreads).toBe(0);
  });

  it('reads bpftrace’s own messages, skips padding, and counts malformed records instead of failing', () => {
    const lines = new LineAssembler(MARK);
    lines.push('Attaching 30 probes...');
    lines.push('Lost 17 events');
    lines.push(rec(`P ${'.'.repeat(4200)}`));
    lines.push('');
    lines.push('something bpftrace said');
    lines.push(rec('H unknownsyscall 1 1 0 1'));
    lines.push(rec('Z what'));
    lines.push(rec('H openat 1 1'));
    lines.push(rec('H close 1 1 0 5 3 extra'));
    expect(lines.stats).toEqual({ lines: 9, malformed: 5, lost: 17, attachedProbes: 30, truncated: 0, mapFull: 0 });
  });

  it('reads numbers of every length and sign as Number() would, and only decimal digits as numbers', () => {
    const lines = new LineAssembler(MARK);
    const record = lines.push(rec('H ptrace 7 7 -1 18446744073709551615 -9223372036854775808 12345678901234567'));
    expect(record).toMatchObject({ tid: 7, pid: 7, ret: -1, ktime: 18446744073709551615n });
    expect(record?.kind === 'syscall' && [...record.args.values()]).toEqual([Number('-9223372036854775808'), Number('12345678901234567')]);
    expect(lines.push(rec('H close 1 1 x 5 3'))).toBeUndefined();
    expect(lines.push(rec('H ptrace 1 1 0 5 3e1 2'))).toMatchObject({ args: new Map([[0, NaN], [1, 2]]) });
    expect(lines.stats.malformed).toBe(1);
  });

  it('counts a syscall the kernel could not keep because the per-thread map was full, and reports nothing for it', () => {
    const lines = new LineAssembler(MARK);
    expect(lines.push(rec('O 42 openat'))).toBeUndefined();
    expect(lines.push(rec('O 43 connect'))).toBeUndefined();
    expect(lines.stats).toMatchObject({ mapFull: 2, malformed: 0 });
    expect(lines.pendingThreads).toBe(0);
  });

  it('takes a newline inside a string as data: a record ends only with the mark', () => {
    const lines = new LineAssembler(MARK);
    // A file named to look like a second record (with a guessed mark) stays one path.
    expect(lines.push('H openat 5 5 3 1 -100 0 0 /tmp/a')).toBeUndefined();
    expect(lines.push('H openat 5 5 3 1 -100 0 0 forged~notTheMark')).toBeUndefined();
    const record = lines.push(rec('tail'));
    expect(record?.kind === 'syscall' && [record.tid, record.args.get(1)]).toEqual([5, '/tmp/a\nH openat 5 5 3 1 -100 0 0 forged~notTheMark\ntail']);
    // A Lost message right after a record is a message again.
    lines.push('Lost 2 events');
    expect(lines.stats).toMatchObject({ malformed: 0, lost: 2 });
  });

  it('bounds a record that never ends', () => {
    const lines = new LineAssembler(MARK);
    lines.push('S 5 1 start');
    for (let i = 0; i < 100; i++) lines.push('x'.repeat(1000));
    // Dropped once over 64 KiB; the lines after it, outside any record, are counted one by one.
    expect(lines.stats.malformed).toBeGreaterThan(0);
    expect(lines.push(rec('H close 1 1 0 5 3'))).toMatchObject({ syscall: 'close', args: new Map([[0, 3]]) });
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
    const program = bpftraceProgram(['openat', 'connect'].map((name) => PROBES_BY_NAME.get(name)!), { mark: MARK, excludePid: 1234 });
    expect(program.match(/^tracepoint:syscalls:sys_enter_\w+/gm)).toEqual(['tracepoint:syscalls:sys_enter_openat', 'tracepoint:syscalls:sys_enter_connect']);
    expect(program.match(/^tracepoint:sched:\w+/gm)).toEqual([
      'tracepoint:sched:sched_process_exec',
      'tracepoint:sched:sched_process_exec',
      'tracepoint:sched:sched_process_exec',
      'tracepoint:sched:sched_process_fork',
      'tracepoint:sched:sched_process_exit',
    ]);
    // The detector's own syscalls are not traced; every record ends with the mark; a quiet host's
    // output is pushed out by the padding line.
    expect(program).toContain('tracepoint:syscalls:sys_enter_openat /pid != 1234/');
    const formats = [...program.matchAll(/printf\("([^"]*)"/g)].map((m) => m[1]);
    expect(formats.length).toBeGreaterThan(5);
    for (const format of formats) expect(format?.endsWith(`${MARK}\\n`)).toBe(true);
    expect(program).toMatch(/^interval:ms:\d+ \{\n {2}printf\("P \.{4096,}/m);
  });

  it('reads every chunk a path can need, and openat2 flags from its struct open_how', () => {
    const program = bpftraceProgram(['openat2'].map((name) => PROBES_BY_NAME.get(name)!), { mark: MARK });
    const chunks = [...program.matchAll(/printf\("C %d 1 (\d+) %s~unitTestMark0123\\n"/g)].map((m) => Number(m[1]));
    expect(chunks).toEqual(Array.from({ length: MAX_STRING_CHUNKS - 1 }, (_, i) => i + 1));
    expect(199 * MAX_STRING_CHUNKS).toBeGreaterThanOrEqual(4095);
    for (const member of ['flags', 'mode', 'resolve']) expect(program).toContain(`((struct open_how *)uptr(args->how))->${member}`);
  });

  it('keeps every syscall’s arguments in one per-thread map, tagged with the syscall, and reports a full map', () => {
    const names = ['openat', 'connect', 'accept4', 'openat2'];
    const program = bpftraceProgram(names.map((name) => PROBES_BY_NAME.get(name)!), { mark: MARK });
    const tags = new Map<string, string>();
    for (const name of names) {
      const enter = new RegExp(`sys_enter_${name} \\{\\n {2}@args\\[tid\\] = \\((\\d+), [^\\n]*\\);\\n {2}if \\(@args\\[tid\\]\\.0 != (\\d+)\\) \\{ printf\\("O %d ${name}${MARK}`).exec(program);
      expect(enter, name).not.toBeNull();
      expect(enter?.[2]).toBe(enter?.[1]);
      expect(program).toContain(`sys_exit_${name} /@args[tid].0 == ${enter?.[1]}/`);
      tags.set(name, enter?.[1] as string);
    }
    expect(new Set(tags.values()).size).toBe(names.length);
    // One tuple type: every enter probe keeps as many values.
    const tuples = [...program.matchAll(/@args\[tid\] = \(([^\n]*)\);/g)].map((m) => (m[1] as string).split(',').length);
    expect(tuples).toHaveLength(names.length);
    expect(new Set(tuples).size).toBe(1);
    // A thread that exits takes its entry with it; no per-syscall maps remain.
    expect(program).toMatch(/sched_process_exit \{[^}]*delete\(@args\[tid\]\);/);
    expect(program).not.toMatch(/@(openat|connect|accept4|openat2)\[/);
  });

  it('sizes the per-thread maps for every thread id the kernel hands out, within a bound', () => {
    expect(threadMapEntries(32768)).toBe(32768);
    expect(threadMapEntries(4_194_304)).toBe(MAX_THREAD_MAP_ENTRIES);
    expect(threadMapEntries(100)).toBe(4096);
  });
});
