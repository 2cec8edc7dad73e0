/**
 * Where capture bytes come from, read synchronously a piece at a time so a multi-GB capture replays
 * in bounded memory: a file handle, bytes already in memory, or a gzip stream inflated as it is read.
 * Each `read` fills at most the given buffer and returns how many bytes it wrote; 0 means the end.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Gunzip } from 'fflate';
import { ScapError, SCAP_ERRORS } from './errors.js';

/** Compressed bytes read per step of a gzip capture. */
const COMPRESSED_READ = 64 * 1024;

/** A synchronous byte stream. */
export interface ByteSource {
  read(into: Uint8Array): number;
  close(): void;
}

/** Bytes already in memory. */
export class MemorySource implements ByteSource {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(into: Uint8Array): number {
    const n = Math.min(into.length, this.bytes.length - this.pos);
    into.set(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return n;
  }

  close(): void {}
}

/** A file read through its own handle, closed at the end, on error, or by close(). */
export class FileSource implements ByteSource {
  private fd: number | undefined;
  private pos = 0;

  constructor(private readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new ScapError(SCAP_ERRORS.READ, `cannot read ${path}: ${(e as Error).message}`, 0, { cause: e });
    }
  }

  /** Reads the file's first bytes without moving the read position. */
  peek(into: Uint8Array): number {
    if (this.fd === undefined) return 0;
    try {
      return readSync(this.fd, into, 0, into.length, 0);
    } catch (e) {
      throw new ScapError(SCAP_ERRORS.READ, `cannot read ${this.path}: ${(e as Error).message}`, 0, { cause: e });
    }
  }

  read(into: Uint8Array): number {
    if (this.fd === undefined || into.length === 0) return 0;
    let n: number;
    try {
      n = readSync(this.fd, into, 0, into.length, this.pos);
    } catch (e) {
      this.close();
      throw new ScapError(SCAP_ERRORS.READ, `cannot read ${this.path}: ${(e as Error).message}`, this.pos, { cause: e });
    }
    this.pos += n;
    if (n === 0) this.close();
    return n;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * A gzip stream inflated as it is read, through fflate's streaming decoder: Node's zlib inflates
 * synchronously only whole buffers, which would hold a multi-GB capture in memory. A stream cut off
 * mid-way yields what it holds, as a truncated capture should; bytes that are not gzip are a READ error.
 */
export class GunzipSource implements ByteSource {
  private readonly gunzip = new Gunzip();
  /** Inflated bytes not handed out yet; `offset` is how much of the first chunk already was. */
  private readonly inflated: Uint8Array[] = [];
  private offset = 0;
  private inputEnded = false;
  private readonly compressed = new Uint8Array(COMPRESSED_READ);

  constructor(private readonly inner: ByteSource) {
    this.gunzip.ondata = (chunk) => {
      if (chunk.length > 0) this.inflated.push(chunk);
    };
  }

  read(into: Uint8Array): number {
    while (this.inflated.length === 0 && !this.inputEnded) this.pull();
    let n = 0;
    while (n < into.length && this.inflated.length > 0) {
      const chunk = this.inflated[0] as Uint8Array;
      const take = Math.min(into.length - n, chunk.length - this.offset);
      into.set(chunk.subarray(this.offset, this.offset + take), n);
      n += take;
      this.offset += take;
      if (this.offset === chunk.length) {
        this.inflated.shift();
        this.offset = 0;
      }
    }
    return n;
  }

  /** Feeds the decoder one more read of compressed bytes. The end of input is not declared final:
   *  a cut-off stream then simply stops producing, instead of failing with "unexpected EOF". */
  private pull(): void {
    const n = this.inner.read(this.compressed);
    if (n === 0) {
      this.inputEnded = true;
      return;
    }
    try {
      this.gunzip.push(this.compressed.slice(0, n));
    } catch (e) {
      this.close();
      throw new ScapError(SCAP_ERRORS.READ, `cannot decompress: ${(e as Error).message}`, 0, { cause: e });
    }
  }

  close(): void {
    this.inputEnded = true;
    this.inner.close();
  }
}
