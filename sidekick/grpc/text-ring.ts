/**
 * A FIFO of texts with a fixed capacity that makes room by dropping its oldest entries, like
 * `BoundedQueue`, but holding each text as UTF-8 bytes in one reused buffer instead of as heap objects.
 *
 * Why: the outputs hub keeps the last alerts for a `falco.outputs` consumer that may never come. Every
 * alert kept outlives a few young-generation collections, so V8 moves it to the old generation, where
 * it becomes garbage soon after: at thousands of alerts a second that alone made the sidekick's heap
 * (and resident memory) grow by tens of MB between full collections. Bytes written into a buffer that
 * is reused allocate nothing per entry.
 *
 * The buffer is a circular log: a text goes after the newest one, or at the start once the end is
 * reached and the oldest ones have moved on. When a text fits nowhere the buffer is reallocated at
 * twice what the live texts need (they are copied over in order), and again, smaller, once they need
 * less than a quarter of it: its size follows the entries (a burst of large alerts is not kept for
 * good); the bound is the count.
 */
export class TextRing {
  private bytes: Buffer;
  /** Byte offset and length of each entry, by slot; entries occupy slots head … head + count - 1 (mod capacity). */
  private readonly starts: Float64Array;
  private readonly lengths: Float64Array;
  private head = 0;
  private count = 0;
  /** Where the next text goes: just past the newest entry. */
  private writeAt = 0;
  /** Bytes of the live texts. */
  private liveBytes = 0;

  constructor(
    readonly capacity: number,
    private readonly initialBytes = 64 * 1024,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.bytes = Buffer.allocUnsafe(initialBytes);
    this.starts = new Float64Array(capacity);
    this.lengths = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Bytes the ring holds its texts in (for tests: it grows only when the live texts need it). */
  get byteCapacity(): number {
    return this.bytes.length;
  }

  /** Appends `text`; returns 1 when the oldest entry was dropped to make room, else 0. */
  push(text: string): number {
    let dropped = 0;
    if (this.count === this.capacity) {
      this.drop();
      dropped = 1;
    }
    const size = Buffer.byteLength(text, 'utf8');
    const oversized = this.bytes.length > this.initialBytes && this.bytes.length > 4 * (this.liveBytes + size);
    let at = oversized ? undefined : this.placeFor(size);
    if (at === undefined) {
      this.reallocate(size);
      at = this.writeAt;
    }
    this.bytes.write(text, at, size, 'utf8');
    const slot = (this.head + this.count) % this.capacity;
    this.starts[slot] = at;
    this.lengths[slot] = size;
    this.count++;
    this.liveBytes += size;
    this.writeAt = at + size;
    return dropped;
  }

  shift(): string | undefined {
    if (this.count === 0) return undefined;
    const start = this.starts[this.head] as number;
    const text = this.bytes.toString('utf8', start, start + (this.lengths[this.head] as number));
    this.drop();
    return text;
  }

  /** Removes and returns everything, oldest first. */
  drain(): string[] {
    const texts: string[] = [];
    for (let text = this.shift(); text !== undefined; text = this.shift()) texts.push(text);
    return texts;
  }

  private drop(): void {
    this.liveBytes -= this.lengths[this.head] as number;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    if (this.count === 0) {
      this.head = 0;
      this.writeAt = 0;
    }
  }

  /** Where `size` bytes fit without overwriting a live entry, or undefined. */
  private placeFor(size: number): number | undefined {
    if (this.count === 0) return size <= this.bytes.length ? 0 : undefined;
    const oldest = this.starts[this.head] as number;
    // Not wrapped: the live bytes run from `oldest` to `writeAt`; free space is after them, then before `oldest`.
    if (this.writeAt > oldest) {
      if (this.writeAt + size <= this.bytes.length) return this.writeAt;
      return size <= oldest ? 0 : undefined;
    }
    // Wrapped: the newest entries sit before the oldest; the gap between them is free.
    return this.writeAt + size <= oldest ? this.writeAt : undefined;
  }

  /** Copies the live texts, in order, to the start of a new buffer twice the size they need with `size` more bytes. */
  private reallocate(size: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.initialBytes, 2 * (this.liveBytes + size)));
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      const start = this.starts[slot] as number;
      const entry = this.lengths[slot] as number;
      this.bytes.copy(next, at, start, start + entry);
      this.starts[slot] = at;
      at += entry;
    }
    this.bytes = next;
    this.writeAt = at;
  }
}
