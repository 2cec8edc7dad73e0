/**
 * IP addresses and networks as plain numbers, parsed without allocation on the hot path for IPv4.
 * IPv6 addresses become a bigint so that CIDR checks are one mask and one compare.
 */

/** A parsed address: family 4 as a uint32 number, family 6 as a 128-bit bigint. */
export type IpAddress = { family: 4; value: number } | { family: 6; value: bigint };

/** A network: the address with the host bits cleared, and the mask. */
export type IpNetwork = { family: 4; base: number; mask: number } | { family: 6; base: bigint; mask: bigint };

/** Parses dotted-quad IPv4 into a uint32, or -1. Allocation-free: this runs per event. */
export function parseIpv4(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
      if (digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** Parses IPv6 text (with `::` and an optional trailing dotted IPv4) into a bigint, or undefined. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i] ?? '';
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 < 0) return undefined;
        groups.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
        groups.push(parseInt(item, 16));
      }
    }
    return groups;
  };
  const head = toGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 >= 0) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

const V6_ALL = (1n << 128n) - 1n;

/** Parses `a.b.c.d/n` or `x::/n`; a bare address is a host network (/32 or /128). */
export function parseCidr(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIp(addressText);
  if (!address) return undefined;
  const maxBits = address.family === 4 ? 32 : 128;
  let bits = maxBits;
  if (slash >= 0) {
    const bitsText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bitsText)) return undefined;
    bits = Number(bitsText);
    if (bits > maxBits) return undefined;
  }
  if (address.family === 4) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return { family: 4, base: (address.value & mask) >>> 0, mask };
  }
  const mask = bits === 0 ? 0n : (V6_ALL << BigInt(128 - bits)) & V6_ALL;
  return { family: 6, base: address.value & mask, mask };
}

/** Whether the address text lies in the network; false for unparsable text or another family. */
export function ipInNetwork(text: string, net: IpNetwork): boolean {
  if (net.family === 4) {
    const v4 = parseIpv4(text);
    return v4 >= 0 && (v4 & net.mask) >>> 0 === net.base;
  }
  const v6 = parseIpv6(text);
  return v6 !== undefined && (v6 & net.mask) === net.base;
}

/** Whether two address texts name the same address (`::1` equals `0:0::1`). */
export function sameIp(text: string, address: IpAddress): boolean {
  if (address.family === 4) return parseIpv4(text) === address.value;
  return parseIpv6(text) === address.value;
}
