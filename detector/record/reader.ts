import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SakerError } from '../../common/errors.js';
import { LiveEventAdapter, MonotonicClock, type HostFacts, type LiveSockAddr, type ProcDetails } from '../sources/live/index.js';
import { createContext, isRuleEvent, StateParser, type SyscallContext, type SyscallEvent } from '../sources/syscall/index.js';
import { UserTable, type ContainerInfo, type FdTable, type GroupInfo, type ThreadInfo, type UserInfo } from '../state/index.js';
import { decodeHeader, decodeRecord, hostKey, RecordLineError, stateReviver, type HostAnswers, type RecordHeader } from './format.js';

/** What a replay of a recording read, and what it could not use. */
export interface RecordingReadStats {
  records: number;
  /** Lines that are not valid JSON or not a valid record, by reason. */
  skipped: Map<string, number>;
  /** The trailer's counts, when the file has one (a file without it was cut short). */
  trailer?: { records: number; dropped: number };
}

/** Answers the adapter's host lookups from what the recording kept; what it did not keep is absent. */
class RecordedHostFacts implements HostFacts {
  answers: HostAnswers = {};

  process(pid: number): ProcDetails {
    return (this.answers[hostKey.process(pid)] as ProcDetails | null | undefined) ?? {};
  }

  tgid(tid: number): number | undefined {
    const v = this.answers[hostKey.tgid(tid)];
    return typeof v === 'number' ? v : undefined;
  }

  socketEnd(pid: number, fd: number, like: LiveSockAddr): LiveSockAddr | undefined {
    return (this.answers[hostKey.socket(pid, fd, like.family)] as LiveSockAddr | null | undefined) ?? undefined;
  }
}

/** State lines: users, groups and threads before the records; containers wherever the lookup answered. */
const STATE_LINES: Readonly<Record<string, (ctx: SyscallContext, o: Record<string, unknown>, fdsByPid: Map<number, FdTable>) => void>> = {
  user(ctx, o) {
    if (typeof o.uid !== 'number' || typeof o.gid !== 'number' || typeof o.name !== 'string') throw new RecordLineError("a 'user' line needs uid, gid and name");
    ctx.users.addUser(o as unknown as UserInfo);
  },
  group(ctx, o) {
    if (typeof o.gid !== 'number' || typeof o.name !== 'string') throw new RecordLineError("a 'group' line needs gid and name");
    ctx.users.addGroup(o as unknown as GroupInfo);
  },
  thread(ctx, o, fdsByPid) {
    const thread = o.thread as ThreadInfo | undefined;
    if (!thread || typeof thread.tid !== 'number' || typeof thread.pid !== 'number') throw new RecordLineError("'thread' must be a thread");
    const shared = fdsByPid.get(thread.pid);
    if (thread.fds instanceof Map) {
      if (!shared) fdsByPid.set(thread.pid, thread.fds);
    } else thread.fds = shared ?? new Map();
    ctx.threads.set(thread);
  },
  container(ctx, o) {
    const info = o.container as ContainerInfo | undefined;
    if (typeof o.id !== 'string' || !info || typeof info.id !== 'string' || !Array.isArray(info.mounts) || typeof info.labels !== 'object' || info.labels === null) {
      throw new RecordLineError("a 'container' line needs id and a container with id, mounts and labels");
    }
    ctx.containers.set(o.id, info);
  },
};

/** Is this file a Saker recording? Judged by its first bytes, whatever its name. */
export function looksLikeRecording(firstBytes: string): boolean {
  return /^\s*\{\s*"saker_record"\s*:/.test(firstBytes);
}

/**
 * Replays a `saker detector --record` file: rebuilds the starting state from its state lines, then
 * runs each record through the live adapter (answering its /proc lookups from the recording) and the
 * state parser, and yields the events rules see, in order, exactly as the live detector did. Bad lines
 * are counted and skipped; a missing or unknown header stops the replay with `SAKER_ERR_SOURCE_FORMAT`.
 */
export async function* replayRecording(path: string, stats: RecordingReadStats): AsyncGenerator<SyscallEvent> {
  const skip = (reason: string) => stats.skipped.set(reason, (stats.skipped.get(reason) ?? 0) + 1);
  let lines: AsyncIterable<string>;
  try {
    const stream = createReadStream(path, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    lines = createInterface({ input: stream, crlfDelay: Infinity });
  } catch (cause) {
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot read ${path}`, { cause });
  }
  let header: RecordHeader | undefined;
  let ctx: SyscallContext | undefined;
  let adapter: LiveEventAdapter | undefined;
  let parser: StateParser | undefined;
  const host = new RecordedHostFacts();
  const fdsByPid = new Map<number, FdTable>();
  for await (const text of lines) {
    if (text.trim() === '') continue;
    let o: Record<string, unknown>;
    try {
      const parsed = JSON.parse(text, stateReviver) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RecordLineError('not an object');
      o = parsed as Record<string, unknown>;
    } catch {
      if (!header) throw new SakerError('SAKER_ERR_SOURCE_FORMAT', `${path} is not a Saker recording: its first line is not JSON`);
      skip('corrupt lines');
      continue;
    }
    if (!header) {
      try {
        header = decodeHeader(o);
      } catch (cause) {
        throw new SakerError('SAKER_ERR_SOURCE_FORMAT', `${path}: ${(cause as Error).message}`, { cause });
      }
      ctx = createContext({ users: new UserTable(), hostname: header.hostname || undefined });
      adapter = new LiveEventAdapter(ctx, { clock: new MonotonicClock(BigInt(header.clock_offset_ns)), host });
      parser = new StateParser(ctx);
      continue;
    }
    if (!ctx || !adapter || !parser) continue;
    try {
      const type = String(o.t);
      const state = STATE_LINES[type];
      if (state) {
        state(ctx, o, fdsByPid);
        continue;
      }
      if (type === 'end') {
        stats.trailer = { records: Number(o.records), dropped: Number(o.dropped) };
        continue;
      }
      const decoded = decodeRecord(o);
      if (!decoded) {
        skip('unknown line types');
        continue;
      }
      host.answers = decoded.host;
      const events = adapter.adapt(decoded.record);
      stats.records++;
      for (const event of events) {
        parser.process(event);
        if (isRuleEvent(event.layout)) yield event;
      }
    } catch (error) {
      // As live: one record that cannot be processed is counted, and the replay goes on.
      skip(error instanceof RecordLineError ? 'corrupt lines' : 'records that could not be processed');
    }
  }
  if (!header) throw new SakerError('SAKER_ERR_SOURCE_FORMAT', `${path} is empty: not a Saker recording`);
}
