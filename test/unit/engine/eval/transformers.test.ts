import { describe, expect, it } from 'vitest';
import { toyEvent } from '../../../support/toy-fields.js';
import { compileFailure, matches } from './helpers.js';

const event = toyEvent({
  'evt.type': 'execve',
  'proc.name': 'BaSh',
  'proc.pname': 'bash',
  'proc.exepath': '/usr/bin/BaSh',
  'proc.pexepath': '/usr/bin/bash',
  'proc.cmdline': 'ZWNobyBoZWxsbw', // base64 of "echo hello" without padding
  'proc.args': 'aGk=',
  'fd.name': '/etc/shadow',
  'fd.filename': 'shadow',
  'evt.buffer': new Uint8Array([1, 2, 3, 4]),
  'ka.req.pod.containers.image': ['nginx', 'busybox', 'redis'],
  'proc.pid': 10,
  'proc.ppid': 10,
  'user.uid': 1000,
  'proc.tty': 1000,
});

describe('transformers on the left', () => {
  it.each<[string, boolean]>([
    ['tolower(proc.name) = bash', true],
    ['toupper(proc.name) = BASH', true],
    ['tolower(proc.name) = BaSh', false],
    ['toupper(tolower(proc.name)) = BASH', true],
    ['basename(proc.exepath) = BaSh', true],
    ['basename(fd.name) = shadow', true],
    ['basename(fd.filename) = shadow', true],
    ['tolower(basename(proc.exepath)) in (sh, bash)', true],
    ['b64(proc.cmdline) = "echo hello"', true],
    ['b64(proc.args) = hi', true],
    ['len(proc.name) = 4', true],
    ['len(proc.name) > 3', true],
    ['len(fd.name) = 11', true],
    ['len(evt.buffer) = 4', true],
    ['len(ka.req.pod.containers.image) = 3', true],
    ['len(ka.req.pod.containers.image) in (1, 2)', false],
    ['concat(proc.name, proc.pname) = BaShbash', true],
    ['concat(proc.name, "-", proc.pname) = BaSh-bash', true],
    ['toupper(concat(proc.name, proc.pname)) = BASHBASH', true],
    ['join(",", ka.req.pod.containers.image) = "nginx,busybox,redis"', true],
    ['join("->", (proc.name, proc.pname)) = "BaSh->bash"', true],
    ['join(",", (proc.name, "x")) = "BaSh,x"', true],
    ['getopt(("-l", "-p", "8080", "-e", "/bin/sh"), "lp:e:") intersects (e)', true],
    ['getopt(("-lpe", "/bin/sh"), "lpe:") intersects ("/bin/sh")', true],
    ['getopt(("-n", "--", "-t"), "nt:") intersects (t)', false],
    ['getopt(("-x", "-n"), "n") intersects ("?")', true],
    ['getopt(("-t"), "t:") intersects ("")', true],
    ['getopt(("file", "-n"), "n") intersects (n)', false],
    ['len(getopt(("-abc", "value"), "abc:")) = 4', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, event)).toBe(expected);
  });

  it('b64 of text that is not base64 has no value', () => {
    const bad = toyEvent({ 'proc.cmdline': 'not base64!' });
    expect(matches('b64(proc.cmdline) = x', bad)).toBe(false);
    expect(matches('not b64(proc.cmdline) = x', bad)).toBe(true);
  });

  it('toupper and tolower change ASCII letters only, as C toupper does', () => {
    expect(matches('toupper(proc.name) = "ÉCOLE"', toyEvent({ 'proc.name': 'école' }))).toBe(false);
    expect(matches('toupper(proc.name) = "éCOLE"', toyEvent({ 'proc.name': 'école' }))).toBe(true);
  });

  it('len counts bytes, not characters', () => {
    expect(matches('len(proc.name) = 6', toyEvent({ 'proc.name': 'école' }))).toBe(true);
  });

  it('concat and join have no value when an argument has none', () => {
    const partial = toyEvent({ 'proc.name': 'a' });
    expect(matches('concat(proc.name, proc.pname) exists', partial)).toBe(false);
    expect(matches('join(",", (proc.name, proc.pname)) exists', partial)).toBe(false);
  });

  it.each<[string]>([
    ['tolower(proc.pid) = 1'],
    ['toupper(evt.buffer) = x'],
    ['basename(proc.pid) = 1'],
    ['b64(proc.pid) = 1'],
    ['len(proc.pid) = 1'],
    ['tolower(ka.req.pod.containers.image) in (a)'],
    ['concat(proc.name) = a'],
    ['concat(proc.name, fd.name) = a'],
    ['concat(proc.name, proc.pid) = a'],
    ['join(",", proc.name) = a'],
    ['join(ka.req.pod.containers.image, ka.req.pod.containers.image) = a'],
    ['getopt(proc.name, "n") intersects (n)'],
    ['getopt(("-n"), ("n")) intersects (n)'],
    ['tolower(proc.name, proc.pname) = a'],
  ])('%s is rejected', (condition) => {
    expect(compileFailure(condition).reason).toBe('bad_transformer');
  });

  it('len yields a number: string operators are rejected on it', () => {
    expect(compileFailure('len(proc.name) startswith 1').reason).toBe('bad_operator_for_type');
  });
});

describe('field-to-field comparison (val and transformers on the right)', () => {
  it.each<[string, boolean]>([
    ['proc.pname = val(proc.pname)', true],
    ['proc.name = val(proc.pname)', false],
    ['proc.name != val(proc.pname)', true],
    ['tolower(proc.name) = val(proc.pname)', true],
    ['proc.pname = tolower(proc.name)', true],
    ['proc.pname contains val(proc.pname)', true],
    ['proc.pid = val(proc.ppid)', true],
    ['proc.pid >= val(proc.ppid)', true],
    ['proc.pid < val(proc.ppid)', false],
    ['user.uid = val(proc.tty)', true],
    ['proc.name in val(proc.pname)', false],
    ['proc.pname in val(proc.pname)', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, event)).toBe(expected);
  });

  it('both sides must have the same type', () => {
    expect(compileFailure('proc.pexepath endswith val(proc.pname)').reason).toBe('bad_field_value');
    expect(compileFailure('proc.name = val(proc.pid)').reason).toBe('bad_field_value');
    expect(compileFailure('len(proc.name) = val(proc.name)').reason).toBe('bad_field_value');
  });

  it('pmatch, regex and network fields do not take a field on the right', () => {
    expect(compileFailure('fd.name pmatch val(fd.directory)').reason).toBe('bad_field_value');
    expect(compileFailure('proc.name regex val(proc.pname)').reason).toBe('bad_field_value');
    expect(compileFailure('fd.snet = val(fd.cnet)').reason).toBe('bad_field_value');
  });
});
