import { describe, expect, it } from 'vitest';
import { toyEvent } from '../../../support/toy-fields.js';
import { compileFailure, matches } from './helpers.js';

// Fields that stand for several values at once, compared as libsinsp's custom compares do.
const connection = toyEvent({
  'evt.type': 'connect',
  'fd.ip': ['10.0.0.5', '93.184.216.34'],
  'fd.net': ['10.0.0.5', '93.184.216.34'],
  'fd.port': [51234, 443],
  'proc.aname': ['curl', 'bash', 'sshd', 'systemd'],
});

describe('client-or-server fields (fd.ip, fd.port, fd.net)', () => {
  it.each<[string, boolean]>([
    ['fd.ip = 10.0.0.5', true],
    ['fd.ip = 93.184.216.34', true],
    ['fd.ip = 1.1.1.1', false],
    ['fd.ip != 1.1.1.1', true], // neither is equal
    ['fd.ip != 10.0.0.5', false], // one is equal
    ['fd.ip != "0.0.0.0"', true],
    ['fd.ip in (1.1.1.1, 93.184.216.34)', true],
    ['fd.port = 443', true],
    ['fd.port in (80, 8080)', false],
    ['fd.port != 443', false],
    ['fd.port > 50000', true],
    ['fd.net = "10.0.0.0/8"', true],
    ['fd.net != "127.0.0.0/8"', true],
    ['fd.net != "10.0.0.0/8"', false],
    ['not fd.net in ("10.0.0.0/8", "192.168.0.0/16")', false],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, connection)).toBe(expected);
  });

  it('has no value when the event has no connection', () => {
    const none = toyEvent({ 'evt.type': 'open' });
    expect(matches('fd.ip != 1.1.1.1', none)).toBe(false);
    expect(matches('fd.port = 443', none)).toBe(false);
  });

  it('keeps the scalar type: list-only restrictions do not apply, type checks do', () => {
    expect(compileFailure('fd.ip contains 10').reason).toBe('bad_operator_for_type');
  });
});

describe('ancestor fields without an index (proc.aname)', () => {
  it.each<[string, boolean]>([
    ['proc.aname = sshd', true],
    ['proc.aname = systemd', true],
    ['proc.aname = curl', false], // the process itself is not its own ancestor
    ['proc.aname in (sshd, login)', true],
    ['proc.aname != sshd', true], // any ancestor differs
    ['proc.aname startswith ssh', true],
    ['tolower(proc.aname) = sshd', true],
    ['toupper(proc.aname) = SSHD', true],
    ['proc.aname[2] = sshd', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, connection)).toBe(expected);
  });

  it('a process without ancestors matches nothing', () => {
    const orphan = toyEvent({ 'proc.aname': ['init'] });
    expect(matches('proc.aname = init', orphan)).toBe(false);
    expect(matches('proc.aname != init', orphan)).toBe(false);
  });
});
