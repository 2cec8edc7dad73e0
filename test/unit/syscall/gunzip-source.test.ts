// The gzip byte source the capture reader uses: byte-for-byte what zlib inflates, whatever the
// compression level, strategy or output buffer size; concatenated members; a cut-off stream yields its
// prefix; corrupt input is a ScapError, never a wrong byte or a crash.
import { constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GunzipSource, MemorySource } from '../../../detector/sources/scap/byte-source.js';
import { ScapError } from '../../../detector/sources/scap/errors.js';

function inflate(gz: Uint8Array, outSize = 4096): Buffer {
  const inf = new GunzipSource(new MemorySource(gz));
  const parts: Buffer[] = [];
  const buf = new Uint8Array(outSize);
  for (;;) {
    const n = inf.read(buf);
    if (n === 0) return Buffer.concat(parts);
    parts.push(Buffer.from(buf.subarray(0, n)));
  }
}

/** Deterministic data mixing long repeats (back-references) and noise (literals). */
function sample(size: number): Buffer {
  const out = Buffer.alloc(size);
  let seed = 7;
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out[i] = i % 500 < 300 ? (i % 13) + 65 : seed & 255;
  }
  return out;
}

describe('gzip capture source', () => {
  const data = sample(300_000);

  it.each([0, 1, 6, 9])('matches zlib at level %i, with 1-byte and 1 MiB output buffers', (level) => {
    const gz = gzipSync(data, { level });
    expect(inflate(gz, 1).equals(data)).toBe(true);
    expect(inflate(gz, 1 << 20).equals(data)).toBe(true);
  });

  it('matches zlib with fixed Huffman codes and with run-length matches', () => {
    expect(inflate(gzipSync(data, { strategy: constants.Z_FIXED })).equals(data)).toBe(true);
    expect(inflate(gzipSync(data, { strategy: constants.Z_RLE })).equals(data)).toBe(true);
    expect(inflate(gzipSync(Buffer.alloc(0))).length).toBe(0);
  });

  it('reads concatenated members', () => {
    const two = Buffer.concat([gzipSync(Buffer.from('first ')), gzipSync(Buffer.from('second'))]);
    expect(inflate(two).toString()).toBe('first second');
  });

  it('yields the prefix of a stream cut short', () => {
    const gz = gzipSync(data);
    const cut = inflate(gz.subarray(0, gz.length >> 1));
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.equals(data.subarray(0, cut.length))).toBe(true);
  });

  it('rejects input that is not gzip or not valid deflate', () => {
    expect(() => inflate(Buffer.from('plainly not gzip'))).toThrow(ScapError);
    // A valid header followed by a reserved block type (3).
    expect(() => inflate(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07]))).toThrow(ScapError);
    // A fixed-code block whose first symbol is a match reaching before the start of the stream.
    const farBack = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x03, 0x02, 0x00]);
    expect(() => inflate(farBack)).toThrow(ScapError);
  });

  it('never crashes on corrupted streams: bytes out or a ScapError', () => {
    const gz = gzipSync(sample(20_000));
    let seed = 99;
    for (let round = 0; round < 200; round++) {
      const copy = Buffer.from(gz);
      for (let k = 0; k < 3; k++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        copy[10 + (seed % (copy.length - 10))] = seed & 255;
      }
      try {
        inflate(copy, 333);
      } catch (e) {
        expect(e).toBeInstanceOf(ScapError);
      }
    }
  });
});
