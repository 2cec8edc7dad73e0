import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { BpftraceDriver, type LiveRecord } from '../../../detector/sources/live/index.js';

/*
 * A full per-thread argument map on the real kernel: the driver runs with a map of 8 entries, and a
 * program holds more threads than that inside a traced syscall (each blocks opening a FIFO). The
 * syscalls that found no room must be counted, not lost without a trace.
 */

const THREADS = 40;
const records: LiveRecord[] = [];
let driver: BpftraceDriver;
let pump: Promise<void>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saker-live-map-'));
  driver = new BpftraceDriver({ syscalls: ['openat'], threadMapEntries: 8 });
  pump = (async () => {
    for await (const record of driver.records()) records.push(record);
  })();
  await Promise.race([driver.ready, pump.then(() => Promise.reject(new Error('bpftrace stopped before it was ready')))]);
}, 90_000);

afterAll(async () => {
  driver.stop();
  await pump;
  rmSync(dir, { recursive: true, force: true });
});

describe('live driver with a full per-thread map', () => {
  it('counts the syscalls it had no room for', async () => {
    const fifo = join(dir, 'fifo');
    // THREADS readers block in openat until the writer opens the FIFO; then all of them return.
    const script = `
import os, threading, time
os.mkfifo(${JSON.stringify(fifo)})
threads = [threading.Thread(target=lambda: os.close(os.open(${JSON.stringify(fifo)}, os.O_RDONLY))) for _ in range(${THREADS})]
for t in threads: t.start()
time.sleep(1)
os.close(os.open(${JSON.stringify(fifo)}, os.O_WRONLY))
for t in threads: t.join()
`;
    const child = execFile('python3', ['-c', script]);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    // At most 8 of the blocked opens had an entry; the others were counted as they entered.
    await waitFor(() => (driver.stats.mapFull >= THREADS - 8 ? true : undefined), 'the full-map count', { limitMs: 20_000 });
    const fifoOpens = () => records.filter((r) => r.kind === 'syscall' && r.pid === child.pid && r.args.get(1) === fifo);
    expect(fifoOpens().length).toBeLessThanOrEqual(8 + 1);
  }, 60_000);
});
