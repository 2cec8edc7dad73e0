/**
 * Decodes one event block into a normalized SyscallEvent (without state): header, parameter lengths,
 * then each parameter by its layout type. Old (V1) blocks carry no parameter count; like libscap we
 * take the layout's count and lower it until the lengths add up to the event size exactly.
 */
import { ipv4ToString, ipv6ToString } from '../../state/index.js';
import {
  EVENT_FLAGS,
  layoutOf,
  isUsableLayout,
  SYSCALL_NAMES,
  type EventLayout,
  type ParamLayout,
  type ParamValue,
  type SockAddr,
  type SockTuple,
  type SyscallContext,
  type SyscallEvent,
} from '../syscall/index.js';
import type { BlockType } from './blocks.js';
import { Cursor, cString, cStringList, narrow } from './cursor.js';
import { ScapError, SCAP_ERRORS } from './errors.js';

/** Why an event block was not turned into an event. */
export type EventSkip = { reason: 'unknown-type'; typeId: number };

// Portable socket families in parameters (PPM_AF_*).
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;

const SIGNED = new Set(['int8', 'int16', 'int32', 'int64', 'errno', 'fd', 'pid']);

function int(b: Uint8Array, signed: boolean): number | bigint {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (b.length) {
    case 1:
      return signed ? v.getInt8(0) : v.getUint8(0);
    case 2:
      return signed ? v.getInt16(0, true) : v.getUint16(0, true);
    case 4:
      return signed ? v.getInt32(0, true) : v.getUint32(0, true);
    case 8:
      return narrow(signed ? v.getBigInt64(0, true) : v.getBigUint64(0, true));
    default:
      return 0;
  }
}

function sockaddr(b: Uint8Array): SockAddr {
  const fam = b[0] ?? 0;
  const c = new Cursor(b, 1);
  if (fam === AF_INET && b.length >= 7) {
    const ip = ipv4ToString(c.bytes(4));
    return { family: 'inet', ip, port: c.u16() };
  }
  if (fam === AF_INET6 && b.length >= 19) {
    const ip = ipv6ToString(c.bytes(16));
    return { family: 'inet6', ip, port: c.u16() };
  }
  if (fam === AF_UNIX) return { family: 'unix', path: cString(b.subarray(1)) };
  return { family: 'other', code: fam };
}

function socktuple(b: Uint8Array): SockTuple {
  const fam = b[0] ?? 0;
  const c = new Cursor(b, 1);
  if (fam === AF_INET && b.length >= 13) {
    const sip = ipv4ToString(c.bytes(4));
    const sport = c.u16();
    const dip = ipv4ToString(c.bytes(4));
    return { family: 'inet', sip, sport, dip, dport: c.u16() };
  }
  if (fam === AF_INET6 && b.length >= 37) {
    const sip = ipv6ToString(c.bytes(16));
    const sport = c.u16();
    const dip = ipv6ToString(c.bytes(16));
    return { family: 'inet6', sip, sport, dip, dport: c.u16() };
  }
  if (fam === AF_UNIX && b.length >= 17) {
    const source = c.u64();
    const dest = c.u64();
    return { family: 'unix', source, dest, path: cString(b.subarray(17)) };
  }
  return { family: 'other', code: fam };
}

/** Decodes one parameter's bytes by its layout. Empty parameters are null. */
export function decodeParam(p: ParamLayout, b: Uint8Array): ParamValue {
  if (b.length === 0) return null;
  switch (p.type) {
    case 'charbuf':
    case 'fspath':
    case 'fsrelpath':
      return cString(b);
    case 'bytebuf':
      return b.slice();
    case 'charbufarray':
    case 'charbuf_pair_array':
      return cStringList(b);
    case 'sockaddr':
      return sockaddr(b);
    case 'socktuple':
      return socktuple(b);
    case 'ipv4addr':
    case 'ipv4net':
      return ipv4ToString(b);
    case 'ipv6addr':
    case 'ipv6net':
      return ipv6ToString(b);
    case 'double':
      return b.length === 8 ? new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true) : null;
    case 'fdlist': {
      const c = new Cursor(b);
      const n = c.u16();
      const out: [number, number][] = [];
      for (let i = 0; i < n && c.remaining >= 10; i++) out.push([Number(c.i64()), c.u16()]);
      return out;
    }
    case 'dyn': {
      const index = b[0] ?? 0;
      const sub = p.dynTypes?.[index];
      return { index, value: sub ? decodeParam(sub, b.subarray(1)) : null };
    }
    default:
      return int(b, SIGNED.has(p.type));
  }
}

/** The number of parameters a V1 event holds: the largest count whose lengths fill the event exactly. */
function v1ParamCount(c: Cursor, layout: EventLayout, end: number): number {
  for (let n = layout.params.length; n >= 0; n--) {
    const lensEnd = c.pos + 2 * n;
    if (lensEnd > end) continue;
    let total = lensEnd;
    for (let i = 0; i < n; i++) total += c.buf[c.pos + 2 * i]! | (c.buf[c.pos + 2 * i + 1]! << 8);
    if (total === end) return n;
    if (total < end) break;
  }
  throw new ScapError(SCAP_ERRORS.CORRUPT, `event ${layout.name}: parameter lengths do not match the event size`, c.base + c.pos);
}

/**
 * Decodes the body of an event block (`c` positioned after the block header, ending before the
 * trailer). Returns the event, or why it was skipped.
 */
export function decodeEvent(c: Cursor, bt: BlockType, num: number, ctx: SyscallContext): SyscallEvent | EventSkip {
  const cpu = c.u16('cpuid');
  if (bt.hasFlags) c.u32('event flags');
  const evStart = c.pos;
  const ts = c.u64('timestamp');
  const tid = Number(c.i64('tid'));
  const len = c.u32('event length');
  const typeId = c.u16('event type');
  const end = evStart + len;
  if (len < (bt.noNparams ? 22 : 26) || end > c.end) {
    throw new ScapError(SCAP_ERRORS.CORRUPT, `event length ${len} does not fit its block`, c.base + evStart);
  }
  const layout = layoutOf(typeId);
  if (layout === undefined || !isUsableLayout(layout)) return { reason: 'unknown-type', typeId };
  let nparams: number;
  if (bt.noNparams) nparams = v1ParamCount(c, layout, end);
  else nparams = c.u32('nparams');
  const wide = !bt.noNparams && (layout.flags & EVENT_FLAGS.LARGE_PAYLOAD) !== 0;
  const lens: number[] = [];
  for (let i = 0; i < nparams; i++) lens.push(wide ? c.u32('param length') : c.u16('param length'));
  const params: ParamValue[] = [];
  for (let i = 0; i < nparams; i++) {
    const b = c.bytes(lens[i] ?? 0, 'param');
    const p = layout.params[i];
    // Parameters beyond the layout (a newer writer appended some) are read past, not decoded.
    if (p !== undefined) params.push(decodeParam(p, b));
  }
  if (c.pos > end) throw new ScapError(SCAP_ERRORS.CORRUPT, `event ${layout.name} overruns its length`, c.base + evStart);
  let type = layout.name;
  if (layout.id <= 1) {
    // Generic events are named after the syscall they carry.
    const id = params[0];
    const name = typeof id === 'number' ? SYSCALL_NAMES[id] : undefined;
    if (name !== undefined && !name.startsWith('<')) type = name;
  }
  return { num, ts, cpu, tid, layout, type, dir: layout.dir, params, ctx };
}
