import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { compileMatch, MatchExpressionError } from '../../../sidekick/routing/match-expression.js';

const alert = (overrides: Partial<Alert> = {}): Alert => ({
  time: '2026-11-22T10:00:00.000000000Z',
  rule: 'Terminal shell in container',
  priority: 'Critical',
  source: 'syscall',
  hostname: 'node-1',
  output: 'A shell was spawned in a container',
  output_fields: { 'k8s.ns.name': 'prod', 'proc.name': 'bash', 'proc.pid': 900, 'proc.aname[2]': 'sshd', 'container.id': null },
  tags: ['T1059.004', 'container', 'shell'],
  ...overrides,
});

const holds = (expression: string, on: Alert = alert()) => compileMatch(expression).matches(on);

function errorOf(expression: string): MatchExpressionError {
  try {
    compileMatch(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(MatchExpressionError);
    expect((error as MatchExpressionError).code).toBe('SAKER_ERR_MATCH_EXPRESSION');
    return error as MatchExpressionError;
  }
  throw new Error(`'${expression}' compiled`);
}

describe('match expressions over alerts', () => {
  it('compares priority by severity, with any case and the info alias', () => {
    expect(holds('priority >= Critical')).toBe(true);
    expect(holds('priority >= critical', alert({ priority: 'Emergency' }))).toBe(true);
    expect(holds('priority >= Critical', alert({ priority: 'Error' }))).toBe(false);
    expect(holds('priority > Critical')).toBe(false);
    expect(holds('priority < Error', alert({ priority: 'Informational' }))).toBe(true);
    expect(holds('priority = info', alert({ priority: 'Informational' }))).toBe(true);
    expect(holds('priority in (Error, "Critical")')).toBe(true);
    expect(holds('priority != Critical')).toBe(false);
  });

  it('reads rule, source and hostname with Falco string operators', () => {
    expect(holds('rule = "Terminal shell in container"')).toBe(true);
    expect(holds('rule startswith Terminal and source = syscall')).toBe(true);
    expect(holds('hostname in (node-1, node-2)')).toBe(true);
    expect(holds('hostname glob "node-*"')).toBe(true);
    expect(holds('source = k8s_audit')).toBe(false);
  });

  it('tests tags one by one: a check holds when it holds for any tag, != when no tag is equal', () => {
    expect(holds('tags contains T1059')).toBe(true);
    expect(holds('tags = container')).toBe(true);
    expect(holds('tags in (network, shell)')).toBe(true);
    expect(holds('tags != container')).toBe(false);
    expect(holds('tags != network')).toBe(true);
    expect(holds('tags contains T1059', alert({ tags: [] }))).toBe(false);
    expect(holds('not tags contains T1059', alert({ tags: [] }))).toBe(true);
  });

  it('reads output fields by their own names, typed as Falco types them', () => {
    expect(holds('k8s.ns.name = prod and priority >= Critical')).toBe(true);
    expect(holds('k8s.ns.name = prod and priority >= Critical', alert({ priority: 'Warning' }))).toBe(false);
    expect(holds('proc.name in (bash, sh)')).toBe(true);
    // proc.pid is an integer in Falco: 900 < 1000 numerically, although "900" > "1000" as text.
    expect(holds('proc.pid < 1000')).toBe(true);
    expect(holds('proc.aname[2] = sshd')).toBe(true);
    // A null or missing field has no value: every comparison with it is false, as in Falco.
    expect(holds('container.id = abc')).toBe(false);
    expect(holds('container.id exists')).toBe(false);
    expect(holds('k8s.pod.name exists')).toBe(false);
  });

  it('reads output fields written as output_fields[name], dotted or not, quoted or not', () => {
    const on = alert({ output_fields: { ...alert().output_fields, cluster: 'eu-1', 'my key': 'x', 'evt.count': 7 } });
    expect(holds('output_fields[proc.name] = bash', on)).toBe(true);
    expect(holds('output_fields[k8s.ns.name] in (prod, staging)', on)).toBe(true);
    expect(holds('output_fields[k8s.ns.name] in (dev, staging)', on)).toBe(false);
    expect(holds('output_fields["k8s.ns.name"] = prod and priority >= Critical', on)).toBe(true);
    // Typed as the dotted form: proc.pid is an integer in Falco.
    expect(holds('output_fields[proc.pid] < 1000', on)).toBe(true);
    expect(holds('output_fields[proc.aname[2]] = sshd', on)).toBe(true);
    // Names without dots: custom and templated fields.
    expect(holds('output_fields[cluster] = eu-1', on)).toBe(true);
    expect(holds("output_fields['my key'] = x", on)).toBe(true);
    expect(holds('tolower(output_fields[proc.name]) = bash', on)).toBe(true);
    expect(holds('output_fields[cluster] startswith eu and not output_fields[proc.name] in (sh, zsh)', on)).toBe(true);
    // The key is an output field's name, never an alert key.
    expect(holds('output_fields[rule] exists', on)).toBe(false);
    expect(holds('output_fields[rule] = x', alert({ output_fields: { rule: 'x' } }))).toBe(true);
  });

  it('gives output_fields[name] that the alert lacks no value, as Falco does a missing field', () => {
    expect(holds('output_fields[k8s.pod.name] = x')).toBe(false);
    expect(holds('output_fields[k8s.pod.name] != x')).toBe(false);
    expect(holds('output_fields[k8s.pod.name] exists')).toBe(false);
    expect(holds('not output_fields[k8s.pod.name] exists')).toBe(true);
    expect(holds('output_fields[cluster] = x')).toBe(false);
    expect(holds('output_fields[container.id] exists')).toBe(false); // null
  });

  it('keeps output_fields[...] a plain value where Falco reads a value', () => {
    expect(holds('proc.name in (output_fields[x], sh)', alert({ output_fields: { 'proc.name': 'output_fields[x]' } }))).toBe(true);
    expect(holds('proc.name = "output_fields[x]"', alert({ output_fields: { 'proc.name': 'output_fields[x]' } }))).toBe(true);
  });

  it('rejects a malformed output_fields[...] with the column as written', () => {
    expect(errorOf('output_fields[proc.name = bash').column).toBe(24);
    expect(errorOf('output_fields[proc.name = bash').message).toContain('blank');
    expect(errorOf('rule = x and output_fields[proc.name').message).toContain("has no closing ']'");
    expect(errorOf('rule = x and output_fields[proc.name').column).toBe(27);
    expect(errorOf('output_fields[] = bash').column).toBe(15);
    expect(errorOf('output_fields[] = bash').message).toContain('needs the name of an output field');
    expect(errorOf('output_fields["proc.name" = bash').column).toBe(26);
    expect(errorOf('output_fields[proc.name] =').column).toBe(27);
    expect(errorOf('output_fields[proc.pid] > abc').column).toBe(27);
    expect(errorOf('output_fields = bash').message).toContain('output_fields[proc.name]');
    expect(errorOf('rule = x or output_fields = bash').column).toBe(13);
  });

  it('leaves words that are values alone', () => {
    expect(holds('proc.name = priority', alert({ output_fields: { 'proc.name': 'priority' } }))).toBe(true);
    expect(holds('proc.name in (rule, tags)', alert({ output_fields: { 'proc.name': 'tags' } }))).toBe(true);
    expect(holds('(hostname = node-1) and not (rule = tags)')).toBe(true);
  });

  it('rejects bad expressions with the column of the problem as written', () => {
    expect(errorOf('priority >= Huge').column).toBe(13);
    expect(errorOf('k8s.ns.name = prod and bogus').column).toBe(24);
    expect(errorOf('k8s.ns.name = prod and bogus').message).toContain("unknown name 'bogus'");
    expect(errorOf('proc.pid > abc').column).toBe(12);
    expect(errorOf('k8s.ns.name = ').column).toBe(15);
    expect(errorOf('priority >= Critical and tags <').column).toBe(32);
    expect(errorOf('rule contains').message).toMatch(/expected/);
  });
});
