// Builds small capture files in memory for tests: a section header, optional metadata blocks and
// event blocks, laid out as libscap writes them (LE, bodies padded to 4 bytes, length trailer).

export function block(type: number, body: Uint8Array): Uint8Array {
  const padded = Math.ceil(body.length / 4) * 4;
  const total = 8 + padded + 4;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(body, 8);
  v.setUint32(total - 4, total, true);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function sectionHeader(major = 1, minor = 2): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x1a2b3c4d, true);
  v.setUint16(4, major, true);
  v.setUint16(6, minor, true);
  v.setBigInt64(8, -1n, true);
  return block(0x0a0d0d0a, b);
}

/** A V2 event block (0x216): cpu, header with nparams, u16 lengths, then the parameter bytes. */
export function eventBlock(opts: { ts: bigint; tid: number; type: number; params: Uint8Array[]; cpu?: number }): Uint8Array {
  const lens = opts.params.length * 2;
  const data = opts.params.reduce((n, p) => n + p.length, 0);
  const evLen = 26 + lens + data;
  const b = new Uint8Array(2 + evLen);
  const v = new DataView(b.buffer);
  v.setUint16(0, opts.cpu ?? 0, true);
  v.setBigUint64(2, opts.ts, true);
  v.setBigInt64(10, BigInt(opts.tid), true);
  v.setUint32(18, evLen, true);
  v.setUint16(22, opts.type, true);
  v.setUint32(24, opts.params.length, true);
  let off = 28;
  for (const p of opts.params) {
    v.setUint16(off, p.length, true);
    off += 2;
  }
  for (const p of opts.params) {
    b.set(p, off);
    off += p.length;
  }
  return block(0x216, b);
}

export const i64 = (n: number | bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n), true);
  return b;
};
export const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
export const u16 = (n: number): Uint8Array => {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, true);
  return b;
};
export const cstr = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);
export const lenStr = (s: string): Uint8Array => {
  const t = new TextEncoder().encode(s);
  return concat(u16(t.length), t);
};

/** A V9 process list entry (0x215), minimal fields plus the newer tail. */
export function procEntry(p: { tid: number; pid: number; ptid: number; comm: string; exe: string; args: string[]; cwd: string; uid: number; gid: number; cgroups?: string[] }): Uint8Array {
  const body = concat(
    i64(p.tid), i64(p.pid), i64(p.ptid), i64(p.pid), i64(p.pid),
    lenStr(p.comm), lenStr(p.exe), lenStr(p.exe),
    lenStr(p.args.map((a) => `${a}\0`).join('')), lenStr(p.cwd),
    i64(1024), u32(0), u32(p.uid), u32(p.gid),
    u32(0), u32(0), u32(0), i64(0), i64(0),
    lenStr(''), i64(p.tid), i64(p.pid), lenStr((p.cgroups ?? []).map((c) => `${c}\0`).join('')), lenStr('/'),
    i64(0), u32(0), u32(0xffffffff),
  );
  return concat(u32(body.length + 4), body);
}

/** A V2 user list (0x220) with one user and one group. */
export function userList(user: { uid: number; gid: number; name: string }, group: { gid: number; name: string }): Uint8Array {
  const ue = concat(new Uint8Array([0]), u32(user.uid), u32(user.gid), lenStr(user.name), lenStr('/root'), lenStr('/bin/sh'));
  const ge = concat(new Uint8Array([1]), u32(group.gid), lenStr(group.name));
  return block(0x220, concat(u32(ue.length + 4), ue, u32(ge.length + 4), ge));
}
