import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpftraceDriver, type BpftraceDriverOptions, type LiveRecord } from '../../detector/sources/live/index.js';

/** A live driver on the real kernel whose records are all kept, and a scratch folder for the test. */
export interface RecordingDriver {
  driver: BpftraceDriver;
  records: LiveRecord[];
  dir: string;
  /** Stops bpftrace, waits for the last records and removes the scratch folder. */
  stop(): Promise<void>;
}

/** Starts the driver and resolves once bpftrace is attached (rejects if it stops before that). */
export async function startRecordingDriver(options: BpftraceDriverOptions, dirPrefix: string): Promise<RecordingDriver> {
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  const driver = new BpftraceDriver(options);
  const records: LiveRecord[] = [];
  const pump = (async () => {
    for await (const record of driver.records()) records.push(record);
  })();
  const stop = async (): Promise<void> => {
    driver.stop();
    await pump;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([driver.ready, pump.then(() => Promise.reject(new Error('bpftrace stopped before it was ready')))]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { driver, records, dir, stop };
}
