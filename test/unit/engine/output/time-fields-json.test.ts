// Falco's JSON alert reports the time fields in `output_fields` as the event time in integer
// nanoseconds, not as the text they print: libsinsp's `extract_as_js` returns `evt->get_ts()` as an
// Int64 for evt.time, evt.time.s, evt.time.iso8601, evt.datetime and evt.datetime.s, and the raw value
// for evt.rawtime. Those integers exceed 2^53, so the alert carries them as bigint, digit-exact.
import { describe, expect, it } from 'vitest';
import { compileOutput } from '../../../../detector/engine/output/index.js';
import { SYSCALL_FIELDS } from '../../../../detector/fields/syscall/index.js';
import { K8S_AUDIT_FIELDS } from '../../../../detector/fields/k8s_audit/index.js';
import { createContext, layoutOf, type SyscallEvent } from '../../../../detector/sources/syscall/index.js';
import { stringifyJson } from '../../../../contract/index.js';

const TS = 1_700_000_000_123_456_789n;
const TIME_FIELDS = ['evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s'];

function openatExit(): SyscallEvent {
  const layout = layoutOf(307);
  if (!layout) throw new Error('no openat exit layout');
  return { num: 1, ts: TS, cpu: 0, tid: 1, layout, type: layout.name, dir: layout.dir, params: layout.params.map(() => null), ctx: createContext() };
}

describe('time fields in output_fields', () => {
  it('are the event time in integer nanoseconds for a syscall event, while the text keeps the clock', () => {
    const output = compileOutput(`at %evt.time.iso8601 raw=%evt.rawtime ${TIME_FIELDS.map((f) => `%${f}`).join(' ')}`, SYSCALL_FIELDS);
    const { text, fields } = output.format(openatExit());
    expect(text).toContain('at 2023-11-14T22:13:20.123456789Z raw=1700000000123456789');
    for (const name of [...TIME_FIELDS, 'evt.rawtime']) expect(fields[name], name).toBe(TS);
    expect(stringifyJson(fields)).toContain('"evt.time":1700000000123456789');
  });

  it('keeps the parts of evt.rawtime as plain numbers', () => {
    const { fields } = compileOutput('%evt.rawtime.s %evt.rawtime.ns', SYSCALL_FIELDS).format(openatExit());
    expect(fields).toEqual({ 'evt.rawtime.s': 1_700_000_000, 'evt.rawtime.ns': 123_456_789 });
  });

  it('are the event time in integer nanoseconds for a plugin source (k8s_audit) too', () => {
    const { fields } = compileOutput('%evt.time %evt.datetime %evt.rawtime', K8S_AUDIT_FIELDS).format({ num: 1, time: TS, doc: {} });
    expect(fields).toEqual({ 'evt.time': TS, 'evt.datetime': TS, 'evt.rawtime': TS });
  });
});
