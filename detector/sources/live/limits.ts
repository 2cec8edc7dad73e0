/**
 * How long a string the live driver can report, and how a cut one is shown.
 *
 * bpftrace 0.17 keeps strings on the 512-byte BPF stack and refuses BPFTRACE_STRLEN above 200, so one
 * `str()` read gives at most 199 bytes. The probes read a user-space string in consecutive 199-byte
 * chunks instead, up to PATH_MAX: the second chunk only when the first read held no NUL, each later one
 * while the last byte read is not NUL (program.ts). Every path the kernel accepts (at most 4095 bytes)
 * arrives whole. A string still going after the last
 * chunk, and an exec's path or arguments longer than one read, are cut — and marked, never passed
 * off as complete: the value ends with TRUNCATION_MARK.
 */

/** BPFTRACE_STRLEN: the most bpftrace 0.17 accepts. */
export const STRING_LIMIT = 200;

/** Bytes of text one `str()` read returns (the last byte is the terminating NUL). */
export const CHUNK_BYTES = STRING_LIMIT - 1;

/** Chunks read per string argument: enough for PATH_MAX (4096 bytes with the NUL). */
export const MAX_STRING_CHUNKS = Math.ceil(4096 / CHUNK_BYTES);

/** Appended to a value the driver could not read whole. */
export const TRUNCATION_MARK = '…(truncated)';

/**
 * Most entries of a per-thread bpftrace map (BPFTRACE_MAP_KEYS_MAX; bpftrace's default is 4096, which
 * a busy host's threads blocked in accept or connect can fill). The kernel preallocates every entry
 * (about 100 bytes each for the argument map), so the size is bounded; a full map is counted (O lines,
 * program.ts), never silent.
 */
export const MAX_THREAD_MAP_ENTRIES = 65536;

/**
 * Entries for the per-thread maps: one per thread id the kernel can hand out (pid_max), so they cannot
 * fill up, unless that is more than MAX_THREAD_MAP_ENTRIES.
 */
export function threadMapEntries(pidMax: number): number {
  return Math.min(Math.max(pidMax, 4096), MAX_THREAD_MAP_ENTRIES);
}
