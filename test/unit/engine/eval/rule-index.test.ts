import { describe, expect, it } from 'vitest';
import type { Priority } from '../../../../contract/index.js';
import { RuleIndex, type IndexableRule, type RuleMatching } from '../../../../detector/engine/index-by-type/index.js';
import { toyEvent, toyFields, type ToyEvent } from '../../../support/toy-fields.js';
import { compile } from './helpers.js';

type Rule = IndexableRule<ToyEvent> & { output: string };

function rule(name: string, condition: string, priority: Priority = 'Warning', source = 'syscall'): Rule {
  return { name, priority, source, condition: compile(condition), output: `${name} fired` };
}

function evaluated(index: RuleIndex<ToyEvent, Rule>, event: ToyEvent, source = 'syscall'): string[] {
  return index.match(source, toyFields.eventTypeOf(event), event).map((r) => r.name);
}

const RULES = [
  rule('open etc', 'evt.type in (open, openat) and fd.name startswith /etc'),
  rule('any shell', 'proc.name in (bash, sh)', 'Notice'),
  rule('exec shell', 'evt.type = execve and proc.name in (bash, sh)', 'Critical'),
  rule('open shadow', 'evt.type = openat and fd.name = /etc/shadow', 'Error'),
  rule('not open', 'evt.type != open and proc.name = bash', 'Debug'),
];

function build(ruleMatching: RuleMatching, minimumPriority?: Priority): RuleIndex<ToyEvent, Rule> {
  const index = new RuleIndex<ToyEvent, Rule>(minimumPriority ? { ruleMatching, minimumPriority } : { ruleMatching });
  for (const r of RULES) index.add(r);
  return index;
}

describe('RuleIndex', () => {
  const openShadow = toyEvent({ 'evt.type': 'openat', 'proc.name': 'bash', 'fd.name': '/etc/shadow' });

  it('with rule_matching all, reports every matching rule in load order', () => {
    expect(evaluated(build('all'), openShadow)).toEqual(['open etc', 'any shell', 'open shadow', 'not open']);
  });

  it('with rule_matching first, reports only the first match in load order', () => {
    expect(evaluated(build('first'), openShadow)).toEqual(['open etc']);
    expect(evaluated(build('first'), toyEvent({ 'evt.type': 'execve', 'proc.name': 'sh' }))).toEqual(['any shell']);
  });

  it('runs only the bucket of the event type plus the type-less rules', () => {
    const index = build('all');
    expect(index.candidates('syscall', 'execve').map((r) => r.name)).toEqual(['any shell', 'exec shell', 'not open']);
    expect(index.candidates('syscall', 'open').map((r) => r.name)).toEqual(['open etc', 'any shell']);
    // `evt.type != open` names every other type of the source.
    expect(index.candidates('syscall', 'ptrace').map((r) => r.name)).toEqual(['any shell', 'not open']);
    // A type no rule names: the type-less rules only.
    expect(index.candidates('syscall', 'no_such_type').map((r) => r.name)).toEqual(['any shell']);
    // An event without a type: the type-less rules only.
    expect(index.candidates('syscall', undefined).map((r) => r.name)).toEqual(['any shell']);
  });

  it('does not add rules below the minimum priority', () => {
    const index = build('all', 'Error');
    expect(index.rules('syscall').map((r) => r.name)).toEqual(['exec shell', 'open shadow']);
    expect(evaluated(index, openShadow)).toEqual(['open shadow']);
    expect(index.add(rule('low', 'proc.name = x', 'Warning'))).toBe(false);
    expect(index.add(rule('high', 'proc.name = bash', 'Emergency'))).toBe(true);
    expect(evaluated(index, openShadow)).toEqual(['open shadow', 'high']);
  });

  it('keeps sources apart', () => {
    const index = build('all');
    index.add(rule('k8s rule', 'ka.req.pod.containers.image intersects (nginx)', 'Warning', 'k8s_audit'));
    const k8sEvent = toyEvent({ 'ka.req.pod.containers.image': ['nginx'], 'proc.name': 'bash' });
    expect(evaluated(index, k8sEvent, 'k8s_audit')).toEqual(['k8s rule']);
    expect(index.match('cloudtrail', undefined, k8sEvent)).toEqual([]);
    expect(index.sourceNames().sort()).toEqual(['k8s_audit', 'syscall']);
  });

  it('rebuilds its buckets when a rule is added later', () => {
    const index = build('all');
    expect(evaluated(index, toyEvent({ 'evt.type': 'ptrace', 'proc.name': 'gdb' }))).toEqual([]);
    index.add(rule('ptrace', 'evt.type = ptrace'));
    expect(evaluated(index, toyEvent({ 'evt.type': 'ptrace', 'proc.name': 'gdb' }))).toEqual(['ptrace']);
    expect(index.candidates('syscall', 'ptrace').map((r) => r.name)).toEqual(['any shell', 'not open', 'ptrace']);
  });

  it('returns no match for an event that matches nothing', () => {
    expect(evaluated(build('all'), toyEvent({ 'evt.type': 'close', 'proc.name': 'nginx' }))).toEqual([]);
  });
});
