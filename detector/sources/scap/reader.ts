/**
 * Reads a libscap capture file (gzip-compressed or not): the section header, the metadata blocks that
 * precede the events, then the events one block at a time. Bad input never crashes the reader and never
 * produces a wrong value: a malformed event block is skipped and counted, a file that ends mid-block
 * stops the stream and is reported as truncated, and a file that is not a capture is an error.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { GroupInfo, ThreadInfo, UserInfo } from '../../state/index.js';
import type { SyscallContext, SyscallEvent } from '../syscall/index.js';
import { BLOCK_TYPES, MAX_MAJOR_VERSION, SECTION_HEADER_BLOCK, SECTION_HEADER_MAGIC, type BlockType } from './blocks.js';
import { Cursor } from './cursor.js';
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
const BLOCK_OVERHEAD = 12;
/** A section header block: 8 bytes of block header, 16 of body, 4 of trailer. */
const MIN_HEADER = 28;

/** Reads a capture file from disk; see {@link ScapReader}. */
export function openScapFile(path: string): ScapReader {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ScapError(SCAP_ERRORS.READ, `cannot read ${path}: ${(e as Error).message}`, 0, { cause: e });
  }
  return new ScapReader(bytes);
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
  };
  private readonly buf: Uint8Array;
  private firstEventOffset: number;

  constructor(bytes: Uint8Array) {
    this.buf = ScapReader.decompress(bytes);
    if (this.buf !== bytes && this.buf.length < MIN_HEADER) {
      throw new ScapError(SCAP_ERRORS.TRUNCATED, 'compressed file ends before the section header', 0);
    }
    const { metadata, offset } = this.readHeaderAndMetadata();
    this.metadata = metadata;
    this.firstEventOffset = offset;
  }

  private static decompress(bytes: Uint8Array): Uint8Array {
    if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) return bytes;
    try {
      return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: keep what a cut-off gzip stream holds */ });
    } catch (e) {
      throw new ScapError(SCAP_ERRORS.READ, `cannot decompress: ${(e as Error).message}`, 0, { cause: e });
    }
  }

  /** The block at `off`: its type and body bounds, or undefined when the file ends inside it. */
  private block(off: number): { type: number; bodyStart: number; bodyEnd: number; next: number } | undefined {
    if (off + 8 > this.buf.length) return undefined;
    const view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    const type = view.getUint32(off, true);
    const total = view.getUint32(off + 4, true);
    if (total < BLOCK_OVERHEAD || off + total > this.buf.length) return undefined;
    const trailer = view.getUint32(off + total - 4, true);
    if (trailer !== total) {
      throw new ScapError(SCAP_ERRORS.CORRUPT, `block trailer ${trailer} does not match its length ${total}`, off);
    }
    return { type, bodyStart: off + 8, bodyEnd: off + total - 4, next: off + total };
  }

  private readHeaderAndMetadata(): { metadata: ScapMetadata; offset: number } {
    const shb = this.block(0);
    if (this.buf.length < 8 || new DataView(this.buf.buffer, this.buf.byteOffset).getUint32(0, true) !== SECTION_HEADER_BLOCK) {
      throw new ScapError(SCAP_ERRORS.NOT_SCAP, 'not a capture file: no section header block', 0);
    }
    if (shb === undefined) throw new ScapError(SCAP_ERRORS.TRUNCATED, 'file ends inside the section header', 0);
    const h = new Cursor(this.buf, shb.bodyStart, shb.bodyEnd);
    if (h.u32('byte order magic') !== SECTION_HEADER_MAGIC) {
      throw new ScapError(SCAP_ERRORS.NOT_SCAP, 'not a capture file: bad byte-order magic (or big-endian)', 8);
    }
    const major = h.u16('major version');
    const minor = h.u16('minor version');
    if (major > MAX_MAJOR_VERSION) {
      throw new ScapError(SCAP_ERRORS.NOT_SCAP, `capture format ${major}.${minor} is newer than this reader`, 12);
    }
    const metadata: ScapMetadata = { version: { major, minor }, threads: [], users: [], groups: [], interfaces: [] };
    const byTid = new Map<number, ThreadInfo>();
    let off = shb.next;
    for (;;) {
      if (off === this.buf.length) return { metadata, offset: off };
      const b = this.block(off);
      if (b === undefined) throw new ScapError(SCAP_ERRORS.TRUNCATED, 'file ends inside a metadata block', off);
      const bt = BLOCK_TYPES.get(b.type);
      if (bt?.kind === 'event') return { metadata, offset: off };
      const c = new Cursor(this.buf, b.bodyStart, b.bodyEnd);
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
      off = b.next;
    }
  }

  /**
   * The events, in file order, numbered from 1 as libsinsp numbers them. Each event points at `ctx`;
   * the caller (normally the replay source) applies them to state. Can be iterated once.
   */
  *events(ctx: SyscallContext): Generator<SyscallEvent> {
    let off = this.firstEventOffset;
    let num = 0;
    while (off < this.buf.length) {
      let b: ReturnType<ScapReader['block']>;
      try {
        b = this.block(off);
      } catch (e) {
        this.stop(`corrupt block framing at byte ${off}: ${(e as Error).message}`);
        return;
      }
      if (b === undefined) {
        this.stats.truncated = true;
        this.stop(`file ends inside the block at byte ${off}`);
        return;
      }
      off = b.next;
      const bt: BlockType | undefined = BLOCK_TYPES.get(b.type);
      if (bt?.kind !== 'event') {
        this.stats.skippedBlocks++;
        continue;
      }
      let ev: ReturnType<typeof decodeEvent>;
      try {
        ev = decodeEvent(new Cursor(this.buf, b.bodyStart, b.bodyEnd), bt, num + 1, ctx);
      } catch {
        this.stats.corruptEvents++;
        continue;
      }
      if ('reason' in ev) {
        this.stats.unknownEventTypes.set(ev.typeId, (this.stats.unknownEventTypes.get(ev.typeId) ?? 0) + 1);
        continue;
      }
      num++;
      this.stats.events++;
      yield ev;
    }
  }

  private stop(reason: string): void {
    this.stats.stopReason = reason;
  }
}
