import { closeSync, openSync, writeSync } from 'node:fs';
import { SAKER_VERSION } from '../../common/package-info.js';
import { SakerError } from '../../common/errors.js';
import { MonotonicClock, ProcHostFacts, type HostFacts, type LiveEventAdapterOptions, type LiveRecord, type LiveSockAddr, type ProcDetails } from '../sources/live/index.js';
import type { ContainerInfo, ThreadInfo, UserTable } from '../state/index.js';
import { encodeRecord, hostKey, RECORD_FORMAT_VERSION, stateReplacer, type HostAnswers, type RecordHeader } from './format.js';

/** Where and how much to record. */
export interface RecordOptions {
  path: string;
  /** Largest file size in bytes; records that would go past it are left out and counted. */
  maxBytes: number;
}

/** What the recorder wrote and left out. */
export interface RecorderStats {
  written: number;
  /** Records left out: the size limit was reached, or the file could not be written. */
  dropped: number;
}

// Lines are written in blocks of about this size, so recording costs one write per many records.
const FLUSH_BYTES = 64 * 1024;
// Room kept for the trailer line, so a full file still ends with it.
const TRAILER_RESERVE = 256;
const FLUSH_INTERVAL_MS = 1_000;
// Container ids remembered as already written; past it the oldest are forgotten (and a container
// described again is written again, which replays the same).
const MAX_CONTAINERS_REMEMBERED = 4_096;

/**
 * Writes a live session to a JSON-lines file (format in ./format.ts) that `saker replay` reads back
 * through the same adapter, state parser and rules. The file never grows past `maxBytes`: once a line
 * does not fit, recording stops there (a gap in the middle would corrupt the replayed state) and every
 * later record is counted as dropped. Only whole lines are written, so the file stays readable
 * whenever the process stops; `close()` adds the trailer with the counts.
 */
export class LiveRecorder {
  readonly stats: RecorderStats = { written: 0, dropped: 0 };
  readonly clock: MonotonicClock;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private fileBytes = 0;
  private full = false;
  private answers: HostAnswers = {};
  private readonly containersWritten = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  /** Opens (truncates) the file and writes the header; throws `SAKER_ERR_RECORD_OPEN` if it cannot. */
  constructor(
    private readonly options: RecordOptions,
    hostname: string,
    private readonly onError: (error: Error) => void = () => undefined,
    clock = new MonotonicClock(),
  ) {
    this.clock = clock;
    try {
      this.fd = openSync(options.path, 'w');
    } catch (cause) {
      throw new SakerError('SAKER_ERR_RECORD_OPEN', `cannot create the record file ${options.path}: ${(cause as Error).message}`, { cause });
    }
    const header: RecordHeader = {
      saker_record: RECORD_FORMAT_VERSION,
      saker_version: SAKER_VERSION,
      hostname,
      started: new Date().toISOString(),
      clock_offset_ns: clock.offsetNs.toString(),
    };
    this.line(JSON.stringify(header));
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Adapter options that share this recording's clock and keep the adapter's host answers. */
  adapterOptions(host: HostFacts = new ProcHostFacts()): LiveEventAdapterOptions {
    return { clock: this.clock, host: this.capture(host) };
  }

  /** Host facts that answer from `host` and keep each answer for the record being adapted. */
  capture(host: HostFacts): HostFacts {
    const keep = <T extends ProcDetails | LiveSockAddr | number>(key: string, value: T | undefined): T | undefined => {
      this.answers[key] = value ?? null;
      return value;
    };
    return {
      process: (pid) => keep(hostKey.process(pid), host.process(pid)) ?? {},
      tgid: (tid) => keep(hostKey.tgid(tid), host.tgid(tid)),
      socketEnd: (pid, fd, like) => keep(hostKey.socket(pid, fd, like.family), host.socketEnd(pid, fd, like)),
    };
  }

  /** The state the detector starts from: users, groups and the threads seeded from /proc. */
  writeState(threads: Iterable<ThreadInfo>, users: UserTable): void {
    for (const user of users.users.values()) this.line(JSON.stringify({ t: 'user', ...user }));
    for (const group of users.groups.values()) this.line(JSON.stringify({ t: 'group', ...group }));
    const seenPids = new Set<number>();
    for (const thread of threads) {
      // Threads of one process share one fd table: written once, shared again on reading.
      const first = !seenPids.has(thread.pid);
      seenPids.add(thread.pid);
      this.line(JSON.stringify({ t: 'thread', thread: first ? thread : { ...thread, fds: null } }, stateReplacer));
    }
  }

  /**
   * Writes what the container runtime said about a container, once per container, at this point of
   * the stream: a replay then knows it from the same record on, as the live detector did.
   */
  writeContainer(id: string, info: ContainerInfo): void {
    if (this.containersWritten.has(id)) return;
    this.containersWritten.add(id);
    if (this.containersWritten.size > MAX_CONTAINERS_REMEMBERED) {
      const oldest = this.containersWritten.values().next().value;
      if (oldest !== undefined) this.containersWritten.delete(oldest);
    }
    this.line(JSON.stringify({ t: 'container', id, container: info }, stateReplacer));
  }

  /** Writes one record with the host answers gathered while it was adapted. */
  write(record: LiveRecord): void {
    const answers = this.answers;
    this.answers = {};
    if (this.line(encodeRecord(record, answers))) this.stats.written++;
    else this.stats.dropped++;
  }

  /** Writes what is buffered, then the trailer, and closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    clearInterval(this.timer);
    const trailer = JSON.stringify({ t: 'end', records: this.stats.written, dropped: this.stats.dropped, ended: new Date().toISOString() });
    this.pending.push(`${trailer}\n`);
    this.flush();
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Queues a line if it fits under the size limit; false when it was left out. */
  private line(text: string): boolean {
    if (this.full || this.fd === undefined) return false;
    const line = `${text}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.fileBytes + this.pendingBytes + bytes + TRAILER_RESERVE > this.options.maxBytes) {
      this.full = true;
      return false;
    }
    this.pending.push(line);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    return true;
  }

  private flush(): void {
    if (this.pending.length === 0 || this.fd === undefined) return;
    const block = this.pending.join('');
    this.pending = [];
    this.fileBytes += this.pendingBytes;
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, block);
    } catch (error) {
      // A full disk or an I/O error ends the recording, not detection.
      this.full = true;
      this.onError(error as Error);
    }
  }
}
