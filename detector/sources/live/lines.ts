import { CHUNK_BYTES, MAX_STRING_CHUNKS, STRING_LIMIT, TRUNCATION_MARK } from './limits.js';
import { NUMERIC_KINDS, PROBES_BY_NAME, type ArgKind } from './probes.js';
import type { LiveRecord, LiveSockAddr, LiveSyscall } from './records.js';

/** Counters for what could not be used; every skip is counted, none is silent. */
export interface LineStats {
  lines: number;
  malformed: number;
  /** Events the kernel dropped because bpftrace did not read them fast enough. */
  lost: number;
  /** Probes bpftrace reports attached; 0 until it has started tracing. */
  attachedProbes: number;
  /** Strings (paths, exec paths, argument lists) too long to read whole: reported with TRUNCATION_MARK. */
  truncated: number;
}

interface Pending {
  args: Map<number, number | string | LiveSockAddr>;
  /** Per string argument: chunks read so far while each was full; absent once one was not. */
  fullChunks?: Map<number, number>;
  execPath?: string;
  argv?: string[];
}

/** bpftrace prints every number as a 64-bit value; narrow each to its declared width and sign. */
const NARROW: Partial<Record<ArgKind, (value: number) => number>> = {
  int: (value) => value | 0,
  uint: (value) => value >>> 0,
};

const SOCKET_FAMILIES: ReadonlyMap<number, 'inet' | 'inet6' | 'unix'> = new Map([
  [2, 'inet'],
  [10, 'inet6'],
  [1, 'unix'],
]);

/**
 * Whether a chunk filled its read. Bytes that are not UTF-8 reach us as U+FFFD, which may stand for
 * fewer bytes than it takes; a chunk ending in one counts as full when it is within a character of it.
 */
function isFullChunk(text: string): boolean {
  const bytes = Buffer.byteLength(text);
  return bytes >= CHUNK_BYTES || (text.endsWith('\uFFFD') && bytes >= CHUNK_BYTES - 3);
}

/** How `bpftrace -f json` starts a printf line. */
const PRINTF_PREFIX = '{"type": "printf", "data": "';

/** Per probe: the indexes of its numeric arguments, printed on the header line in this order. */
const NUMERIC_ARGS: ReadonlyMap<string, readonly number[]> = new Map(
  [...PROBES_BY_NAME.values()].map((probe) => [probe.name, probe.args.flatMap((arg, i) => (NUMERIC_KINDS.has(arg.kind) ? [i] : []))]),
);

/** Splits `text` at the first `count` spaces; the last part keeps any further spaces. */
function splitHead(text: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const space = text.indexOf(' ', start);
    if (space < 0) return undefined;
    parts.push(text.slice(start, space));
    start = space + 1;
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * Decodes bpftrace's `%r` rendering of a byte buffer (printable ASCII as is, other bytes as `\xNN`)
 * and splits it at NUL bytes into the program's arguments. A literal `\x41` typed in an argument
 * reads back as `A`: bpftrace does not escape backslashes, so that one spelling is ambiguous.
 */
export function decodeArgs(rendered: string): string[] {
  const bytes: number[] = [];
  for (let i = 0; i < rendered.length; i++) {
    if (rendered[i] === '\\' && rendered[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(rendered.slice(i + 2, i + 4))) {
      bytes.push(parseInt(rendered.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      bytes.push(rendered.charCodeAt(i) & 0xff);
    }
  }
  const decoder = new TextDecoder();
  const argv: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0) {
      if (i > start || i < bytes.length) argv.push(decoder.decode(new Uint8Array(bytes.slice(start, i))));
      start = i + 1;
    }
  }
  return argv;
}

/**
 * Turns bpftrace's JSON output lines into records. String arguments, socket addresses and exec
 * details arrive as separate lines before their syscall's header line; they are held per thread
 * until it arrives.
 */
export class LineAssembler {
  readonly stats: LineStats = { lines: 0, malformed: 0, lost: 0, attachedProbes: 0, truncated: 0 };
  private readonly pending = new Map<number, Pending>();

  /** Feeds one line of `bpftrace -f json` output; returns the record it completes, if any. */
  push(line: string): LiveRecord | undefined {
    this.stats.lines++;
    // Most lines are a printf with nothing escaped: their text is the bytes between the quotes.
    if (line.startsWith(PRINTF_PREFIX) && line.endsWith('"}') && !line.includes('\\')) {
      const record = this.parse(line.slice(PRINTF_PREFIX.length, -2));
      if (record === null) this.stats.malformed++;
      return record ?? undefined;
    }
    let message: { type?: unknown; data?: unknown };
    try {
      message = JSON.parse(line) as { type?: unknown; data?: unknown };
    } catch {
      this.stats.malformed++;
      return undefined;
    }
    if (message.type === 'lost_events') {
      this.stats.lost += Number((message.data as { events?: unknown } | undefined)?.events ?? 0);
      return undefined;
    }
    if (message.type === 'attached_probes') {
      this.stats.attachedProbes = Number((message.data as { probes?: unknown } | undefined)?.probes ?? 0);
      return undefined;
    }
    if (message.type !== 'printf' || typeof message.data !== 'string') return undefined;
    const record = this.parse(message.data);
    if (record === null) this.stats.malformed++;
    return record ?? undefined;
  }

  /** The text, with TRUNCATION_MARK and counted when it was cut. */
  private marked(text: string, cut: boolean): string {
    if (!cut) return text;
    this.stats.truncated++;
    return text + TRUNCATION_MARK;
  }

  /** Threads with lines waiting for their header (bounded by the number of live threads). */
  get pendingThreads(): number {
    return this.pending.size;
  }

  private pendingFor(tid: number): Pending {
    let entry = this.pending.get(tid);
    if (!entry) {
      entry = { args: new Map() };
      this.pending.set(tid, entry);
    }
    return entry;
  }

  /** Parses one printed line: a record, undefined for a partial line, null when malformed. */
  private parse(data: string): LiveRecord | undefined | null {
    switch (data[0]) {
      case 'S': {
        const parts = splitHead(data, 3);
        if (!parts) return null;
        const entry = this.pendingFor(Number(parts[1]));
        const text = parts[3] as string;
        entry.args.set(Number(parts[2]), text);
        if (isFullChunk(text)) (entry.fullChunks ??= new Map()).set(Number(parts[2]), 1);
        return undefined;
      }
      case 'C': {
        const parts = splitHead(data, 4);
        if (!parts) return null;
        const entry = this.pendingFor(Number(parts[1]));
        const index = Number(parts[2]);
        const text = parts[4] as string;
        const sofar = entry.args.get(index);
        // Only the chunk right after a full one continues the string; others are stale memory.
        if (typeof sofar !== 'string' || entry.fullChunks?.get(index) !== Number(parts[3])) return undefined;
        entry.args.set(index, sofar + text);
        if (isFullChunk(text)) entry.fullChunks.set(index, Number(parts[3]) + 1);
        else entry.fullChunks.delete(index);
        return undefined;
      }
      case 'N': {
        const parts = splitHead(data, 5);
        if (!parts) return null;
        const family = SOCKET_FAMILIES.get(Number(parts[3]));
        const address = parts[5] as string;
        const value: LiveSockAddr =
          family === 'unix'
            ? { family, path: address }
            : family
              ? { family, ip: address, port: Number(parts[4]) }
              : { family: 'other', code: Number(parts[3]) };
        this.pendingFor(Number(parts[1])).args.set(Number(parts[2]), value);
        return undefined;
      }
      case 'E': {
        const parts = splitHead(data, 2);
        if (!parts) return null;
        // The exec path is one read of a kernel string: a full read may have been cut.
        this.pendingFor(Number(parts[1])).execPath = this.marked(parts[2] as string, isFullChunk(parts[2] as string));
        return undefined;
      }
      case 'A': {
        const parts = splitHead(data, 3);
        if (!parts) return null;
        const argv = decodeArgs(parts[3] as string);
        // bpftrace reads at most one buffer of the argument block; the printed length says if it was all.
        const cut = Number(parts[2]) > STRING_LIMIT && argv.length > 0;
        if (cut) argv[argv.length - 1] = this.marked(argv[argv.length - 1] as string, true);
        this.pendingFor(Number(parts[1])).argv = argv;
        return undefined;
      }
      case 'H':
        return this.header(data);
      case 'F': {
        const parts = splitHead(data, 4);
        if (!parts) return null;
        return { kind: 'fork', parentTid: Number(parts[1]), childTid: Number(parts[2]), ktime: BigInt(parts[3] as string), comm: parts[4] as string };
      }
      case 'X': {
        const parts = data.split(' ');
        if (parts.length !== 4) return null;
        this.pending.delete(Number(parts[1]));
        return { kind: 'exit', tid: Number(parts[1]), pid: Number(parts[2]), ktime: BigInt(parts[3] as string) };
      }
      default:
        return null;
    }
  }

  private header(data: string): LiveSyscall | null {
    const name = data.slice(2, data.indexOf(' ', 2));
    const probe = PROBES_BY_NAME.get(name);
    if (!probe) return null;
    const intIndexes = NUMERIC_ARGS.get(name) ?? [];
    const parts = splitHead(data, 10 + intIndexes.length);
    if (!parts) return null;
    const [, , tid, pid, ppid, uid, gid, loginuid, ret, ktime] = parts.map((p, i) => (i >= 2 && i <= 8 ? Number(p) : p));
    const pending = this.pending.get(tid as number);
    this.pending.delete(tid as number);
    const args = pending?.args ?? new Map<number, number | string | LiveSockAddr>();
    // A string whose last possible chunk was still full did not end there.
    for (const [index, chunks] of pending?.fullChunks ?? []) {
      const text = args.get(index);
      if (chunks >= MAX_STRING_CHUNKS && typeof text === 'string') args.set(index, this.marked(text, true));
    }
    intIndexes.forEach((argIndex, i) => {
      const value = Number(parts[10 + i]);
      const narrow = NARROW[probe.args[argIndex]?.kind ?? 'long'];
      args.set(argIndex, narrow ? narrow(value) : value);
    });
    const record: LiveSyscall = {
      kind: 'syscall',
      syscall: name,
      tid: tid as number,
      pid: pid as number,
      ppid: ppid as number,
      uid: uid as number,
      gid: gid as number,
      loginuid: (loginuid as number) >>> 0,
      ret: ret as number,
      ktime: BigInt(ktime as string),
      comm: parts[parts.length - 1] as string,
      args,
    };
    if (probe.execArgs && record.ret === 0 && pending?.execPath !== undefined) {
      record.exec = { path: pending.execPath, argv: pending.argv ?? [] };
    }
    if ([tid, pid, ppid, uid, gid, ret].some((n) => Number.isNaN(n))) return null;
    return record;
  }
}
