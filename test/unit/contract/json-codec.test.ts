import { describe, expect, it } from 'vitest';
import { isAlert, markLongIntegers, parseIncomingAlert, parseJson, stringifyJson } from '../../../contract/index.js';

/** An alert as Falco's http_output sends it: evt.time is an integer of nanoseconds, beyond 2^53. */
const FALCO_TEXT =
  '{"hostname":"node-1","output":"10:20:30.123456789: Warning x","output_fields":{"evt.time":1700000000123456789,' +
  '"evt.rawtime":1700000000123456789,"proc.pid":4242,"fd.name":"/etc/shadow","k8s.ns.name":null},"priority":"Warning",' +
  '"rule":"Read sensitive file untrusted","source":"syscall","tags":["filesystem"],"time":"2023-11-14T22:13:20.123456789Z"}';

describe('parseJson', () => {
  it('reads an integer beyond 2^53 as a bigint with every digit', () => {
    const value = parseJson(FALCO_TEXT) as { output_fields: Record<string, unknown> };
    expect(value.output_fields['evt.time']).toBe(1700000000123456789n);
    expect(value.output_fields['evt.rawtime']).toBe(1700000000123456789n);
    // Plain JSON.parse loses the last digits: the reason for this codec.
    expect(BigInt((JSON.parse(FALCO_TEXT) as { output_fields: Record<string, number> }).output_fields['evt.time'] as number)).not.toBe(
      1700000000123456789n,
    );
  });

  it('keeps small integers, floats and everything else as JSON.parse gives them', () => {
    const text = '{"a":4242,"b":-1.5e3,"c":0.12345678901234567,"d":[true,null,"x"],"e":9007199254740991,"f":-1234567890123456789}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(value).toEqual({ ...(JSON.parse(text) as object), f: -1234567890123456789n });
    expect(typeof value.e).toBe('number');
  });

  it('leaves digits inside strings, fractions and exponents alone', () => {
    const text = '{"s":"id 12345678901234567890","f":1.12345678901234567890,"x":1e12345678901234567,"a":["\\"12345678901234567890"]}';
    expect(markLongIntegers(text)).toBeUndefined();
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it('does not turn a string that looks like its placeholder into a number', () => {
    const text = '{"s":"\\u0000saker-int-00000000-0000-0000-0000-000000000000:12345678901234567890","n":12345678901234567890}';
    expect(parseJson(text)).toEqual({ s: '\u0000saker-int-00000000-0000-0000-0000-000000000000:12345678901234567890', n: 12345678901234567890n });
  });

  it('rejects text that is not JSON with a SyntaxError, long integers or not', () => {
    expect(() => parseJson('{"a":12345678901234567890')).toThrow(SyntaxError);
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
  });

  it('stays linear on hostile input (unterminated strings full of escapes)', () => {
    const hostile = `["12345678901234567890${'\\"'.repeat(200_000)}`;
    expect(() => parseJson(hostile)).toThrow(SyntaxError);
  });
});

describe('stringifyJson', () => {
  it('writes a bigint as an unquoted JSON number with every digit', () => {
    expect(stringifyJson({ 'evt.time': 1700000000123456789n, list: [1n, 'a'], n: 1 })).toBe('{"evt.time":1700000000123456789,"list":[1,"a"],"n":1}');
  });

  it('round-trips a Falco alert byte for byte', () => {
    expect(stringifyJson(parseJson(FALCO_TEXT))).toBe(FALCO_TEXT);
  });

  it('is JSON.stringify for values without a bigint, spacing included', () => {
    const value = { a: [1, 'x', null], b: { c: true } };
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
    expect(stringifyJson({ ...value, t: 1700000000123456789n }, ' ')).toBe(JSON.stringify({ ...value, t: 0 }, null, ' ').replace('"t": 0', '"t": 1700000000123456789'));
  });

  it('writes alerts with bigint output fields (the fast path) exactly as the general path would', () => {
    const fields = JSON.parse('{"__proto__":{"x":1},"evt.time":0,"gone":null,"nested":{"a":[1]}}') as Record<string, unknown>;
    fields['evt.time'] = 1700000000123456789n;
    fields['gone'] = undefined;
    const alert = { rule: 'r', output_fields: fields, tags: ['a'], extra: { deep: -9007199254740993n } };
    const expected = '{"rule":"r","output_fields":{"__proto__":{"x":1},"evt.time":1700000000123456789,"nested":{"a":[1]}},"tags":["a"],"extra":{"deep":-9007199254740993}}';
    expect(stringifyJson(alert)).toBe(expected);
    expect(stringifyJson([alert, { ...alert, extra: 1 }])).toBe(`[${expected},${expected.replace('{"deep":-9007199254740993}', '1')}]`);
    expect(Object.keys(fields)).toContain('__proto__');
  });

  it('keeps a string that holds digits a string', () => {
    expect(stringifyJson({ s: '1700000000123456789', b: 1700000000123456789n })).toBe('{"s":"1700000000123456789","b":1700000000123456789}');
  });
});

describe('the alert contract with long integers', () => {
  it('accepts a parsed Falco alert with bigint fields as a canonical alert', () => {
    const result = parseIncomingAlert(parseJson(FALCO_TEXT));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.alert.output_fields['evt.time']).toBe(1700000000123456789n);
    expect(isAlert(result.alert)).toBe(true);
  });
});
