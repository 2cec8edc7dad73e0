import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../../detector/engine/condition/index.js';
import { compileCondition, conditionEventTypes } from '../../../../detector/engine/eval/index.js';
import { makeToyTable, toyFields } from '../../../support/toy-fields.js';
import { compile } from './helpers.js';

/** A syscall-like universe large enough for the official rules' macros. */
const UNIVERSE: ReadonlySet<string> = new Set([
  'open', 'openat', 'openat2', 'creat', 'execve', 'execveat', 'connect', 'accept', 'accept4', 'listen', 'sendto', 'sendmsg',
  'recvfrom', 'recvmsg', 'read', 'write', 'close', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat', 'mkdir', 'mkdirat',
  'symlink', 'symlinkat', 'link', 'linkat', 'chmod', 'fchmod', 'fchmodat', 'setuid', 'ptrace', 'clone', 'clone3', 'fork', 'vfork',
]);

function typesOf(condition: string): string[] | 'all' {
  const types = conditionEventTypes(parseCondition(condition), UNIVERSE);
  return types === undefined ? 'all' : [...types].sort();
}

function allBut(...excluded: string[]): string[] {
  return [...UNIVERSE].filter((t) => !excluded.includes(t)).sort();
}

describe('event types of a condition, as libsinsp resolves them', () => {
  it.each<[string, string[] | 'all']>([
    ['evt.type = open', ['open']],
    ['evt.type == open', ['open']],
    ['evt.type in (open, openat)', ['open', 'openat']],
    ['evt.type != open', allBut('open')],
    ['not evt.type = open', allBut('open')],
    ['not evt.type in (open, close)', allBut('open', 'close')],
    ['not not evt.type = open', ['open']],
    ['proc.name = bash', 'all'],
    ['not proc.name = bash', 'all'], // the set of all types is never complemented
    ['evt.type = open or proc.name = bash', 'all'],
    ['evt.type = open and proc.name = bash', ['open']],
    ['evt.type = open and evt.type = close', []],
    ['evt.type = nosuchevent', []],
    ['(evt.type in (open, openat) or evt.type = execve) and not evt.type = openat', ['execve', 'open']],
    ['not (evt.type = open and proc.name = x)', allBut('open')],
    ['tolower(evt.type) = open', 'all'],
    ['evt.type intersects (open)', 'all'],
    ['evt.type exists', 'all'],
    ['evt.type contains open', 'all'],
    ['evt.type in (open, openat) and evt.type != openat', ['open']],
  ])('%s → %j', (condition, expected) => {
    expect(typesOf(condition)).toEqual(expected);
  });

  // Conditions from the official falco_rules.yaml, with their macros and lists expanded by hand.
  it('Read sensitive file untrusted (open_read) watches the open family', () => {
    const openRead = "(evt.type in (open,openat,openat2) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0)";
    expect(typesOf(`${openRead} and fd.name startswith /etc and not proc.name in (sshd, sudo)`)).toEqual(['open', 'openat', 'openat2']);
  });

  it('Terminal shell in container (spawned_process) watches execve and execveat', () => {
    const condition =
      '(evt.type in (execve, execveat)) and (container.id != host) and (proc.name in (ash, bash, csh, ksh, sh, tcsh, zsh, dash)) and proc.tty != 0 and (proc.vpid = 1 or proc.aname[1] exists)';
    expect(typesOf(condition)).toEqual(['execve', 'execveat']);
  });

  it('Disallowed SSH Connection Non Standard Port (outbound) watches connect, sendto and sendmsg', () => {
    const outbound =
      '((evt.type = connect or (evt.type in (sendto,sendmsg) and fd.l4proto != tcp and fd.connected=false and fd.name_changed=true)) and ' +
      '(fd.typechar = 4 or fd.typechar = 6) and (fd.ip != "0.0.0.0" and fd.net != "127.0.0.0/8" and not fd.snet in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")) and ' +
      '(evt.rawres >= 0 or evt.res = EINPROGRESS))';
    const condition = `${outbound} and proc.exe endswith ssh and fd.l4proto=tcp and (fd.sport in (80, 8080, 88, 443, 8443, 53, 4444))`;
    expect(typesOf(condition)).toEqual(['connect', 'sendmsg', 'sendto']);
  });

  it('Create Symlink Over Sensitive Files watches symlink and symlinkat', () => {
    expect(typesOf('(evt.type in (symlink, symlinkat)) and (evt.arg.target in (/etc) or evt.arg.target startswith /etc/)')).toEqual(['symlink', 'symlinkat']);
  });

  it('a source without event types has no restriction', () => {
    expect(conditionEventTypes(parseCondition('evt.type = open'), new Set())).toBeUndefined();
  });
});

describe('LOAD_NO_EVTTYPE', () => {
  it.each<[string, boolean]>([
    ['proc.name = bash', true],
    ['evt.type = nosuchevent', true], // an empty set is warned about too
    ['evt.type = open and proc.name = bash', false],
    ['evt.type != open', false],
  ])('%s warns: %s', (condition, warns) => {
    const codes = compile(condition).warnings.map((w) => w.code);
    expect(codes.includes('LOAD_NO_EVTTYPE')).toBe(warns);
  });

  it('is not raised for a source without event types', () => {
    const k8s = makeToyTable({ source: 'k8s_audit', eventTypes: [] });
    const compiled = compileCondition(parseCondition('ka.req.pod.containers.image intersects (nginx)'), k8s);
    expect(compiled.warnings).toEqual([]);
    expect(compiled.eventTypes).toBeUndefined();
  });

  it('exposes the set the index uses', () => {
    expect([...(compile('evt.type in (open, openat) and proc.name = cat').eventTypes ?? [])].sort()).toEqual(['open', 'openat']);
    expect(compileCondition(parseCondition('proc.name = cat'), toyFields).eventTypes).toBeUndefined();
  });
});

describe('LOAD_UNSAFE_NA_CHECK', () => {
  it.each<[string, boolean]>([
    ['evt.type = open and ka.req.pod.containers.image in ("<NA>")', true],
    ['evt.type = open and ka.req.pod.containers.image intersects (a, "<NA>")', true],
    ['evt.type = open and proc.name = "<NA>"', false], // only ka.* and jevt.* fields
    ['evt.type = open and ka.req.pod.containers.image intersects (a)', false],
  ])('%s warns: %s', (condition, warns) => {
    const warnings = compile(condition).warnings.filter((w) => w.code === 'LOAD_UNSAFE_NA_CHECK');
    expect(warnings.length).toBe(warns ? 1 : 0);
  });
});
