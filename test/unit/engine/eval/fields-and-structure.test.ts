import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../../detector/engine/ast.js';
import { CompileError, compileCondition, lookupField, MAX_COMPILED_DEPTH } from '../../../../detector/engine/eval/index.js';
import { toyEvent, toyFields } from '../../../support/toy-fields.js';
import { compile, compileFailure, matches } from './helpers.js';

const event = toyEvent({
  'evt.type': 'openat',
  'evt.arg': { flags: 'O_RDONLY|O_CLOEXEC', name: '/etc/shadow', '0': '3' },
  'evt.rawarg': { res: -2 },
  'proc.name': 'cat',
  'proc.aname': ['cat', 'bash', 'sshd', 'systemd'],
  'proc.apid': [300, 200, 100, 1],
  'proc.env': { HOME: '/root', TERM: 'xterm' },
});

describe('field resolution by longest prefix', () => {
  it('finds an exact field before a dotted argument', () => {
    expect(lookupField(toyFields, 'proc.name')?.spec.name).toBe('proc.name');
    expect(lookupField(toyFields, 'proc.name')?.dotted).toBeUndefined();
  });

  it('splits a dotted argument off a dotted-key field', () => {
    const found = lookupField(toyFields, 'evt.arg.flags');
    expect(found?.spec.name).toBe('evt.arg');
    expect(found?.dotted).toBe('flags');
    expect(lookupField(toyFields, 'evt.rawarg.res')?.spec.name).toBe('evt.rawarg');
  });

  it('does not split other fields', () => {
    expect(lookupField(toyFields, 'proc.name.x')).toBeUndefined();
    expect(lookupField(toyFields, 'proc.nope')).toBeUndefined();
  });

  it.each<[string, boolean]>([
    ['evt.arg.flags contains O_RDONLY', true],
    ['evt.arg[flags] contains O_RDONLY', true],
    ['evt.arg.name = /etc/shadow', true],
    ['evt.arg[0] = 3', true],
    ['evt.arg.missing exists', false],
    ['evt.rawarg.res < 0', true],
    ['proc.aname[0] = cat', true],
    ['proc.aname[2] = sshd', true],
    ['proc.aname[3] = systemd', true],
    ['proc.aname[9] exists', false],
    ['proc.aname = bash', true], // no index: the parent
    ['proc.apid[2] = 100', true],
    ['proc.env[HOME] = /root', true],
    ['proc.env[PATH] exists', false],
    ['proc.env contains "HOME=/root"', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, event)).toBe(expected);
  });

  it.each<[string, string]>([
    ['proc.nope = 1', 'unknown_field'],
    ['proc.name.x = 1', 'unknown_field'],
    ['nope.field = 1', 'unknown_field'],
    ['evt.arg = x', 'bad_field_arg'],
    ['proc.name[1] = x', 'bad_field_arg'],
    ['proc.aname[x] = y', 'bad_field_arg'],
    ['proc.aname[-1] = y', 'bad_field_arg'],
    ['evt.arg.flags[x] = y', 'bad_field_arg'],
    ['tolower(proc.nope) = x', 'unknown_field'],
    ['proc.name = val(proc.nope)', 'unknown_field'],
  ])('%s fails with %s', (condition, reason) => {
    const error = compileFailure(condition);
    expect(error.code).toBe('SAKER_ERR_COMPILE');
    expect(error.reason).toBe(reason);
  });

  it('an unknown field error points at the field', () => {
    const error = compileFailure('proc.name = bash and (fd.name = x or proc.nope = 1)');
    expect(error.pos).toEqual({ offset: 37, line: 1, column: 38 });
  });
});

describe('structure', () => {
  it.each<[string, boolean]>([
    ['proc.name = cat and proc.aname[1] = bash', true],
    ['proc.name = cat and proc.aname[1] = zsh', false],
    ['proc.name = dog or proc.aname[1] = bash', true],
    ['proc.name = dog or proc.aname[1] = zsh', false],
    ['not proc.name = cat', false],
    ['not not proc.name = cat', true],
    ['not (proc.name = dog or proc.name = cow)', true],
    ['proc.name = cat and not proc.aname[1] in (sshd, su) and (evt.type = openat or evt.type = open)', true],
    ['proc.pname = x or proc.name = cat', true],
    ['proc.name in (a, b) or proc.name in (c, cat) and evt.type = openat', true],
    ['(proc.name = a or proc.name = b or proc.name = c or proc.name = d or proc.name = cat)', true],
    ['(proc.name exists and proc.env[HOME] exists and evt.type exists and proc.aname[3] exists)', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, event)).toBe(expected);
  });

  it('an identifier left in the AST is an undefined macro', () => {
    const error = compileFailure('proc.name = cat and spawned_process');
    expect(error.reason).toBe('undefined_identifier');
    expect(error.pos.offset).toBe(20);
  });

  it('a long chain of not compiles and evaluates without recursion limits', () => {
    const pos = { offset: 0, line: 1, column: 1 };
    let expr: Expr = { kind: 'binary_check', left: { kind: 'field', name: 'proc.name', pos }, operator: '=', right: { kind: 'value', value: 'cat', quoted: false, pos }, pos };
    for (let i = 0; i < 100_001; i++) expr = { kind: 'not', child: expr, pos };
    const compiled = compileCondition(expr, toyFields);
    expect(compiled.matches(event)).toBe(false);
  });

  it('merges chains of and (or of or) however deep, as macro chains produce them', () => {
    const pos = { offset: 0, line: 1, column: 1 };
    const check = (name: string): Expr => ({ kind: 'binary_check', left: { kind: 'field', name: 'proc.name', pos }, operator: '!=', right: { kind: 'value', value: name, quoted: false, pos }, pos });
    let expr: Expr = check('x0');
    for (let i = 1; i < 20_000; i++) expr = { kind: 'and', children: [expr, { kind: 'not', child: { kind: 'not', child: check(`x${i}`), pos }, pos }], pos };
    const compiled = compileCondition(expr, toyFields);
    expect(compiled.matches(event)).toBe(true);
    expect(compiled.matches(toyEvent({ 'proc.name': 'x19999' }))).toBe(false);
  });

  it('a condition nested too deeply to evaluate safely is a compile error, not a crash', () => {
    const pos = { offset: 0, line: 1, column: 1 };
    const leaf: Expr = { kind: 'unary_check', left: { kind: 'field', name: 'proc.name', pos }, operator: 'exists', pos };
    let expr: Expr = leaf;
    for (let i = 0; i < 200_000; i++) expr = { kind: i % 2 ? 'and' : 'or', children: [leaf, expr], pos };
    let caught: unknown;
    try {
      compileCondition(expr, toyFields);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CompileError);
    expect((caught as CompileError).reason).toBe('too_deep');
  });

  it('alternating and/or up to the limit compiles and evaluates', () => {
    const pos = { offset: 0, line: 1, column: 1 };
    const leaf: Expr = { kind: 'unary_check', left: { kind: 'field', name: 'proc.name', pos }, operator: 'exists', pos };
    const missing: Expr = { kind: 'unary_check', left: { kind: 'field', name: 'proc.pname', pos }, operator: 'exists', pos };
    let expr: Expr = leaf;
    // `and` with a true check and `or` with a false one each pass the inner result through.
    for (let i = 0; i < MAX_COMPILED_DEPTH; i++) expr = i % 2 ? { kind: 'and', children: [leaf, expr], pos } : { kind: 'or', children: [missing, expr], pos };
    expect(compileCondition(expr, toyFields).matches(event)).toBe(true);
    expect(compileCondition(expr, toyFields).matches(toyEvent({ 'proc.pname': 'x' }))).toBe(false);
  });

  it('a compiled condition keeps no per-event state', () => {
    const compiled = compile('proc.name = cat and proc.aname[1] = bash');
    const other = toyEvent({ 'proc.name': 'cat', 'proc.aname': ['cat', 'zsh'] });
    expect([compiled.matches(event), compiled.matches(other), compiled.matches(event)]).toEqual([true, false, true]);
  });
});
