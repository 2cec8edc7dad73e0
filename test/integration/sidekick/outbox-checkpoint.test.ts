import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, OUTBOX_FILE } from '../../../sidekick/index.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';
import { waitFor } from '../../support/wait.js';

const dirs: string[] = [];
const outboxes: Outbox[] = [];
afterEach(() => {
  for (const outbox of outboxes.splice(0)) outbox.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('outbox checkpoints', () => {
  it('copies the write-ahead log into the database file by itself once busy, with the writer idle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-checkpoint-'));
    dirs.push(dir);
    const outbox = new Outbox(dir);
    outboxes.push(outbox);
    const file = join(dir, OUTBOX_FILE);
    // One transaction, well under SQLite's own 1000-page automatic checkpoint: only the WAL grows.
    outbox.accept(
      Array.from({ length: 2500 }, () => ({ alert: sampleAlert(), outputs: ['webhook'] })),
      Date.now(),
    );
    const before = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(before);
    // Nothing more is written on this thread; the file only grows if a checkpoint runs elsewhere.
    await waitFor(() => statSync(file).size > before, 'the database file to take in the log');
    // The copy changed where rows live, not what they say.
    expect(outbox.pendingCount).toBe(2500);
    expect(outbox.dueFrom('webhook', Date.now(), Number.MIN_SAFE_INTEGER, 3000, 0, new Set()).items).toHaveLength(2500);
  });
});
