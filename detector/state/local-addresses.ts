/**
 * Which addresses belong to the machine the events come from. libsinsp decides the local end of a
 * connection (`fd.lip`, `fd.lport`, `fd.is_server`, ...) by asking whether an address is one of the
 * machine's: an IPv4 address must equal an interface address (or the container's own address), an
 * IPv6 address must share an interface address's /64 prefix, and threads inside a container never
 * have a local IPv6 address. A capture carries its interface list; live, it is the host's.
 */
import { networkInterfaces } from 'node:os';
import type { ContainerInfo } from './container.js';
import { HOST_CONTAINER_ID } from './container.js';

/** One address of the machine, as the capture's interface list or the host reports it. */
export interface LocalInterface {
  family: 'ipv4' | 'ipv6';
  address: string;
}

// libsinsp compares IPv6 addresses by their first 8 bytes (the network and subnet prefix).
const V6_PREFIX_WORDS = 4;

/** The 8 16-bit words of an IPv6 address in text form, or undefined when it is not one. */
export function ipv6Words(text: string): number[] | undefined {
  let s = text;
  const tail: number[] = [];
  // An embedded dotted IPv4 tail (::ffff:1.2.3.4) is two words.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const b = v4.slice(1).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    tail.push(((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0));
    s = s.slice(0, v4.index);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const w of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
      out.push(Number.parseInt(w, 16));
    }
    return out;
  };
  const gap = s.indexOf('::');
  let words: number[] | undefined;
  if (gap < 0) words = parse(s);
  else {
    const head = parse(s.slice(0, gap));
    const rest = parse(s.slice(gap + 2));
    if (!head || !rest) return undefined;
    const fill = 8 - tail.length - head.length - rest.length;
    if (fill < 1) return undefined;
    words = [...head, ...new Array<number>(fill).fill(0), ...rest];
  }
  if (!words) return undefined;
  words.push(...tail);
  return words.length === 8 ? words : undefined;
}

function v6Prefix(text: string): string | undefined {
  return ipv6Words(text)?.slice(0, V6_PREFIX_WORDS).join(':');
}

/** The machine's addresses, with libsinsp's "is this address local" test. */
export class LocalAddresses {
  private readonly v4 = new Set<string>();
  private readonly v6Prefixes = new Set<string>();

  constructor(interfaces: Iterable<LocalInterface> = []) {
    for (const i of interfaces) {
      if (i.family === 'ipv4') this.v4.add(i.address);
      else {
        const p = v6Prefix(i.address);
        if (p !== undefined) this.v6Prefixes.add(p);
      }
    }
  }

  /** The host's own interfaces, as libscap lists them when a live capture starts. */
  static host(): LocalAddresses {
    const list: LocalInterface[] = [];
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? []) {
        // Link-local addresses carry a zone (`fe80::1%eth0`); the address part is what counts.
        list.push({ family: a.family === 'IPv6' ? 'ipv6' : 'ipv4', address: a.address.replace(/%.*$/, '') });
      }
    }
    return new LocalAddresses(list);
  }

  /**
   * Whether `ip` is an address of the machine, seen from a thread in `containerId`. Inside a
   * container, an IPv4 address is local when it is the container's address (or, while the container's
   * own address is unknown, any container's), and otherwise when a host interface has it.
   */
  isLocal(ip: string, family: 'ipv4' | 'ipv6', containerId: string, containers: ReadonlyMap<string, ContainerInfo>): boolean {
    const inContainer = containerId !== HOST_CONTAINER_ID && containerId !== '';
    if (family === 'ipv6') {
      if (inContainer) return false;
      const p = v6Prefix(ip);
      return p !== undefined && this.v6Prefixes.has(p);
    }
    if (inContainer) {
      const own = containers.get(containerId);
      if (own?.ip) {
        if (own.ip === ip) return true;
      } else if (own) {
        for (const c of containers.values()) if (c.ip === ip) return true;
      }
    }
    return this.v4.has(ip);
  }
}
