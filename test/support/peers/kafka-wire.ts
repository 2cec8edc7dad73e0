/**
 * Kafka wire primitives for the loopback Kafka peers (big-endian, as in the Kafka protocol guide): reading
 * and writing the primitive types, and splitting a byte stream into size-prefixed frames.
 */

export class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  /** STRING / NULLABLE_STRING: int16 length (-1 = null). */
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const v = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
  /** BYTES: int32 length. */
  bytes(): Buffer {
    const length = this.int32();
    const v = this.buf.subarray(this.offset, this.offset + Math.max(0, length));
    this.offset += Math.max(0, length);
    return v;
  }
  /** `length` raw bytes. */
  raw(length: number): Buffer {
    const v = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
  rest(): Buffer {
    return this.buf.subarray(this.offset);
  }
}

export class Writer {
  readonly #parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.#parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.#parts.push(b);
    return this;
  }
  int64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.#parts.push(b);
    return this;
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const b = Buffer.from(v, 'utf8');
    this.int16(b.length);
    this.#parts.push(b);
    return this;
  }
  bytes(v: Buffer): this {
    this.int32(v.length);
    this.#parts.push(v);
    return this;
  }
  raw(v: Buffer): this {
    this.#parts.push(v);
    return this;
  }
  buffer(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** A size-prefixed frame holding `body`. */
export function frame(body: Buffer): Buffer {
  return new Writer().int32(body.length).raw(body).buffer();
}

/** A response frame: header v0 (correlation id) and body. */
export function response(correlationId: number, body: Buffer): Buffer {
  return frame(new Writer().int32(correlationId).raw(body).buffer());
}

/** Splits a byte stream into frame bodies (the int32 size prefix removed). */
export class FrameSplitter {
  #pending: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: Buffer[] = [];
    while (this.#pending.length >= 4) {
      const size = this.#pending.readInt32BE(0);
      if (size < 0) throw new Error(`negative frame size ${size}`);
      if (this.#pending.length < 4 + size) break;
      frames.push(this.#pending.subarray(4, 4 + size));
      this.#pending = this.#pending.subarray(4 + size);
    }
    return frames;
  }
}
