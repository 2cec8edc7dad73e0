/**
 * File descriptors as the state engine tracks them: what kind of object each fd is, its name as Falco
 * prints it (`fd.name`) and, for sockets, the connection tuple.
 */

/** The kinds of fd libscap distinguishes (SCAP_FD_*), by their `fd.type` names. */
export type FdType =
  | 'file'
  | 'directory'
  | 'ipv4'
  | 'ipv6'
  | 'unix'
  | 'pipe'
  | 'event'
  | 'signalfd'
  | 'eventpoll'
  | 'inotify'
  | 'timerfd'
  | 'netlink'
  | 'bpf'
  | 'userfaultfd'
  | 'io_uring'
  | 'memfd'
  | 'pidfd'
  | 'unknown';

/** `fd.typechar` for each type, as libsinsp prints it. */
export const FD_TYPECHAR: Readonly<Record<FdType, string>> = {
  file: 'f',
  directory: 'd',
  ipv4: '4',
  ipv6: '6',
  unix: 'u',
  pipe: 'p',
  event: 'e',
  signalfd: 's',
  eventpoll: 'l',
  inotify: 'i',
  timerfd: 't',
  netlink: 'n',
  bpf: 'b',
  userfaultfd: 'u',
  io_uring: 'r',
  memfd: 'm',
  pidfd: 'P',
  unknown: 'o',
};

/** An IP connection: client and server ends (for a server socket only the server end is known). */
export interface IpTuple {
  /** 'ipv4' or 'ipv6' addresses, printed as Falco prints them. */
  sip: string;
  sport: number;
  cip: string;
  cport: number;
  l4proto: 'tcp' | 'udp' | 'icmp' | 'raw' | undefined;
}

/** One open fd. */
export interface FdInfo {
  type: FdType;
  /** `fd.name`: a path, `cip:cport->sip:sport`, or a unix tuple with its path. */
  name: string;
  /** The path as the process wrote it (`fd.nameraw`), for files. */
  nameRaw?: string;
  /** Open flags in the driver's PPM encoding (file fds). */
  openFlags: number;
  dev?: number;
  ino?: bigint;
  /** For IP sockets: the connection, once connect/bind/accept (or /proc) told us. */
  ip?: IpTuple;
  /** For IP sockets: the protocol socket() was asked for, before any address is known. */
  l4proto?: IpTuple['l4proto'];
  /** For a listening/server-side socket: true; for a client socket: false; unknown: undefined. */
  isServer?: boolean;
  /** True for a socket a `connect` or `accept` filled in. */
  connected?: boolean;
}

/** The fds of one process, shared by its threads (CLONE_FILES). */
export type FdTable = Map<number, FdInfo>;

/** l4proto byte in capture files (SCAP_L4_*: 0 unknown, 1 not applicable, 2 tcp, ...) to Falco's names. */
export const L4PROTO_NAMES: readonly (IpTuple['l4proto'])[] = [undefined, undefined, 'tcp', 'udp', 'icmp', 'raw'];

/** How libsinsp prints an IPv4/IPv6 endpoint inside an fd name (`[::1]:80` style is not used). */
export function endpoint(ip: string, port: number): string {
  return `${ip}:${port}`;
}

/** The fd name of an IP socket, `cip:cport->sip:sport`, as libsinsp builds it. */
export function ipTupleName(t: IpTuple): string {
  return `${endpoint(t.cip, t.cport)}->${endpoint(t.sip, t.sport)}`;
}
