/**
 * Renders event parameters as Falco prints them: a plain value (`4097`, `/etc/passwd`) and, where
 * libsinsp resolves one, a resolved form (`O_RDONLY|O_CLOEXEC`, `<f>/etc/passwd`, `ENOENT`, a user
 * name). `evt.arg.X` yields the resolved form when there is one; `evt.args` prints `name=value(resolved)`.
 */
import { normalizePath } from './paths.js';
import { FD_TYPECHAR, ipTupleName } from '../../state/index.js';
import type { SyscallEvent, ParamValue, SockAddr, SockTuple, DynValue } from './event.js';
import type { ParamLayout } from './layouts.js';
import { SYSCALL_NAMES } from './syscall-names.js';
import { errnoName, SIGNAL_NAMES } from './names.js';

/** A parameter as text: its value and, when libsinsp would have one, its resolved form. */
export interface RenderedParam {
  value: string;
  resolved?: string;
}

const NUMERIC = new Set([
  'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'port', 'l4proto', 'sockfamily',
  'bool', 'reltime', 'abstime', 'double', 'sigset',
]);

function num(v: ParamValue): number | bigint | undefined {
  return typeof v === 'number' || typeof v === 'bigint' ? v : undefined;
}

function formatNumber(v: number | bigint, format: ParamLayout['format']): string {
  if (format === 'hex') return (typeof v === 'bigint' ? v : BigInt(Math.trunc(v))).toString(16).toUpperCase();
  if (format === 'oct') {
    const s = (typeof v === 'bigint' ? v : BigInt(Math.trunc(v))).toString(8);
    return s === '0' ? '0' : `0${s}`;
  }
  return String(v);
}

/** libsinsp's flag rendering: an exact name wins; otherwise every listed flag whose bits are all set. */
export function renderFlags(value: number, table: readonly (readonly [string, number])[]): string {
  const exact = table.find(([, v]) => v === value);
  if (exact) return exact[0];
  let rest = value;
  const names: string[] = [];
  for (const [name, v] of table) {
    if ((v === 0 && value === 0) || (v !== 0 && rest !== 0 && (rest & v) === v)) {
      names.push(name);
      rest &= ~v;
    }
  }
  return names.join('|');
}

/** Printable form of a byte buffer: non-printable bytes become dots, as libsinsp's normal format. */
export function printableBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  return s;
}

function renderSockAddr(a: SockAddr): string {
  if (a.family === 'unix') return a.path;
  if (a.family === 'other') return `family ${a.code}`;
  return `${a.ip}:${a.port}`;
}

function renderTuple(t: SockTuple): string {
  if (t.family === 'unix') return `${t.source.toString(16)}->${t.dest.toString(16)} ${t.path}`;
  if (t.family === 'other') return `family ${t.code}`;
  return ipTupleName({ cip: t.sip, cport: t.sport, sip: t.dip, sport: t.dport, l4proto: undefined });
}

const L4_CHAR: Readonly<Record<string, string>> = { tcp: 't', udp: 'u', icmp: 'i', raw: 'r' };

/** How libsinsp tags an fd in parameters: its typechar, plus the protocol's letter for server sockets. */
function fdTag(event: SyscallEvent, fd: number, withProto = true): string | undefined {
  const info = event.thread?.fds.get(fd);
  if (!info) return undefined;
  const l4 = info.ip?.l4proto;
  return FD_TYPECHAR[info.type] + (withProto && l4 && info.isServer ? (L4_CHAR[l4] ?? '') : '');
}

/** The fd name as libsinsp shows it for a fd parameter: `<tag>name`. */
function resolveFd(event: SyscallEvent, fd: number): string | undefined {
  if (fd < 0) return errnoName(-fd);
  const tag = fdTag(event, fd);
  return tag === undefined ? undefined : `<${tag}>${event.thread?.fds.get(fd)?.name ?? ''}`;
}

/** A duration as libsinsp resolves PT_RELTIME: whole seconds as `Ns`, else seconds with 9 decimals. */
function humanDuration(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  return frac === 0n ? `${s}s` : `${s}.${frac.toString().padStart(9, '0')}s`;
}

/** A relative argument resolved for display; an absolute one is shown as the process wrote it. */
function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return normalizePath(`${dir}/${name}`);
}

/** Renders one parameter of an event. */
export function renderParam(event: SyscallEvent, index: number): RenderedParam | undefined {
  const layout = event.layout.params[index];
  if (layout === undefined || index >= event.params.length) return undefined;
  return renderValue(event, layout, event.params[index] ?? null);
}

function renderValue(event: SyscallEvent, p: ParamLayout, v: ParamValue): RenderedParam {
  // An empty address parameter prints as NULL, as libsinsp does; other empty parameters as nothing.
  if (v === null) return { value: p.type === 'socktuple' || p.type === 'sockaddr' ? 'NULL' : '' };
  switch (p.type) {
    case 'errno': {
      const n = num(v) ?? 0;
      const name = Number(n) < 0 ? errnoName(-Number(n)) : undefined;
      return name ? { value: String(n), resolved: name } : { value: String(n) };
    }
    case 'fd': {
      const n = Number(num(v) ?? 0);
      const r = resolveFd(event, n);
      return r === undefined ? { value: String(n) } : { value: String(n), resolved: r };
    }
    case 'pid': {
      const n = Number(num(v) ?? 0);
      const t = event.ctx.threads.get(n);
      return t && t.comm !== '' ? { value: String(n), resolved: t.comm } : { value: String(n) };
    }
    case 'uid': {
      const n = Number(num(v) ?? 0);
      const u = event.ctx.users.user(n);
      return u ? { value: String(n), resolved: u.name } : { value: String(n) };
    }
    case 'gid': {
      const n = Number(num(v) ?? 0);
      const g = event.ctx.users.group(n);
      return g ? { value: String(n), resolved: g.name } : { value: String(n) };
    }
    case 'flags8':
    case 'flags16':
    case 'flags32':
    case 'mode':
    case 'enumflags8':
    case 'enumflags16':
    case 'enumflags32': {
      const n = Number(num(v) ?? 0);
      const value = p.type === 'mode' ? formatNumber(n, 'oct') : String(n);
      if (!p.flagTable) return { value };
      const resolved = p.type.startsWith('enum')
        ? p.flagTable.find(([, x]) => x === n)?.[0]
        : renderFlags(n, p.flagTable);
      return resolved ? { value, resolved } : { value };
    }
    case 'syscallid': {
      const n = Number(num(v) ?? 0);
      const name = SYSCALL_NAMES[n];
      return name ? { value: String(n), resolved: name } : { value: String(n) };
    }
    case 'sigtype': {
      const n = Number(num(v) ?? 0);
      const name = SIGNAL_NAMES[n];
      return name ? { value: String(n), resolved: name } : { value: String(n) };
    }
    case 'fspath':
    case 'fsrelpath': {
      const s = typeof v === 'string' ? v : '';
      if (s === '' || s.startsWith('/')) return { value: s };
      let dir = event.thread?.cwd ?? '';
      if (p.type === 'fsrelpath' && p.dirfdIndex !== undefined) {
        const dirfd = Number(num(event.params[p.dirfdIndex] ?? null) ?? -100);
        if (dirfd !== -100) dir = event.thread?.fds.get(dirfd)?.name ?? '';
      }
      return dir === '' ? { value: s } : { value: s, resolved: joinPath(dir, s) };
    }
    case 'charbuf':
      return { value: typeof v === 'string' ? v : '' };
    case 'bytebuf':
      return { value: v instanceof Uint8Array ? printableBytes(v) : typeof v === 'string' ? v : '' };
    case 'charbufarray':
    case 'charbuf_pair_array':
      return { value: Array.isArray(v) ? v.join(',') : '' };
    case 'sockaddr':
      return { value: renderSockAddr(v as SockAddr) };
    case 'socktuple':
      return { value: renderTuple(v as SockTuple) };
    case 'fdlist':
      return {
        value: (v as readonly (readonly [number, number])[])
          .map(([fd, fl]) => `${fd}:${fdTag(event, fd, false) ?? ''}${fl.toString(16)}`)
          .join(' '),
      };
    case 'reltime': {
      const n = num(v);
      return n === undefined ? { value: '' } : { value: String(n), resolved: humanDuration(BigInt(n)) };
    }
    case 'dyn': {
      const d = v as DynValue;
      const sub = p.dynTypes?.[d.index];
      return sub ? renderValue(event, { ...sub, name: p.name }, d.value) : { value: '' };
    }
    default: {
      const n = num(v);
      if (n !== undefined && NUMERIC.has(p.type)) return { value: formatNumber(n, p.format) };
      return { value: typeof v === 'string' ? v : String(v) };
    }
  }
}

/**
 * `evt.args`: every parameter as `name=value` or `name=value(resolved)`, each followed by a space as
 * libsinsp prints them. Generic (`syscall`) events print no arguments.
 */
export function renderArgs(event: SyscallEvent): string {
  if (event.layout.id <= 1) return '';
  let out = '';
  for (let i = 0; i < event.params.length && i < event.layout.params.length; i++) {
    const r = renderParam(event, i);
    const name = event.layout.params[i]?.name ?? '';
    if (r === undefined) continue;
    out += r.resolved === undefined ? `${name}=${r.value} ` : `${name}=${r.value}(${r.resolved}) `;
  }
  return out;
}
