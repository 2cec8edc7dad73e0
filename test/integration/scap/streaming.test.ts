// Capture replay streams from the file: every capture replays to the same events whether it is read a
// few bytes at a time, in large reads, or from memory; a large capture replays with a read window the
// size of one read, not of the file; gzip captures inflate as they are read, a cut-off one keeps what
// it holds.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { replayScap } from '../../../detector/sources/scap/index.js';
import { renderArgs, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { block, concat, cstr, eventBlock, i64, procEntry, sectionHeader, u32 } from '../../unit/syscall/scap-builder.js';

const DIR = new URL('../../../../shared/captures/', import.meta.url).pathname;
const captures = readdirSync(DIR).filter((f) => f.endsWith('.scap')).sort();
const FIELDS = ['proc.name', 'proc.cmdline', 'fd.name', 'user.name', 'container.id'].map((f) => SYSCALL_FIELDS.fields.get(f)!.bind(undefined));

/** Everything a rule could see of an event, as text. */
function fingerprint(e: SyscallEvent): string {
  return JSON.stringify([e.num, String(e.ts), e.cpu, e.tid, e.type, e.dir, renderArgs(e), ...FIELDS.map((f) => String(f(e)))]);
}

function replayAll(input: string | Uint8Array, readSize?: number): { events: string[]; windowBytes: number; truncated: boolean } {
  const r = replayScap(input, { readSize });
  // Taken as each event comes: fields read live state (a thread that exits later is gone by the end).
  const events: string[] = [];
  for (const e of r.events) events.push(fingerprint(e));
  return { events, windowBytes: r.stats.windowBytes, truncated: r.stats.truncated };
}

const tmp = mkdtempSync(join(tmpdir(), 'saker-scap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('streaming capture replay', () => {
  for (const file of captures) {
    it(`${file}: identical events with a 7-byte read buffer, large reads and from memory`, () => {
      const large = replayAll(DIR + file);
      const tiny = replayAll(DIR + file, 7);
      const memory = replayAll(readFileSync(DIR + file));
      expect(tiny.events).toEqual(large.events);
      expect(memory.events).toEqual(large.events);
    });
  }

  it('replays a capture many times larger than its read window in that window', () => {
    const PPME_OPEN_E = 2;
    const PPME_OPEN_X = 3;
    const procs = block(0x215, procEntry({ tid: 100, pid: 100, ptid: 1, comm: 'cat', exe: 'cat', args: [], cwd: '/', uid: 0, gid: 0 }));
    const events: Uint8Array[] = [];
    for (let i = 0; i < 8_000; i++) {
      const path = `/var/log/file-${i}.log`;
      events.push(eventBlock({ ts: BigInt(2 * i + 1), tid: 100, type: PPME_OPEN_E, params: [cstr(path), u32(1), u32(0)] }));
      events.push(eventBlock({ ts: BigInt(2 * i + 2), tid: 100, type: PPME_OPEN_X, params: [i64(3), cstr(path), u32(1), u32(0), u32(0)] }));
    }
    const bytes = concat(sectionHeader(), procs, ...events);
    const plain = join(tmp, 'big.scap');
    const packed = join(tmp, 'big.scap.gz');
    writeFileSync(plain, bytes);
    writeFileSync(packed, gzipSync(bytes));
    for (const path of [plain, packed]) {
      const r = replayAll(path, 4096);
      expect(r.events).toHaveLength(16_000);
      expect(r.events[15_999]).toContain('/var/log/file-7999.log');
      // The window is the minimum window (64 KiB), whatever the file size (here ~0.9 MB).
      expect(r.windowBytes).toBeLessThanOrEqual(64 * 1024);
      expect(bytes.length).toBeGreaterThan(10 * r.windowBytes);
    }
  });

  it('keeps what a cut-off gzip capture holds and reports the cut', () => {
    const gz = readFileSync(DIR + 'curl_google.scap');
    const whole = replayAll(DIR + 'curl_google.scap');
    const cutPath = join(tmp, 'cut.scap');
    writeFileSync(cutPath, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const cut = replayAll(cutPath, 1000);
    expect(cut.events.length).toBeGreaterThan(0);
    expect(cut.events.length).toBeLessThan(whole.events.length);
    expect(cut.events).toEqual(whole.events.slice(0, cut.events.length));
    expect(cut.truncated).toBe(true);
  });
});
