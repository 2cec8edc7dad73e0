import { describe, expect, it } from 'vitest';
import { isAlert } from '../../../../contract/index.js';
import { Engine } from '../../../../detector/engine/index.js';
import { toyEvent } from '../../../support/toy-fields.js';
import { TABLES, rule } from './helpers.js';

// 2026-11-22T10:00:00.123456789Z
const T = 1_795_341_600_123_456_789n;

const RULES = [
  rule('shell', 'evt.type = execve and proc.name in (bash, sh)', '  tags: [shell, process]\n'),
  rule('any exec', 'evt.type = execve').replace('WARNING', 'DEBUG'),
  rule('disabled', 'evt.type = execve', '  enabled: false\n'),
].join('');

function engine(options: Partial<ConstructorParameters<typeof Engine>[0]> = {}): Engine {
  const e = new Engine({ fieldTables: TABLES, hostname: 'host-1', ...options });
  const result = e.loadRules([{ name: 'rules.yaml', content: RULES }]);
  expect(result.successful).toBe(true);
  return e;
}

const bash = toyEvent({ 'evt.type': 'execve', 'proc.name': 'bash', 'evt.rawtime': T });

describe('Engine', () => {
  it("turns a matching event into a Falco alert with the text line, typed output fields and sorted tags", () => {
    const [alert, ...rest] = engine().process('syscall', bash);
    expect(rest).toEqual([]);
    expect(alert).toEqual({
      time: '2026-11-22T10:00:00.123456789Z',
      rule: 'shell',
      priority: 'Warning',
      source: 'syscall',
      hostname: 'host-1',
      output: '10:00:00.123456789: Warning out bash',
      output_fields: { 'evt.time': T, 'proc.name': 'bash' },
      tags: ['process', 'shell'],
    });
    expect(isAlert(alert)).toBe(true);
  });

  it('uses the ISO 8601 time in the text line when asked, as time_format_iso_8601 does', () => {
    const [alert] = engine({ timeFormatIso8601: true }).process('syscall', bash);
    expect(alert?.output).toBe('2026-11-22T10:00:00.123456789+0000: Warning out bash');
    expect(Object.keys(alert?.output_fields ?? {})).toContain('evt.time.iso8601');
  });

  it('reports every matching rule in load order with rule_matching all, never a disabled one', () => {
    expect(engine({ ruleMatching: 'all' }).process('syscall', bash).map((a) => a.rule)).toEqual(['shell', 'any exec']);
  });

  it('skips rules below the minimum priority', () => {
    const e = engine({ minimumPriority: 'Warning', ruleMatching: 'all' });
    expect(e.process('syscall', toyEvent({ 'evt.type': 'execve', 'proc.name': 'ls' }))).toEqual([]);
    expect(e.process('syscall', bash).map((a) => a.rule)).toEqual(['shell']);
  });

  it('raises nothing for events no rule watches or of a source without rules', () => {
    const e = engine();
    expect(e.process('syscall', toyEvent({ 'evt.type': 'openat', 'proc.name': 'bash' }))).toEqual([]);
    expect(e.process('k8s_audit', bash)).toEqual([]);
    expect(e.process('no_such_source', bash)).toEqual([]);
  });

  it('keeps no rules after a load with an error', () => {
    const e = engine();
    const result = e.loadRules([{ name: 'bad.yaml', content: `${RULES}- macro: broken\n` }]);
    expect(result.successful).toBe(false);
    expect(e.rules).toEqual([]);
    expect(e.process('syscall', bash)).toEqual([]);
  });

  it('prints <NA> for a missing output field and reports it as null', () => {
    const e = new Engine({ fieldTables: TABLES, hostname: 'h' });
    e.loadRules([{ name: 'r.yaml', content: rule('r', 'evt.type = execve').replace('out %proc.name', 'user=%user.name') }]);
    const [alert] = e.process('syscall', bash);
    expect(alert?.output).toBe('10:00:00.123456789: Warning user=<NA>');
    expect(alert?.output_fields['user.name']).toBeNull();
  });
});
