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
}

interface Pending {
  args: Map<number, number | string | LiveSockAddr>;
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
  readonly stats: LineStats = { lines: 0, malformed: 0, lost: 0, attachedProbes: 0 };
  private readonly pending = new Map<number, Pending>();

  /** Feeds one line of `bpftrace -f json` output; returns the record it completes, if any. */
  push(line: string): LiveRecord | undefined {
    this.stats.lines++;
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
        this.pendingFor(Number(parts[1])).args.set(Number(parts[2]), parts[3] as string);
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
        this.pendingFor(Number(parts[1])).execPath = parts[2];
        return undefined;
      }
      case 'A': {
        const parts = splitHead(data, 2);
        if (!parts) return null;
        this.pendingFor(Number(parts[1])).argv = decodeArgs(parts[2] as string);
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
    const intIndexes = probe.args.flatMap((arg, i) => (NUMERIC_KINDS.has(arg.kind) ? [i] : []));
    const parts = splitHead(data, 10 + intIndexes.length);
    if (!parts) return null;
    const [, , tid, pid, ppid, uid, gid, loginuid, ret, ktime] = parts.map((p, i) => (i >= 2 && i <= 8 ? Number(p) : p));
    const pending = this.pending.get(tid as number);
    this.pending.delete(tid as number);
    const args = pending?.args ?? new Map<number, number | string | LiveSockAddr>();
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
