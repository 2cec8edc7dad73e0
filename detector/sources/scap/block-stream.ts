/**
 * Capture blocks read from a byte stream through a window that holds the current block and what has
 * been read ahead, so a file of any size is read in memory bounded by its largest block. A block is
 * `type u32, total length u32, body, total length u32`; its bytes stay valid until it is consumed.
 */
import type { ByteSource } from './byte-source.js';
import { Cursor } from './cursor.js';
import { ScapError, SCAP_ERRORS } from './errors.js';

const BLOCK_OVERHEAD = 12;
/** Larger blocks are taken for corrupt lengths: no real block (a process list included) comes close. */
export const MAX_BLOCK_BYTES = 256 * 1024 * 1024;
const DEFAULT_READ_SIZE = 1024 * 1024;

/** One framed block, not yet consumed. */
export interface Block {
  type: number;
  /** Total length, header and trailer included. */
  total: number;
  /** File offset (in the decompressed stream) of the block's first byte. */
  offset: number;
  /** A cursor over the body (between header and trailer), with file offsets in its errors. */
  body(): Cursor;
}

export class BlockStream {
  private buf: Uint8Array;
  private start = 0;
  private end = 0;
  /** Stream offset of buf[start]. */
  private streamOffset = 0;
  private ended = false;
  private readonly readSize: number;

  constructor(
    private readonly source: ByteSource,
    readSize = DEFAULT_READ_SIZE,
  ) {
    this.readSize = Math.max(1, Math.floor(readSize));
    this.buf = new Uint8Array(Math.max(this.readSize, 64 * 1024));
  }

  /** Bytes the window holds memory for (grows only for a block larger than the window). */
  get windowBytes(): number {
    return this.buf.length;
  }

  /** Stream offset of the next unconsumed byte. */
  get offset(): number {
    return this.streamOffset;
  }

  /** True when at least `n` unconsumed bytes are buffered, reading more as needed. */
  ensure(n: number): boolean {
    while (this.end - this.start < n) {
      if (this.ended) return false;
      this.readMore(n);
    }
    return true;
  }

  /** The little-endian u32 at `at` bytes past the next unconsumed byte (ensure() it first). */
  u32At(at: number): number {
    const p = this.start + at;
    return ((this.buf[p]! | (this.buf[p + 1]! << 8) | (this.buf[p + 2]! << 16)) + this.buf[p + 3]! * 0x1000000) >>> 0;
  }

  /**
   * The next block, fully buffered; undefined when the stream ends inside it.
   * @throws ScapError CORRUPT when its length is impossible or its trailer disagrees
   */
  peek(): Block | undefined {
    if (!this.ensure(8)) return undefined;
    const type = this.u32At(0);
    const total = this.u32At(4);
    const offset = this.streamOffset;
    if (total < BLOCK_OVERHEAD || total > MAX_BLOCK_BYTES) {
      throw new ScapError(SCAP_ERRORS.CORRUPT, `block length ${total} is impossible`, offset);
    }
    if (!this.ensure(total)) return undefined;
    const trailer = this.u32At(total - 4);
    if (trailer !== total) throw new ScapError(SCAP_ERRORS.CORRUPT, `block trailer ${trailer} does not match its length ${total}`, offset);
    const bytes = this.buf.subarray(this.start, this.start + total);
    return { type, total, offset, body: () => new Cursor(bytes, 8, total - 4, offset) };
  }

  /** Moves past a block peek() returned. */
  consume(block: Block): void {
    this.start += block.total;
    this.streamOffset += block.total;
  }

  close(): void {
    this.ended = true;
    this.source.close();
  }

  /** Reads at most readSize more bytes, making room for `need` unconsumed bytes first. */
  private readMore(need: number): void {
    const unconsumed = this.end - this.start;
    if (this.end + Math.min(this.readSize, need - unconsumed) > this.buf.length) {
      // Move what is left to the front; grow only when one block needs more than the window.
      const size = Math.max(this.buf.length, need);
      if (size > this.buf.length) {
        const next = new Uint8Array(Math.max(size, this.buf.length * 2));
        next.set(this.buf.subarray(this.start, this.end), 0);
        this.buf = next;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = unconsumed;
    }
    const room = Math.min(this.readSize, this.buf.length - this.end);
    const n = this.source.read(this.buf.subarray(this.end, this.end + room));
    if (n === 0) this.ended = true;
    this.end += n;
  }
}
