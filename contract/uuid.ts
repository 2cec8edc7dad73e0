import { randomFillSync } from 'node:crypto';

/**
 * The uuid the sidekick gives an accepted alert: a version 7 UUID (RFC 9562), whose first 48 bits are
 * the Unix time in milliseconds and the other 74 free bits random. Any UUID parser accepts it, and
 * uuids from one process sort in the order they were made. That order is why it is used: a store
 * indexed by uuid (the web UI's) then appends each new key at the right edge of its b-tree, where a
 * random (version 4) key lands on a random page of the index and rewrites that page on every commit.
 *
 * Within one millisecond (or when the clock steps back) the random part of the previous uuid is
 * incremented instead of drawn again (RFC 9562 §6.2, method 2), so the order holds for every uuid made
 * here. 56 bits of the increment space are left to the counter; in the unlikely event it runs out the
 * timestamp moves one millisecond ahead, as the RFC allows.
 */
export function timeOrderedUuid(): string {
  const now = Date.now();
  if (now > last.ms) {
    last.ms = now;
    drawRandom();
  } else if (!incrementRandom()) {
    last.ms += 1;
    drawRandom();
  }
  if (last.prefixMs !== last.ms) {
    // The timestamp's 12 hex digits change once a millisecond: formatted then, not per uuid.
    const hex = last.ms.toString(16).padStart(12, '0');
    last.prefix = `${hex.slice(0, 8)}-${hex.slice(8)}-`;
    last.prefixMs = last.ms;
  }
  const b = last.bytes;
  return (
    last.prefix + HEX[b[6] as number] + HEX[b[7] as number] + '-' + HEX[b[8] as number] + HEX[b[9] as number] + '-' +
    HEX[b[10] as number] + HEX[b[11] as number] + HEX[b[12] as number] + HEX[b[13] as number] + HEX[b[14] as number] + HEX[b[15] as number]
  );
}

/** The previous uuid: its millisecond, its random bytes (6–15 are used) and its formatted time. */
const last = { ms: -1, bytes: new Uint8Array(16), prefixMs: -1, prefix: '' };

/** Random bytes are drawn in blocks: one system call per 400 uuids rather than one each. */
const pool = new Uint8Array(4000);
let poolAt = pool.length;

/** Fresh random bits for a new millisecond, with the version and variant set. */
function drawRandom(): void {
  if (poolAt + 10 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const b = last.bytes;
  b.set(pool.subarray(poolAt, poolAt + 10), 6);
  poolAt += 10;
  b[6] = ((b[6] as number) & 0x0f) | 0x70; // version 7
  b[8] = ((b[8] as number) & 0x3f) | 0x80; // variant 10
}

/** Adds one to the low 56 random bits (bytes 9–15); false when they were all ones. */
function incrementRandom(): boolean {
  const b = last.bytes;
  for (let i = 15; i >= 9; i--) {
    const next = ((b[i] as number) + 1) & 0xff;
    b[i] = next;
    if (next !== 0) return true;
  }
  return false;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
