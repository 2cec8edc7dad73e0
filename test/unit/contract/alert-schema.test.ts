import { describe, expect, it } from 'vitest';
import { isAlert, parseIncomingAlert, type Alert } from '../../../contract/index.js';

/** An alert exactly as Falco's http_output posts it with json_output enabled. */
const falcoAlert = {
  hostname: 'node-1',
  output:
    '10:20:30.123456789: Warning Sensitive file opened for reading by non-trusted program (file=/etc/shadow gparent=bash ggparent=sshd gggparent=systemd evt_type=openat user=root user_uid=0 user_loginuid=0 process=cat proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=34816 container_id=host container_name=host)',
  output_fields: {
    'container.id': 'host',
    'container.name': 'host',
    'evt.time': 1732270830123456800,
    'evt.type': 'openat',
    'fd.name': '/etc/shadow',
    'proc.aname[2]': 'sshd',
    'proc.cmdline': 'cat /etc/shadow',
    'proc.tty': 34816,
    'user.loginuid': 0,
    'k8s.ns.name': null,
  },
  priority: 'Warning',
  rule: 'Read sensitive file untrusted',
  source: 'syscall',
  tags: ['filesystem', 'host', 'maturity_stable', 'mitre_credential_access', 'T1555'],
  time: '2026-11-22T10:20:30.123456789Z',
};

describe('parseIncomingAlert', () => {
  it('accepts a Falco JSON alert unchanged', () => {
    const result = parseIncomingAlert(falcoAlert);
    expect(result).toEqual({ ok: true, alert: falcoAlert });
    if (result.ok) expect(isAlert(result.alert)).toBe(true);
  });

  it('accepts the minimal falcosidekick alert and fills the defaults', () => {
    const result = parseIncomingAlert({ rule: 'r', priority: 'info', time: '2026-11-22T10:20:30Z' });
    expect(result).toEqual({
      ok: true,
      alert: { rule: 'r', priority: 'Informational', time: '2026-11-22T10:20:30Z', source: 'syscalls', hostname: '', output: '', output_fields: {}, tags: [] },
    });
  });

  it('canonicalises the priority spelling and drops unknown keys', () => {
    const result = parseIncomingAlert({ ...falcoAlert, priority: 'CRITICAL', extra: { nested: true } });
    expect(result.ok && result.alert.priority).toBe('Critical');
    expect(result.ok && 'extra' in result.alert).toBe(false);
  });

  it.each([
    ['missing rule', { priority: 'Warning', time: '2026-11-22T10:20:30Z' }, '/rule'],
    ['missing time', { rule: 'r', priority: 'Warning' }, '/time'],
    ['missing priority', { rule: 'r', time: '2026-11-22T10:20:30Z' }, '/priority'],
    ['unknown priority', { rule: 'r', priority: 'severe', time: '2026-11-22T10:20:30Z' }, '/priority'],
    ['time not RFC 3339', { rule: 'r', priority: 'Warning', time: '22/11/2026 10:20' }, '/time'],
    ['time with ten fraction digits', { rule: 'r', priority: 'Warning', time: '2026-11-22T10:20:30.1234567890Z' }, '/time'],
    ['empty rule', { rule: '', priority: 'Warning', time: '2026-11-22T10:20:30Z' }, '/rule'],
    ['tags not strings', { ...falcoAlert, tags: [1, 2] }, '/tags/0'],
    ['output_fields value an object', { ...falcoAlert, output_fields: { a: { b: 1 } } }, '/output_fields/a'],
    ['output not a string', { ...falcoAlert, output: 42 }, '/output'],
  ])('rejects an alert with %s, naming %s', (_label, input, path) => {
    const result = parseIncomingAlert(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain(path);
  });

  it.each([null, 'text', 42, [], [falcoAlert]])('rejects a non-object body %j', (input) => {
    expect(parseIncomingAlert(input).ok).toBe(false);
  });
});

describe('isAlert (the canonical contract)', () => {
  const canonical: Alert = { ...falcoAlert, priority: 'Warning', uuid: '7f0c7c4e-3b1a-4c55-9a3e-0d5a3f0b9e21' };

  it('accepts a canonical alert with a uuid', () => {
    expect(isAlert(canonical)).toBe(true);
  });

  it('rejects a lower-case priority, an unknown key or a malformed uuid', () => {
    expect(isAlert({ ...canonical, priority: 'warning' })).toBe(false);
    expect(isAlert({ ...canonical, extra: 1 })).toBe(false);
    expect(isAlert({ ...canonical, uuid: 'not-a-uuid' })).toBe(false);
  });
});
