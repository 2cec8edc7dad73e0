import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingDriver, type RecordingDriver } from '../../support/recording-driver.js';
import { waitFor } from '../../support/wait.js';
import type { BpftraceDriver} from '../../../detector/sources/live/index.js';
import { type LiveRecord } from '../../../detector/sources/live/index.js';

/*
 * A full per-thread argument map on the real kernel: the driver runs with a map of 8 entries, and a
 * program holds more threads than that inside a traced syscall (each blocks opening a FIFO). The
 * syscalls that found no room must be counted, not lost without a trace.
 */

const THREADS = 40;
let live: RecordingDriver;
let records: LiveRecord[];
let driver: BpftraceDriver;
let dir: string;

beforeAll(async () => {
  live = await startRecordingDriver({ syscalls: ['openat'], threadMapEntries: 8 }, 'saker-live-map-');
  ({ driver, records, dir } = live);
}, 90_000);

afterAll(() => live.stop());

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
