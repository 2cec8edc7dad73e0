import { describe, expect, it } from 'vitest';
import { compileOutput, OutputCompileError } from '../../../../detector/engine/output/index.js';
import { toyEvent, toyFields } from '../../../support/toy-fields.js';

const event = toyEvent({
  'evt.type': 'openat',
  'evt.rawtime': 1732270830123456789n,
  'evt.arg': { flags: 'O_RDONLY', path: '/test/dir' },
  'proc.name': 'init',
  'proc.pname': 'systemd',
  'proc.pid': 1,
  'proc.tty': 34816,
  'proc.aname': ['cat', 'bash', 'sshd'],
  'proc.env': { HOME: '/root' },
  'proc.is_exe_upper_layer': true,
  'fd.name': '/etc/shadow',
  'fd.sip': '10.0.0.1',
  'ka.req.pod.containers.image': ['nginx', 'busybox'],
  'ka.req.pod.containers.host_port': [80, 443],
  'toy.ratio': 0.5,
});

function format(text: string, options?: { resolveTransformedFields?: boolean }): { text: string; fields: Record<string, unknown> } {
  return compileOutput(text, toyFields, options).format(event);
}

function failure(text: string): OutputCompileError {
  try {
    compileOutput(text, toyFields);
  } catch (error) {
    if (error instanceof OutputCompileError) return error;
    throw error;
  }
  throw new Error(`expected '${text}' not to compile`);
}

describe('output text', () => {
  it.each<[string, string]>([
    ['start %proc.name end', 'start init end'],
    ['start%proc.nameand%proc.pidend', 'startinitand1end'], // a token ends where no longer field name matches
    ['%proc.names', 'inits'],
    ['%proc.name.', 'init.'],
    ['(%proc.name)', '(init)'],
    ['file=%fd.name,pid=%proc.pid', 'file=/etc/shadow,pid=1'],
    ['%proc.aname[2]', 'sshd'],
    ['%proc.aname[2]x', 'sshdx'],
    // A bracket that does not make a valid argument is text after the longest valid field, as in libsinsp.
    ['%proc.aname[x]', 'bash sshd[x]'],
    // Without an index: every ancestor from the parent up, space-separated, as libsinsp prints it.
    ['%proc.aname', 'bash sshd'],
    ['%proc.name[1]', 'init[1]'],
    ['%proc.name[', 'init['],
    ['%proc.env[HOME]', '/root'],
    ['%evt.arg.flags', 'O_RDONLY'],
    ['%evt.arg[flags]', 'O_RDONLY'],
    ['%evt.arg.flags)', 'O_RDONLY)'],
    ['%toupper(proc.name)', 'INIT'],
    ['%tolower(toupper(proc.name))', 'init'],
    ['%toupper( proc.name )', 'INIT'],
    ['%toupper(evt.arg.path)', '/TEST/DIR'],
    ['%basename(fd.name)', 'shadow'],
    ['%len(proc.name)', '4'],
    ['%concat(proc.name, evt.arg.path)', 'init/test/dir'],
    ['%join("->", (proc.name, evt.arg.path))', 'init->/test/dir'],
    ['%toupper(join("->", (concat(proc.name, evt.arg.path), proc.name)))', 'INIT/TEST/DIR->INIT'],
    ['%proc.is_exe_upper_layer', 'true'],
    ['%evt.rawtime', '1732270830123456789'],
    ['%ka.req.pod.containers.image', '(nginx,busybox)'],
    ['%fd.sip', '10.0.0.1'],
    ['%toy.ratio', '0.5'],
    ['no fields at all', 'no fields at all'],
    ['', ''],
    ['100% sure: %proc.name'.replace('100% sure', '100 percent sure'), '100 percent sure: init'],
  ])('%s → %s', (text, expected) => {
    expect(format(text).text).toBe(expected);
  });

  it('prints <NA> for a missing value', () => {
    expect(format('start %proc.cmdline end').text).toBe('start <NA> end');
    expect(format('%proc.aname[7] %toupper(proc.cmdline)').text).toBe('<NA> <NA>');
  });

  it('pads or cuts to a width prefix', () => {
    expect(format('start %2proc.name end').text).toBe('start in end');
    expect(format('start %10proc.name end').text).toBe('start init       end');
    expect(format('start %2toupper(proc.name) end').text).toBe('start IN end');
    expect(format('start %10toupper(proc.name) end').text).toBe('start INIT       end');
    expect(format('%6proc.cmdline|').text).toBe('<NA>  |');
  });
});

describe('output fields', () => {
  it('lists each named field once, keyed as Falco keys output_fields, sorted', () => {
    expect(format('%proc.pid %proc.name %proc.name %proc.aname[2] %evt.arg.flags %evt.arg[path]').fields).toEqual({
      'evt.arg.flags': 'O_RDONLY',
      'evt.arg[path]': '/test/dir',
      'proc.aname[2]': 'sshd',
      'proc.name': 'init',
      'proc.pid': 1,
    });
    expect(Object.keys(format('%proc.pid %evt.type %fd.name').fields)).toEqual(['evt.type', 'fd.name', 'proc.pid']);
  });

  it('types values: numbers, booleans, strings, lists and null', () => {
    expect(format('%proc.tty %proc.is_exe_upper_layer %evt.rawtime %fd.sip %toy.ratio %proc.cmdline').fields).toEqual({
      'evt.rawtime': 1732270830123456789n,
      'fd.sip': '10.0.0.1',
      'proc.cmdline': null,
      'proc.is_exe_upper_layer': true,
      'proc.tty': 34816,
      'toy.ratio': 0.5,
    });
    expect(format('%ka.req.pod.containers.image %ka.req.pod.containers.host_port').fields).toEqual({
      'ka.req.pod.containers.image': ['nginx', 'busybox'],
      'ka.req.pod.containers.host_port': [80, 443],
    });
  });

  it('reports the fields under a transformer, not the transformed value (Falco leaves that off)', () => {
    expect(format('start %toupper(proc.name) end').fields).toEqual({ 'proc.name': 'init' });
    expect(format('%join("->", (toupper(proc.name), tolower(evt.arg.path)))').fields).toEqual({ 'evt.arg.path': '/test/dir', 'proc.name': 'init' });
  });

  it('can report transformed values as libsinsp names them', () => {
    expect(format('start %toupper(proc.name) end', { resolveTransformedFields: true }).fields).toEqual({ 'proc.name': 'init', 'toupper(proc.name)': 'INIT' });
    expect(format('%tolower(toupper(proc.name))', { resolveTransformedFields: true }).fields).toEqual({
      'proc.name': 'init',
      'tolower(toupper(proc.name))': 'init',
    });
    expect(format('%join("->", (toupper(proc.name), tolower(evt.arg.path)))', { resolveTransformedFields: true }).fields).toEqual({
      'evt.arg.path': '/test/dir',
      'join(->,(toupper(proc.name),tolower(evt.arg.path)))': 'INIT->/test/dir',
      'proc.name': 'init',
      'toupper(proc.name)': 'INIT',
    });
    expect(
      format('%toupper(join("->", (concat(proc.name, evt.arg.path), proc.name)))', { resolveTransformedFields: true }).fields,
    ).toEqual({
      'concat(proc.name,evt.arg.path)': 'init/test/dir',
      'evt.arg.path': '/test/dir',
      'proc.name': 'init',
      'toupper(join(->,(concat(proc.name,evt.arg.path),proc.name)))': 'INIT/TEST/DIR->INIT',
    });
  });

  it('exposes the field names up front', () => {
    expect(compileOutput('%proc.name %fd.name %proc.name', toyFields).fieldNames).toEqual(['fd.name', 'proc.name']);
  });
});

describe('bad outputs', () => {
  it.each<[string, string, number]>([
    ['start %some.field end', 'unknown_field', 6],
    ['start %a end', 'syntax', 6],
    ['start % end', 'syntax', 6],
    ['start %proc.name %', 'syntax', 17],
    ['start %12', 'syntax', 6],
    ['%val(proc.name)', 'syntax', 0],
    ['%toupper(proc.name', 'syntax', 0],
    ['%toupper (proc.name)', 'syntax', 0],
    ['%toupper(proc.pid)', 'bad_transformer', 0],
    ['ok %evt.arg', 'bad_field_arg', 3],
    ['%%proc.name', 'syntax', 0],
  ])('%s fails with %s at %i', (text, reason, offset) => {
    const error = failure(text);
    expect(error.code).toBe('SAKER_ERR_COMPILE_OUTPUT');
    expect(error.reason).toBe(reason);
    expect(error.offset).toBe(offset);
  });

  it('a long run of text after a bad token is rejected quickly, not retried character by character forever', () => {
    const error = failure(`%toupper(${'x'.repeat(100_000)}`);
    expect(error.code).toBe('SAKER_ERR_COMPILE_OUTPUT');
  });
});
