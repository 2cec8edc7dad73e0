// The capture reader on hand-built files: metadata and events decode into the event model with state,
// and bad input (not a capture, cut short, corrupt or unknown blocks and events) is an error with a
// stable code or a counted skip, never a crash or a wrong value.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { replayScap, SCAP_ERRORS } from '../../../detector/sources/scap/index.js';
import type { SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { isSakerError } from '../../../common/errors.js';
import { block, concat, cstr, eventBlock, i64, procEntry, sectionHeader, u32, userList } from './scap-builder.js';

const PPME_OPEN_E = 2;
const PPME_OPEN_X = 3;
const PPME_CLOSE_E = 4;
const PPME_CLOSE_X = 5;
const O_RDONLY = 1;
const O_CLOEXEC = 4096;
const DOCKER_ID = 'a'.repeat(64);

function field(name: string, arg?: string): (e: SyscallEvent) => unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec) throw new Error(`no field ${name}`);
  return spec.bind(arg);
}

function metadata(): Uint8Array {
  const procs = concat(
    procEntry({ tid: 1, pid: 1, ptid: 0, comm: 'systemd', exe: '/sbin/init', args: [], cwd: '/', uid: 0, gid: 0 }),
    procEntry({ tid: 100, pid: 100, ptid: 1, comm: 'bash', exe: 'bash', args: ['-i'], cwd: '/root', uid: 0, gid: 0 }),
    procEntry({
      tid: 200, pid: 200, ptid: 100, comm: 'cat', exe: 'cat', args: ['/etc/shadow'], cwd: '/', uid: 1000, gid: 1000,
      cgroups: [`cpu=/docker/${DOCKER_ID}`],
    }),
  );
  return concat(sectionHeader(), block(0x215, procs), userList({ uid: 0, gid: 0, name: 'root' }, { gid: 0, name: 'root' }));
}

function openEvents(tid: number, path: string, ts: bigint): Uint8Array[] {
  return [
    eventBlock({ ts, tid, type: PPME_OPEN_E, params: [cstr(path), u32(O_RDONLY | O_CLOEXEC), u32(0)] }),
    eventBlock({ ts: ts + 1n, tid, type: PPME_OPEN_X, params: [i64(3), cstr(path), u32(O_RDONLY | O_CLOEXEC), u32(0), u32(0)] }),
    eventBlock({ ts: ts + 2n, tid, type: PPME_CLOSE_E, params: [i64(3)] }),
    eventBlock({ ts: ts + 3n, tid, type: PPME_CLOSE_X, params: [i64(0)] }),
  ];
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isSakerError(e) ? e.code : `not a SakerError: ${String(e)}`;
  }
  return undefined;
}

describe('scap reader', () => {
  it('decodes metadata and events into events with thread, fd and user state', () => {
    const file = concat(metadata(), ...openEvents(100, '/etc/shadow', 1_700_000_000_000_000_000n));
    const r = replayScap(file);
    const events = [...r.events];
    expect(events.map((e) => `${e.num}${e.dir}${e.type}`)).toEqual(['1>open', '2<open', '3>close', '4<close']);
    const exit = events[1]!;
    expect(field('fd.name')(exit)).toBe('/etc/shadow');
    expect(field('fd.typechar')(exit)).toBe('f');
    expect(field('fd.directory')(exit)).toBe('/etc');
    expect(field('fd.filename')(exit)).toBe('shadow');
    expect(field('evt.is_open_read')(exit)).toBe(true);
    expect(field('evt.is_open_write')(exit)).toBe(false);
    expect(field('evt.arg', 'flags')(exit)).toBe('O_RDONLY|O_CLOEXEC');
    expect(field('evt.arg', 'fd')(exit)).toBe('<f>/etc/shadow');
    expect(field('evt.rawres')(exit)).toBe(3);
    expect(field('evt.res')(exit)).toBe('SUCCESS');
    expect(field('proc.name')(exit)).toBe('bash');
    expect(field('proc.cmdline')(exit)).toBe('bash -i');
    expect(field('proc.pname')(exit)).toBe('systemd');
    expect(field('proc.aname', '1')(exit)).toBe('systemd');
    expect(field('proc.aname', '2')(exit)).toBeUndefined();
    expect(field('user.name')(exit)).toBe('root');
    expect(field('container.id')(exit)).toBe('host');
    // The close exit still reports the fd it closed; the next event no longer has it.
    expect(field('fd.name')(events[3]!)).toBe('/etc/shadow');
    expect(r.ctx.threads.get(100)?.fds.has(3)).toBe(true);
  });

  it('derives the container id from the cgroup path and leaves unknown users unset', () => {
    const r = replayScap(concat(metadata(), ...openEvents(200, 'relative.txt', 1n)));
    const exit = [...r.events][1]!;
    expect(field('container.id')(exit)).toBe('aaaaaaaaaaaa');
    expect(field('fd.name')(exit)).toBe('/relative.txt');
    expect(field('fd.nameraw')(exit)).toBe('relative.txt');
    expect(field('user.uid')(exit)).toBe(1000);
    expect(field('user.name')(exit)).toBeUndefined();
    expect(field('proc.aname')(exit)).toEqual(['bash', 'systemd']);
  });

  it('reads gzip-compressed captures', () => {
    const r = replayScap(gzipSync(concat(metadata(), ...openEvents(100, '/etc/hosts', 5n))));
    expect([...r.events].map((e) => field('fd.name')(e))).toEqual([undefined, '/etc/hosts', '/etc/hosts', '/etc/hosts']);
  });

  it('rejects a file that is not a capture', () => {
    expect(codeOf(() => replayScap(new TextEncoder().encode('hello, not a capture file at all')))).toBe(SCAP_ERRORS.NOT_SCAP);
    expect(codeOf(() => replayScap(new Uint8Array(0)))).toBe(SCAP_ERRORS.NOT_SCAP);
    expect(codeOf(() => replayScap(sectionHeader(9, 0)))).toBe(SCAP_ERRORS.NOT_SCAP);
  });

  it('reports a file cut inside the metadata as truncated, compressed or not', () => {
    const m = metadata();
    expect(codeOf(() => replayScap(m.subarray(0, m.length - 10)))).toBe(SCAP_ERRORS.TRUNCATED);
    const gz = gzipSync(m);
    expect(codeOf(() => replayScap(gz.subarray(0, 12)))).toBe(SCAP_ERRORS.TRUNCATED);
  });

  it('keeps the events before a cut and reports the cut', () => {
    const file = concat(metadata(), ...openEvents(100, '/etc/passwd', 10n));
    const r = replayScap(file.subarray(0, file.length - 7));
    const events = [...r.events];
    expect(events).toHaveLength(3);
    expect(field('fd.name')(events[1]!)).toBe('/etc/passwd');
    expect(r.stats.truncated).toBe(true);
    expect(r.stats.stopReason).toMatch(/ends inside/);
  });

  it('skips and counts unknown event types and unknown blocks without renumbering', () => {
    const unknown = eventBlock({ ts: 1n, tid: 100, type: 4000, params: [u32(1)] });
    const strange = block(0x7777, new Uint8Array(8));
    const [a, b, c, d] = openEvents(100, '/tmp/x', 20n);
    const r = replayScap(concat(metadata(), a!, unknown, b!, strange, c!, d!));
    expect([...r.events].map((e) => e.num)).toEqual([1, 2, 3, 4]);
    expect(r.stats.unknownEventTypes.get(4000)).toBe(1);
    expect(r.stats.skippedBlocks).toBe(1);
  });

  it('skips and counts an event whose lengths do not add up', () => {
    const bad = eventBlock({ ts: 1n, tid: 100, type: PPME_OPEN_X, params: [i64(3), cstr('/x')] });
    // Claim a parameter length far past the end of the event.
    new DataView(bad.buffer, bad.byteOffset).setUint16(8 + 28, 5000, true);
    const r = replayScap(concat(metadata(), bad, ...openEvents(100, '/etc/group', 30n)));
    const events = [...r.events];
    expect(r.stats.corruptEvents).toBe(1);
    expect(events.map((e) => e.num)).toEqual([1, 2, 3, 4]);
    expect(field('fd.name')(events[1]!)).toBe('/etc/group');
  });

  it('stops cleanly at a block whose trailer is wrong', () => {
    const good = openEvents(100, '/a', 1n);
    const broken = eventBlock({ ts: 9n, tid: 100, type: PPME_CLOSE_E, params: [i64(3)] });
    new DataView(broken.buffer, broken.byteOffset).setUint32(broken.length - 4, 1, true);
    const r = replayScap(concat(metadata(), ...good, broken, ...openEvents(100, '/b', 50n)));
    expect([...r.events]).toHaveLength(4);
    expect(r.stats.stopReason).toMatch(/trailer/);
  });

  it('never crashes on random corruption of a real-shaped file', () => {
    const file = concat(metadata(), ...openEvents(100, '/etc/shadow', 1n), ...openEvents(200, '/etc/passwd', 9n));
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const copy = file.slice();
      for (let k = 0; k < 4; k++) copy[rand(copy.length)] = rand(256);
      try {
        const r = replayScap(copy);
        for (const e of r.events) SYSCALL_FIELDS.fields.get('fd.name')!.bind(undefined)(e);
      } catch (e) {
        expect(isSakerError(e)).toBe(true);
      }
    }
  });
});
