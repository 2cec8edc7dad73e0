/**
 * A bounds-checked little-endian reader over one block of a capture file. Every read past the end
 * throws a ScapError instead of returning garbage, so a corrupt length can never yield a wrong value.
 */
import { ScapError, SCAP_ERRORS } from './errors.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const utf8 = new TextDecoder('utf-8');

/** A 64-bit value as a number when it is exactly representable, else as a bigint. */
export function narrow(v: bigint): number | bigint {
  return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v;
}

/** Decodes bytes up to the first NUL as UTF-8 (invalid sequences become U+FFFD). */
export function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return utf8.decode(nul < 0 ? b : b.subarray(0, nul));
}

/** Splits a NUL-separated list (execve args, env, cgroups); a trailing NUL adds no empty item. */
export function cStringList(b: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0) {
      out.push(utf8.decode(b.subarray(start, i)));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(utf8.decode(b.subarray(start)));
  return out;
}

export class Cursor {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
    /** Offset of `buf[0]` in the file, for error messages. */
    readonly base = 0,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ScapError(SCAP_ERRORS.CORRUPT, `${what}: needs ${n} bytes, ${this.remaining} left`, this.base + this.pos);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i64(what = 'i64'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skip(n: number, what = 'skip'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** A string stored as a u16 length followed by that many bytes (not NUL-terminated). */
  lenString(what: string, max = 65535): string {
    const n = this.u16(`${what} length`);
    if (n > max) throw new ScapError(SCAP_ERRORS.CORRUPT, `${what}: length ${n} exceeds ${max}`, this.base + this.pos - 2);
    return cString(this.bytes(n, what));
  }

  /** A NUL-separated list stored as u16 length + bytes. */
  lenStringList(what: string, max = 65535): string[] {
    const n = this.u16(`${what} length`);
    if (n > max) throw new ScapError(SCAP_ERRORS.CORRUPT, `${what}: length ${n} exceeds ${max}`, this.base + this.pos - 2);
    return cStringList(this.bytes(n, what));
  }
}
