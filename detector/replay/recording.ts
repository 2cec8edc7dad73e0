import { closeSync, openSync, readSync } from 'node:fs';
import { looksLikeRecording, replayRecording, type RecordingReadStats } from '../record/index.js';
import type { ReplayRun } from './sources.js';

/** The first bytes of a file, or '' when it cannot be read (the capture reader then reports why). */
function head(path: string, bytes = 64): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0)).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A `saker detector --record` file, recognised by its `.jsonl` name or by its header line whatever
 * its name; undefined for anything else (a .scap capture).
 */
export function openRecording(input: string): ReplayRun | undefined {
  if (!input.endsWith('.jsonl') && !looksLikeRecording(head(input))) return undefined;
  const stats: RecordingReadStats = { records: 0, skipped: new Map() };
  return {
    events: replayRecording(input, stats),
    skipped: () => {
      const skips = stats.skipped.size === 0 ? 'none' : [...stats.skipped].map(([reason, n]) => `${reason}: ${n}`).join(', ');
      const trailer = stats.trailer
        ? stats.trailer.dropped > 0
          ? `; the recording left out ${stats.trailer.dropped} records (size limit)`
          : ''
        : '; the recording has no trailer (cut short)';
      return skips + trailer;
    },
  };
}
