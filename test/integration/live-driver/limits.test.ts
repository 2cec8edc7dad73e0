// Live limits on this machine's kernel: a path far longer than one bpftrace string read arrives whole,
// and openat2's flags, read from its `struct open_how`, make evt.is_open_read/write and evt.arg.flags
// work as for openat.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { BpftraceDriver, LiveEventAdapter, type LiveRecord } from '../../../detector/sources/live/index.js';
import { TRUNCATION_MARK } from '../../../detector/sources/live/limits.js';
import { createContext, isRuleEvent, StateParser, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { seedFromProc } from '../../../detector/state/index.js';
import { waitFor } from '../../support/wait.js';

const run = promisify(execFile);
const ctx = createContext();
const parser = new StateParser(ctx);
const adapter = new LiveEventAdapter(ctx);
const events: SyscallEvent[] = [];
const records: LiveRecord[] = [];
const failures: unknown[] = [];
let driver: BpftraceDriver;
let pump: Promise<void>;
let dir: string;

function get(e: SyscallEvent, name: string, arg?: string): unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec) throw new Error(`no field ${name}`);
  return spec.bind(arg)(e);
}

const until = <T>(find: () => T | undefined, what: string): Promise<T> =>
  waitFor(find, what, { limitMs: 20_000, detail: () => `${events.length} events, failures: ${failures.map(String).slice(0, 3).join('; ')}` });

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'saker-live-limits-')));
  driver = new BpftraceDriver({ syscalls: ['openat', 'openat2', 'execve'] });
  let seeded = false;
  const pending: LiveRecord[] = [];
  pump = (async () => {
    for await (const record of driver.records()) {
      records.push(record);
      pending.push(record);
      if (!seeded) continue;
      for (const r of pending.splice(0)) {
        try {
          for (const e of adapter.adapt(r)) {
            parser.process(e);
            if (isRuleEvent(e.layout)) events.push(e);
          }
        } catch (error) {
          failures.push(error);
        }
      }
    }
  })();
  await Promise.race([driver.ready, pump.then(() => Promise.reject(new Error('bpftrace stopped before it was ready')))]);
  seedFromProc(ctx);
  seeded = true;
}, 90_000);

afterAll(async () => {
  driver.stop();
  await pump;
  rmSync(dir, { recursive: true, force: true });
});

/** Python 3 one-liners, run as a child so their syscalls are not filtered out as the detector's own. */
async function python(code: string, ...args: string[]): Promise<number> {
  const child = execFile('python3', ['-c', code, ...args]);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid ?? -1;
}

describe('live driver limits on this kernel', () => {
  it('reports a 3000-byte path whole, not cut at one string read', async () => {
    // Nested directories so the file really exists: 12 levels of 240 bytes each.
    let path = dir;
    for (let i = 0; i < 12; i++) path = join(path, `${String(i).padStart(2, '0')}${'d'.repeat(238)}`);
    mkdirSync(path, { recursive: true });
    const file = join(path, 'long.txt');
    writeFileSync(file, 'x');
    expect(Buffer.byteLength(file)).toBeGreaterThan(2900);
    // Repeated a few times: this proves the length, and a busy host may drop one event (counted as lost).
    const pids: number[] = [];
    for (let i = 0; i < 3; i++) pids.push(await python('import sys; open(sys.argv[1]).read()', file));
    const open = await until(
      () => events.find((e) => e.type === 'openat' && pids.includes(e.thread?.pid ?? -1) && String(e.fd?.name).endsWith('long.txt')),
      'the openat of the long path',
    );
    expect(get(open, 'fd.name')).toBe(file);
    expect(String(get(open, 'fd.name'))).not.toContain(TRUNCATION_MARK);
  });

  it('reads openat2 flags from struct open_how: write, create, and the flags by name', async () => {
    const file = join(dir, 'openat2.txt');
    // openat2(AT_FDCWD, path, {flags: O_WRONLY|O_CREAT|O_TRUNC, mode: 0o640, resolve: RESOLVE_NO_SYMLINKS}, 24)
    const code = [
      'import ctypes, os, sys',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'how = (ctypes.c_uint64 * 3)(os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640, 0x04)',
      'fd = libc.syscall(437, -100, sys.argv[1].encode(), ctypes.byref(how), 24)',
      'assert fd >= 0, ctypes.get_errno()',
      'os.write(fd, b"x"); os.close(fd)',
      'how2 = (ctypes.c_uint64 * 3)(os.O_RDONLY, 0, 0)',
      'fd = libc.syscall(437, -100, sys.argv[1].encode(), ctypes.byref(how2), 24)',
      'assert fd >= 0, ctypes.get_errno()',
      'os.close(fd)',
    ].join('\n');
    const pid = await python(code, file);
    const write = await until(
      () => events.find((e) => e.type === 'openat2' && e.thread?.pid === pid && e.fd?.name === file && get(e, 'evt.is_open_write') === true),
      'the openat2 for writing',
    );
    expect(get(write, 'evt.is_open_read')).toBe(false);
    const flags = String(get(write, 'evt.arg', 'flags'));
    for (const name of ['O_WRONLY', 'O_CREAT', 'O_TRUNC']) expect(flags).toContain(name);
    expect(get(write, 'evt.arg', 'mode')).toBe('0640');
    expect(String(get(write, 'evt.arg', 'resolve'))).toContain('RESOLVE_NO_SYMLINKS');
    const read = await until(
      () => events.find((e) => e.type === 'openat2' && e.thread?.pid === pid && e.fd?.name === file && get(e, 'evt.is_open_read') === true),
      'the openat2 for reading',
    );
    expect(get(read, 'evt.is_open_write')).toBe(false);
    expect(String(get(read, 'evt.arg', 'flags'))).toContain('O_RDONLY');
    expect(failures).toEqual([]);
  });

  it('marks an argument list longer than one read as truncated in proc.cmdline', async () => {
    const long = 'y'.repeat(400);
    const { stdout } = await run('/bin/sh', ['-c', 'echo $$; exec /bin/true "$1"', 'sh', long]);
    const pid = Number(stdout.trim());
    const exec = await until(() => events.find((e) => e.type === 'execve' && e.thread?.pid === pid && get(e, 'proc.name') === 'true'), 'the execve of true');
    const cmdline = String(get(exec, 'proc.cmdline'));
    expect(cmdline.startsWith('true yyyy')).toBe(true);
    expect(cmdline.endsWith(TRUNCATION_MARK)).toBe(true);
  });
});
