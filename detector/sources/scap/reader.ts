/**
 * Reads a libscap capture file (gzip-compressed or not): the section header, the metadata blocks that
 * precede the events, then the events one block at a time, streamed from the file so that memory use
 * is bounded by the largest block, not the file size. Bad input never crashes the reader and never
 * produces a wrong value: a malformed event block is skipped and counted, a file that ends mid-block
 * stops the stream and is reported as truncated, and a file that is not a capture is an error.
 */
import type { GroupInfo, ThreadInfo, UserInfo } from '../../state/index.js';
import type { SyscallContext, SyscallEvent } from '../syscall/index.js';
import { BLOCK_TYPES, MAX_MAJOR_VERSION, SECTION_HEADER_BLOCK, SECTION_HEADER_MAGIC, type BlockType } from './blocks.js';
import { BlockStream, type Block } from './block-stream.js';
import { FileSource, GunzipSource, MemorySource, type ByteSource } from './byte-source.js';
import { ScapError, SCAP_ERRORS } from './errors.js';
import { decodeEvent } from './event-block.js';
import {
  decodeFdlist,
  decodeIflist,
  decodeMachine,
  decodeProclist,
  decodeUserlist,
  type InterfaceAddress,
  type MachineInfo,
} from './metadata.js';

/** Counters a reader keeps while it reads; every skip is counted here. */
export interface ScapStats {
  /** Events decoded and handed out. */
  events: number;
  /** Event blocks whose event type this build does not know (by PPME id). */
  unknownEventTypes: Map<number, number>;
  /** Event blocks that were malformed and skipped. */
  corruptEvents: number;
  /** Blocks of an unknown type, or metadata blocks after the events started, skipped. */
  skippedBlocks: number;
  /** Metadata blocks that were malformed and skipped (interface list only; others are fatal). */
  corruptMetadata: number;
  /** True when the file ended in the middle of a block. */
  truncated: boolean;
  /** Why the stream stopped early, when it did. */
  stopReason?: string;
  /** Memory the read window took: about the read size or the largest block, never the file size. */
  windowBytes: number;
}

/** Tables from the metadata blocks: the world as it was when the capture started. */
export interface ScapMetadata {
  version: { major: number; minor: number };
  machine?: MachineInfo;
  threads: ThreadInfo[];
  users: UserInfo[];
  groups: GroupInfo[];
  interfaces: InterfaceAddress[];
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** A section header block: 8 bytes of block header, 16 of body, 4 of trailer. */
const MIN_HEADER = 28;

/** Reading options. */
export interface ScapReadOptions {
  /** Most bytes asked of the file (or inflater) per read; memory use is this plus the largest block. */
  readSize?: number;
}

/** Opens a capture file for streaming; see {@link ScapReader}. The file is read as events are taken. */
export function openScapFile(path: string, options: ScapReadOptions = {}): ScapReader {
  const file = new FileSource(path);
  const head = new Uint8Array(2);
  let compressed: boolean;
  try {
    compressed = file.peek(head) === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } catch (e) {
    file.close();
    throw e;
  }
  return new ScapReader(compressed ? new GunzipSource(file) : file, { ...options, compressed });
}

function sourceOf(bytes: Uint8Array): { source: ByteSource; compressed: boolean } {
  const compressed = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  const raw = new MemorySource(bytes);
  return { source: compressed ? new GunzipSource(raw) : raw, compressed };
}

export class ScapReader {
  readonly metadata: ScapMetadata;
  readonly stats: ScapStats = {
    events: 0,
    unknownEventTypes: new Map(),
    corruptEvents: 0,
    skippedBlocks: 0,
    corruptMetadata: 0,
    truncated: false,
    windowBytes: 0,
  };
  private readonly blocks: BlockStream;

  /** Reads from bytes in memory (gzip-compressed or not), or from a byte source. */
  constructor(input: Uint8Array | ByteSource, options: ScapReadOptions & { compressed?: boolean } = {}) {
    const { source, compressed } = input instanceof Uint8Array ? sourceOf(input) : { source: input, compressed: options.compressed ?? false };
    this.blocks = new BlockStream(source, options.readSize);
    try {
      this.metadata = this.readHeaderAndMetadata(compressed);
      this.stats.windowBytes = this.blocks.windowBytes;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Releases the file handle (also done when the events are read to the end). */
  close(): void {
    this.blocks.close();
  }

  private readHeaderAndMetadata(compressed: boolean): ScapMetadata {
    const blocks = this.blocks;
    if (compressed && !blocks.ensure(MIN_HEADER)) {
      throw new ScapError(SCAP_ERRORS.TRUNCATED, 'compressed file ends before the section header', 0);
    }
    if (!blocks.ensure(8) || blocks.u32At(0) !== SECTION_HEADER_BLOCK) {
      throw new ScapError(SCAP_ERRORS.NOT_SCAP, 'not a capture file: no section header block', 0);
    }
    const shb = blocks.peek();
    if (shb === undefined) throw new ScapError(SCAP_ERRORS.TRUNCATED, 'file ends inside the section header', 0);
    const h = shb.body();
    if (h.u32('byte order magic') !== SECTION_HEADER_MAGIC) {
      throw new ScapError(SCAP_ERRORS.NOT_SCAP, 'not a capture file: bad byte-order magic (or big-endian)', 8);
    }
    const major = h.u16('major version');
    const minor = h.u16('minor version');
    if (major > MAX_MAJOR_VERSION) {
      throw new ScapError(SCAP_ERRORS.NOT_SCAP, `capture format ${major}.${minor} is newer than this reader`, 12);
    }
    blocks.consume(shb);
    const metadata: ScapMetadata = { version: { major, minor }, threads: [], users: [], groups: [], interfaces: [] };
    const byTid = new Map<number, ThreadInfo>();
    for (;;) {
      if (!blocks.ensure(1)) return metadata;
      const b = blocks.peek();
      if (b === undefined) throw new ScapError(SCAP_ERRORS.TRUNCATED, 'file ends inside a metadata block', blocks.offset);
      const bt = BLOCK_TYPES.get(b.type);
      // The first event block stays in the stream for events().
      if (bt?.kind === 'event') return metadata;
      const c = b.body();
      switch (bt?.kind) {
        case 'machine':
          metadata.machine = decodeMachine(c);
          break;
        case 'proclist':
          for (const t of decodeProclist(c, bt.version)) {
            byTid.set(t.tid, t);
            metadata.threads.push(t);
          }
          break;
        case 'fdlist': {
          const { tid, fds } = decodeFdlist(c, bt.version);
          const t = byTid.get(tid);
          if (t) for (const [fd, info] of fds) t.fds.set(fd, info);
          break;
        }
        case 'userlist': {
          const { users, groups } = decodeUserlist(c, bt.version);
          metadata.users.push(...users);
          metadata.groups.push(...groups);
          break;
        }
        case 'iflist':
          try {
            metadata.interfaces.push(...decodeIflist(c, bt.version));
          } catch {
            // Interfaces only name local addresses; a bad list costs nothing else.
            this.stats.corruptMetadata++;
          }
          break;
        default:
          this.stats.skippedBlocks++;
      }
      blocks.consume(b);
    }
  }

  /**
   * The events, in file order, numbered from 1 as libsinsp numbers them. Each event points at `ctx`;
   * the caller (normally the replay source) applies them to state. Can be iterated once; the file is
   * read as it goes and closed at the end.
   */
  *events(ctx: SyscallContext): Generator<SyscallEvent> {
    let num = 0;
    try {
      for (;;) {
        const at = this.blocks.offset;
        let b: Block | undefined;
        try {
          if (!this.blocks.ensure(1)) return;
          b = this.blocks.peek();
        } catch (e) {
          // A block that cannot be framed, or a stream that stops inflating: what came before stands.
          const what = e instanceof ScapError && e.code === SCAP_ERRORS.READ ? 'unreadable data' : 'corrupt block framing';
          this.stop(`${what} at byte ${at}: ${(e as Error).message}`);
          return;
        }
        if (b === undefined) {
          this.stats.truncated = true;
          this.stop(`file ends inside the block at byte ${at}`);
          return;
        }
        const bt: BlockType | undefined = BLOCK_TYPES.get(b.type);
        if (bt?.kind !== 'event') {
          this.stats.skippedBlocks++;
          this.blocks.consume(b);
          continue;
        }
        let ev: ReturnType<typeof decodeEvent>;
        try {
          ev = decodeEvent(b.body(), bt, num + 1, ctx);
        } catch {
          this.stats.corruptEvents++;
          this.blocks.consume(b);
          continue;
        }
        this.blocks.consume(b);
        this.stats.windowBytes = this.blocks.windowBytes;
        if ('reason' in ev) {
          this.stats.unknownEventTypes.set(ev.typeId, (this.stats.unknownEventTypes.get(ev.typeId) ?? 0) + 1);
          continue;
        }
        num++;
        this.stats.events++;
        yield ev;
      }
    } finally {
      this.close();
    }
  }

  private stop(reason: string): void {
    this.stats.stopReason = reason;
  }
}
