// Which end of a connection is local (fd.lip/lport/rip/rport, fd.is_server): decided, as libsinsp does,
// by whether the client address is one of the machine's -- so a connect and an accept on the same host
// both report the client end as local, and a connection to another host reports this host's end.
import { describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { blankThread, ipv6Words, LocalAddresses, ThreadTable } from '../../../detector/state/index.js';
import { createContext, layoutOf, StateParser, type ParamValue, type SyscallContext, type SyscallEvent } from '../../../detector/sources/syscall/index.js';

const SOCKET_E = 18;
const SOCKET_X = 19;
const CONNECT_E = 22;
const CONNECT_X = 23;
const ACCEPT_X = 247;

let num = 0;
function ev(ctx: SyscallContext, id: number, tid: number, params: Record<string, ParamValue>): SyscallEvent {
  const layout = layoutOf(id);
  if (!layout) throw new Error(`no layout ${id}`);
  num++;
  return { num, ts: BigInt(num), cpu: 0, tid, layout, type: layout.name, dir: layout.dir, params: layout.params.map((p) => params[p.name] ?? null), ctx };
}

function fields(e: SyscallEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ['fd.lip', 'fd.lport', 'fd.rip', 'fd.rport', 'fd.is_server']) out[f] = SYSCALL_FIELDS.fields.get(f)?.bind(undefined)(e);
  return out;
}

/** A host with 10.0.0.2 and 2001:db8::2 (plus loopback), and a process 10, in a container when asked. */
function world(containerId = 'host'): { ctx: SyscallContext; parser: StateParser } {
  const localAddresses = new LocalAddresses([
    { family: 'ipv4', address: '127.0.0.1' },
    { family: 'ipv4', address: '10.0.0.2' },
    { family: 'ipv6', address: '::1' },
    { family: 'ipv6', address: '2001:db8::2' },
  ]);
  const ctx = createContext({ threads: new ThreadTable(), localAddresses });
  const t = blankThread(10);
  Object.assign(t, { ptid: 1, comm: 'app', containerId });
  ctx.threads.set(t);
  return { ctx, parser: new StateParser(ctx) };
}

function connect(w: ReturnType<typeof world>, tuple: ParamValue, domain = 2): SyscallEvent {
  w.parser.process(ev(w.ctx, SOCKET_E, 10, { domain, type: 1, proto: 0 }));
  w.parser.process(ev(w.ctx, SOCKET_X, 10, { fd: 3 }));
  w.parser.process(ev(w.ctx, CONNECT_E, 10, { fd: 3 }));
  const x = ev(w.ctx, CONNECT_X, 10, { res: 0, tuple });
  w.parser.process(x);
  return x;
}

describe('local and remote ends of a socket', () => {
  it('a connect to another host: this host is the local (client) end, not the server', () => {
    const x = connect(world(), { family: 'inet', sip: '10.0.0.2', sport: 50000, dip: '198.51.100.9', dport: 443 });
    expect(fields(x)).toEqual({ 'fd.lip': '10.0.0.2', 'fd.lport': 50000, 'fd.rip': '198.51.100.9', 'fd.rport': 443, 'fd.is_server': false });
  });

  it('an accept from another host: the server end is local, the peer remote', () => {
    const w = world();
    const x = ev(w.ctx, ACCEPT_X, 10, { fd: 5, tuple: { family: 'inet', sip: '203.0.113.4', sport: 40000, dip: '10.0.0.2', dport: 22 } });
    w.parser.process(x);
    expect(fields(x)).toEqual({ 'fd.lip': '10.0.0.2', 'fd.lport': 22, 'fd.rip': '203.0.113.4', 'fd.rport': 40000, 'fd.is_server': true });
  });

  it('a loopback connection: the client end is local on both sides, and the server is on this host', () => {
    const x = connect(world(), { family: 'inet', sip: '127.0.0.1', sport: 47192, dip: '127.0.0.1', dport: 80 });
    expect(fields(x)).toEqual({ 'fd.lip': '127.0.0.1', 'fd.lport': 47192, 'fd.rip': '127.0.0.1', 'fd.rport': 80, 'fd.is_server': true });
  });

  it('IPv6 addresses are local by their /64 prefix; inside a container never', () => {
    const tuple = { family: 'inet6', sip: '2001:db8::4', sport: 54405, dip: '2001:db8::3', dport: 1234 } as const;
    expect(fields(connect(world(), tuple, 10))).toMatchObject({ 'fd.lip': '2001:db8::4', 'fd.is_server': true });
    expect(fields(connect(world('0123456789ab'), tuple, 10))).toMatchObject({ 'fd.lip': '2001:db8::3', 'fd.lport': 1234, 'fd.is_server': false });
  });

  it('a container thread: its own address is local', () => {
    const w = world('0123456789ab');
    w.ctx.containers.set('0123456789ab', { id: '0123456789ab', ip: '172.17.0.5', mounts: [], labels: {} });
    const x = connect(w, { family: 'inet', sip: '172.17.0.5', sport: 33000, dip: '198.51.100.9', dport: 443 });
    expect(fields(x)).toMatchObject({ 'fd.lip': '172.17.0.5', 'fd.lport': 33000, 'fd.is_server': false });
  });

  it('a socket no connect or accept has given a role has no ends', () => {
    const w = world();
    w.parser.process(ev(w.ctx, SOCKET_E, 10, { domain: 2, type: 1, proto: 0 }));
    const s = ev(w.ctx, SOCKET_X, 10, { fd: 3 });
    w.parser.process(s);
    expect(fields(s)).toEqual({ 'fd.lip': undefined, 'fd.lport': undefined, 'fd.rip': undefined, 'fd.rport': undefined, 'fd.is_server': false });
  });

  it('parses IPv6 text in all its forms', () => {
    expect(ipv6Words('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Words('2001:db8::4:1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 4, 1]);
    expect(ipv6Words('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Words('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Words('1::2::3')).toBeUndefined();
    expect(ipv6Words('zz::1')).toBeUndefined();
    expect(ipv6Words('1:2:3')).toBeUndefined();
  });
});
