import { CHUNK_BYTES, MAX_STRING_CHUNKS, STRING_LIMIT, TRUNCATION_MARK } from './limits.js';
import { PROBES_BY_NAME, type ArgKind, type SyscallProbe } from './probes.js';
import type { LiveRecord, LiveSockAddr, LiveSyscall } from './records.js';
import { headerLayout, RECORD_START, type HeaderLayout } from './wire.js';

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
  /** Syscalls dropped in the kernel because the per-thread argument map was full (program.ts). */
  mapFull: number;
}

/** What a thread printed before its header line. */
interface Pending {
  /** Per string argument: its chunks by number (0 is the first read). */
  chunks?: Map<number, string[]>;
  addrs?: Map<number, LiveSockAddr>;
  execPath?: string;
  argv?: string[];
}

/** bpftrace prints every number as a 64-bit value; narrow each to its declared width and sign. */
const NARROW: Record<ArgKind, (value: number) => number> = {
  int: (value) => value | 0,
  uint: (value) => value >>> 0,
  long: (value) => value,
  str: (value) => value,
  sockaddr: (value) => value,
};

const SOCKET_FAMILIES: ReadonlyMap<number, 'inet' | 'inet6' | 'unix'> = new Map([
  [2, 'inet'],
  [10, 'inet6'],
  [1, 'unix'],
]);

/** clone(2)'s flag for a new thread of the caller's process. */
const CLONE_THREAD = 0x10000;

/** A record longer than this never ended: the largest real one (a padding line) is about 4 KiB. */
const MAX_RECORD_CHARS = 64 * 1024;

/**
 * Whether a chunk filled its read. Bytes that are not UTF-8 reach us as U+FFFD, which may stand for
 * fewer bytes than it takes; a chunk ending in one counts as full when it is within a character of it.
 */
function isFullChunk(text: string): boolean {
  // A UTF-16 unit stands for at most 3 bytes read (a 4-byte character takes two units), so a text this
  // short cannot be full: most paths are decided without measuring their bytes.
  if (text.length < CHUNK_BYTES / 4) return false;
  const bytes = Buffer.byteLength(text);
  return bytes >= CHUNK_BYTES || (text.endsWith('\uFFFD') && bytes >= CHUNK_BYTES - 3);
}

/** Per probe: how its header line reads, and how many space-separated fields precede its string. */
interface HeaderShape {
  probe: SyscallProbe;
  layout: HeaderLayout;
  /** Numbers after the syscall name: tid pid ret ktime, [ppid uid gid loginuid], the int arguments. */
  numbers: number;
  trailing: boolean;
}

const HEADER_SHAPES: ReadonlyMap<string, HeaderShape> = new Map(
  [...PROBES_BY_NAME.values()].map((probe) => {
    const layout = headerLayout(probe);
    const shape: HeaderShape = { probe, layout, numbers: 4 + (layout.process ? 4 : 0) + layout.numbers.length, trailing: layout.process || layout.inlineString !== undefined };
    return [probe.name, shape];
  }),
);

/** Where the kernel time is among a header's numbers (after tid, pid and ret). */
const KTIME_FIELD = 3;

/**
 * The decimal integer bpftrace printed at text[start, end), NaN when it is not one. Read digit by digit,
 * without a substring, when it has at most 15 digits (exact in a double); longer ones go through
 * Number(), which rounds them as it always did.
 */
function readInteger(text: string, start: number, end: number): number {
  let i = start;
  const negative = text.charCodeAt(i) === 45; // '-'
  if (negative) i++;
  if (i === end || end - i > 15) return Number(text.slice(start, end));
  let value = 0;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - 48; // '0'
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

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

/** bpftrace's own messages on its output, and what each one updates. */
const MESSAGES: readonly [RegExp, (stats: LineStats, count: number) => void][] = [
  [/^Lost (\d+) events$/, (stats, count) => (stats.lost += count)],
  [/^Attaching (\d+) probes?\.\.\.$/, (stats, count) => (stats.attachedProbes = count)],
];

/**
 * Turns the bpftrace program's output lines (wire.ts) into records. String arguments, socket
 * addresses and exec details of most syscalls arrive as separate lines before their header line;
 * they are held per thread until it arrives.
 */
export class LineAssembler {
  readonly stats: LineStats = { lines: 0, malformed: 0, lost: 0, attachedProbes: 0, truncated: 0, mapFull: 0 };
  private readonly pending = new Map<number, Pending>();
  /** The lines so far of a record that has not reached its end mark (a string held a newline). */
  private partial: string | undefined;

  /** @param mark the end-of-record mark the program was generated with */
  constructor(private readonly mark: string) {}

  /** Feeds one output line, without its newline; returns the record it completes, if any. */
  push(line: string): LiveRecord | undefined {
    this.stats.lines++;
    let text = line;
    if (this.partial !== undefined) {
      text = `${this.partial}\n${line}`;
      this.partial = undefined;
      if (!line.endsWith(this.mark)) return this.hold(text);
    } else if (!line.endsWith(this.mark)) {
      return RECORD_START.test(line) ? this.hold(line) : this.message(line);
    }
    const record = this.parse(text.slice(0, text.length - this.mark.length));
    if (record === null) this.stats.malformed++;
    return record ?? undefined;
  }

  /** Keeps the start of a record that goes on on the next line, within bounds. */
  private hold(text: string): undefined {
    if (text.length > MAX_RECORD_CHARS) this.stats.malformed++;
    else this.partial = text;
    return undefined;
  }

  /** A line outside any record: one of bpftrace's messages. */
  private message(line: string): undefined {
    if (line === '') return undefined;
    for (const [pattern, apply] of MESSAGES) {
      const m = pattern.exec(line);
      if (m) {
        apply(this.stats, Number(m[1]));
        return undefined;
      }
    }
    this.stats.malformed++;
    return undefined;
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
      entry = {};
      this.pending.set(tid, entry);
    }
    return entry;
  }

  private setChunk(tid: number, index: number, chunk: number, text: string): void {
    const chunks = (this.pendingFor(tid).chunks ??= new Map());
    let list = chunks.get(index);
    if (!list) chunks.set(index, (list = []));
    list[chunk] = text;
  }

  /**
   * A string from its chunks: each chunk continues the string only when the one before it was full
   * (others were read past a shorter string's end); one still full after the last chunk was cut.
   */
  private assemble(chunks: readonly (string | undefined)[]): string {
    let text = chunks[0] ?? '';
    let full = isFullChunk(text);
    let k = 1;
    for (; full && k < MAX_STRING_CHUNKS; k++) {
      const next = chunks[k];
      if (next === undefined) return text;
      text += next;
      full = isFullChunk(next);
    }
    return this.marked(text, full && k >= MAX_STRING_CHUNKS);
  }

  /** Parses one printed record: a record, undefined for a partial one, null when malformed. */
  private parse(data: string): LiveRecord | undefined | null {
    switch (data[0]) {
      case 'H':
        return this.header(data);
      case 'S': {
        const parts = splitHead(data, 3);
        if (!parts) return null;
        this.setChunk(Number(parts[1]), Number(parts[2]), 0, parts[3] as string);
        return undefined;
      }
      case 'C': {
        const parts = splitHead(data, 4);
        if (!parts) return null;
        this.setChunk(Number(parts[1]), Number(parts[2]), Number(parts[3]), parts[4] as string);
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
        (this.pendingFor(Number(parts[1])).addrs ??= new Map()).set(Number(parts[2]), value);
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
      case 'F': {
        const parts = splitHead(data, 5);
        if (!parts) return null;
        const flags = Number(parts[4]);
        if (Number.isNaN(flags)) return null;
        // The flags fit in 53 bits' precision for the bit that matters: CLONE_THREAD is bit 16.
        const thread = Math.floor(flags / CLONE_THREAD) % 2 === 1;
        return { kind: 'fork', parentTid: Number(parts[1]), childTid: Number(parts[2]), ktime: BigInt(parts[3] as string), comm: parts[5] as string, thread };
      }
      case 'X': {
        const parts = data.split(' ');
        if (parts.length !== 4) return null;
        this.pending.delete(Number(parts[1]));
        return { kind: 'exit', tid: Number(parts[1]), pid: Number(parts[2]), ktime: BigInt(parts[3] as string) };
      }
      case 'P':
        return undefined;
      case 'O':
        this.stats.mapFull++;
        return undefined;
      default:
        return null;
    }
  }

  private header(data: string): LiveSyscall | null {
    const nameEnd = data.indexOf(' ', 2);
    const shape = nameEnd < 0 ? undefined : HEADER_SHAPES.get(data.slice(2, nameEnd));
    if (!shape) return null;
    // The numbers, each ended by a space (the last one by the end when no string follows), read in
    // place: the kernel time as text (it becomes a bigint), the others as numbers.
    const numbers: number[] = [];
    let ktime = '';
    let start = nameEnd + 1;
    for (let i = 0; i < shape.numbers; i++) {
      let end = data.indexOf(' ', start);
      if (end < 0) {
        if (shape.trailing || i !== shape.numbers - 1) return null;
        end = data.length;
      }
      if (i === KTIME_FIELD) ktime = data.slice(start, end);
      numbers.push(i === KTIME_FIELD ? 0 : readInteger(data, start, end));
      start = end + 1;
    }
    if (!shape.trailing && start <= data.length) return null;
    const trailing = shape.trailing ? data.slice(start) : undefined;
    const { probe, layout } = shape;
    const tid = numbers[0] as number;
    const pid = numbers[1] as number;
    const ret = numbers[2] as number;
    if (Number.isNaN(tid) || Number.isNaN(pid) || Number.isNaN(ret)) return null;
    const pending = this.pending.get(tid);
    if (pending) this.pending.delete(tid);
    const args = new Map<number, number | string | LiveSockAddr>();
    let next = 4;
    const record: LiveSyscall = { kind: 'syscall', syscall: probe.name, tid, pid, ret, ktime: BigInt(ktime), args };
    if (layout.process) {
      record.ppid = numbers[4] as number;
      record.uid = numbers[5] as number;
      record.gid = numbers[6] as number;
      record.loginuid = (numbers[7] as number) >>> 0;
      record.comm = trailing;
      next = 8;
      if ([record.ppid, record.uid, record.gid].some((n) => Number.isNaN(n))) return null;
    }
    for (const index of layout.numbers) args.set(index, NARROW[probe.args[index]?.kind ?? 'long'](numbers[next++] as number));
    if (layout.inlineString !== undefined) {
      const chunks = pending?.chunks?.get(layout.inlineString) ?? [];
      chunks[0] = trailing ?? '';
      args.set(layout.inlineString, this.assemble(chunks));
    }
    for (const [index, chunks] of pending?.chunks ?? []) if (index !== layout.inlineString) args.set(index, this.assemble(chunks));
    for (const [index, addr] of pending?.addrs ?? []) args.set(index, addr);
    if (probe.execArgs && ret === 0 && pending?.execPath !== undefined) {
      record.exec = { path: pending.execPath, argv: pending.argv ?? [] };
    }
    return record;
  }
}
