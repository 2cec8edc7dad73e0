/**
 * The `saker detector --record` file: JSON lines, one object per line, UTF-8, `\n`-terminated.
 * Version 1:
 *
 *   {"saker_record":1, "saker_version":"…", "hostname":"…", "started":"<RFC 3339>", "clock_offset_ns":"<epoch ns − monotonic ns>"}
 *       the header, always the first line; a reader refuses a version it does not know.
 *   {"t":"thread", "thread":{…}}
 *       the thread table as seeded from /proc before the first record (one line per thread; threads
 *       of a process after the first carry `"fds":null` and share the first one's fd table).
 *   {"t":"syscall", "syscall":"openat", "tid":…, "pid":…, "ppid":…?, "uid":…?, "gid":…?, "loginuid":…?,
 *    "ret":…, "ktime":"<ns>", "comm":"…"?, "args":[[index, value], …], "exec":{"path":…,"argv":[…]}?, "host":{…}?}
 *       (ppid, uid, gid, loginuid and comm only on exec calls)
 *   {"t":"fork", "parentTid":…, "childTid":…, "ktime":"<ns>", "comm":"…", "thread":true|false?, "host":{…}?}
 *   {"t":"exit", "tid":…, "pid":…, "ktime":"<ns>"}
 *       one line per live record, in the order the detector processed them. `args` values are numbers,
 *       strings or socket addresses ({"family":"inet","ip":…,"port":…}, {"family":"unix","path":…},
 *       {"family":"other","code":…}); `host` holds the answers to the /proc lookups the adapter made for
 *       that record (`proc:<pid>`, `tgid:<tid>`, `sock:<pid>:<fd>:<family>`; null = not found).
 *   {"t":"container", "id":"<12-hex id>", "container":{…}}
 *       what the container runtime's API said about a container (name, image, labels, …), written
 *       once per container where the answer arrived in the stream, so a replay without the runtime
 *       sees the same `container.*`/`k8s.*` values from the same record on. Readers that do not know
 *       it skip it as an unknown line type.
 *   {"t":"end", "records":…, "dropped":…, "ended":"<RFC 3339>"}
 *       the trailer, written on stop: records written, and records left out because the file reached
 *       its size limit. A file without it was cut short (the detector was killed).
 *
 * 64-bit values that may exceed 2^53 (ktime, the clock offset, bigint thread fields) are decimal
 * strings; inside `thread` and `container` lines a bigint is {"$bigint":"…"} and a Map is {"$map":[[key, value], …]}.
 */
import type { LiveRecord, LiveSockAddr } from '../sources/live/index.js';
import type { ProcDetails } from '../sources/live/index.js';

export const RECORD_FORMAT_VERSION = 1;

/** The first line of a recording. */
export interface RecordHeader {
  saker_record: number;
  saker_version: string;
  hostname: string;
  started: string;
  clock_offset_ns: string;
}

/** The answers to the adapter's host lookups for one record, by lookup key. */
export type HostAnswers = Record<string, ProcDetails | LiveSockAddr | number | null>;

/** Lookup keys, shared by the writer and the reader: the live read-ahead's. */
export { hostKey } from '../sources/live/host-facts.js';

/** A record line, decoded. */
export interface RecordedRecord {
  record: LiveRecord;
  host: HostAnswers;
}

/** JSON.stringify replacer/reviver pair that keeps bigints and Maps (thread lines). */
export function stateReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Map) return { $map: [...value.entries()] };
  return value;
}

export function stateReviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$bigint') return BigInt((value as { $bigint: string }).$bigint);
    if (keys.length === 1 && keys[0] === '$map') return new Map((value as { $map: [unknown, unknown][] }).$map);
  }
  return value;
}

/** One record as a line (without the newline). */
export function encodeRecord(record: LiveRecord, host: HostAnswers): string {
  const withHost = Object.keys(host).length > 0 ? { host } : {};
  switch (record.kind) {
    case 'syscall': {
      const { kind, args, ktime, ...rest } = record;
      return JSON.stringify({ t: kind, ...rest, ktime: ktime.toString(), args: [...args.entries()], ...withHost });
    }
    case 'fork':
    case 'exit': {
      const { kind, ktime, ...rest } = record;
      return JSON.stringify({ t: kind, ...rest, ktime: ktime.toString(), ...withHost });
    }
  }
}

/** Thrown for a line that is not a record of this format. */
export class RecordLineError extends Error {
  readonly code = 'SAKER_ERR_RECORD_LINE';
}

type Json = Record<string, unknown>;

const num = (o: Json, key: string): number => {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RecordLineError(`'${key}' must be a number`);
  return v;
};
const str = (o: Json, key: string): string => {
  const v = o[key];
  if (typeof v !== 'string') throw new RecordLineError(`'${key}' must be a string`);
  return v;
};
const ns = (o: Json, key: string): bigint => {
  const v = str(o, key);
  if (!/^-?\d+$/.test(v)) throw new RecordLineError(`'${key}' must be a decimal string`);
  return BigInt(v);
};

function argValue(v: unknown): number | string | LiveSockAddr {
  if (typeof v === 'number' || typeof v === 'string') return v;
  const a = v as Json | null;
  if (a && (a.family === 'inet' || a.family === 'inet6')) return { family: a.family, ip: str(a, 'ip'), port: num(a, 'port') };
  if (a && a.family === 'unix') return { family: 'unix', path: str(a, 'path') };
  if (a && a.family === 'other') return { family: 'other', code: num(a, 'code') };
  throw new RecordLineError('an argument must be a number, a string or a socket address');
}

function hostAnswers(o: Json): HostAnswers {
  const host = o.host;
  if (host === undefined) return {};
  if (!host || typeof host !== 'object' || Array.isArray(host)) throw new RecordLineError("'host' must be an object");
  return host as HostAnswers;
}

/** Decoders of the record lines, by their `t`. */
const RECORD_DECODERS: Readonly<Record<string, (o: Json) => LiveRecord>> = {
  syscall(o) {
    const args = o.args;
    if (!Array.isArray(args)) throw new RecordLineError("'args' must be an array");
    const map = new Map<number, number | string | LiveSockAddr>();
    for (const pair of args as unknown[]) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'number') throw new RecordLineError("'args' entries must be [index, value]");
      map.set(pair[0], argValue(pair[1]));
    }
    const exec = o.exec as Json | undefined;
    const argv = exec?.argv;
    if (exec !== undefined && (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))) throw new RecordLineError("'exec.argv' must be strings");
    return {
      kind: 'syscall',
      syscall: str(o, 'syscall'),
      tid: num(o, 'tid'),
      pid: num(o, 'pid'),
      // Only exec records describe the process (ppid, credentials, comm); other syscalls leave them out.
      ...(o.ppid !== undefined ? { ppid: num(o, 'ppid') } : {}),
      ...(o.uid !== undefined ? { uid: num(o, 'uid') } : {}),
      ...(o.gid !== undefined ? { gid: num(o, 'gid') } : {}),
      ...(o.loginuid !== undefined ? { loginuid: num(o, 'loginuid') } : {}),
      ret: num(o, 'ret'),
      ktime: ns(o, 'ktime'),
      ...(o.comm !== undefined ? { comm: str(o, 'comm') } : {}),
      args: map,
      ...(exec ? { exec: { path: str(exec, 'path'), argv: argv as string[] } } : {}),
    };
  },
  fork: (o) => ({
    kind: 'fork',
    parentTid: num(o, 'parentTid'),
    childTid: num(o, 'childTid'),
    ktime: ns(o, 'ktime'),
    comm: str(o, 'comm'),
    // Whether the child is a thread (from its clone flags); older recordings answer from /proc instead.
    ...(typeof o.thread === 'boolean' ? { thread: o.thread } : {}),
  }),
  exit: (o) => ({ kind: 'exit', tid: num(o, 'tid'), pid: num(o, 'pid'), ktime: ns(o, 'ktime') }),
};

/** Decodes a parsed record line; undefined when its `t` is not a record type. */
export function decodeRecord(o: Json): RecordedRecord | undefined {
  const decode = typeof o.t === 'string' ? RECORD_DECODERS[o.t] : undefined;
  return decode ? { record: decode(o), host: hostAnswers(o) } : undefined;
}

/** Checks and returns a header line. */
export function decodeHeader(o: Json): RecordHeader {
  if (o.saker_record !== RECORD_FORMAT_VERSION) {
    throw new RecordLineError(
      typeof o.saker_record === 'number'
        ? `record format version ${o.saker_record} is not supported (this Saker reads version ${RECORD_FORMAT_VERSION})`
        : 'the first line is not a Saker record header',
    );
  }
  return { saker_record: o.saker_record, saker_version: String(o.saker_version ?? ''), hostname: String(o.hostname ?? ''), started: String(o.started ?? ''), clock_offset_ns: String(ns(o, 'clock_offset_ns')) };
}
