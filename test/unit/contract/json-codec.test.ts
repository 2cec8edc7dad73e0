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

  it('rejects a long integer with a leading zero, as JSON.parse rejects any', () => {
    expect(() => parseJson('{"a":01234567890123456789}')).toThrow(SyntaxError);
    expect(() => parseJson('[-01234567890123456789]')).toThrow(SyntaxError);
  });

  it('finds long integers after strings full of escaped quotes and digits, and among many of them', () => {
    const text = `{"s":"a \\"1234567890123456789\\" b","n":[${Array.from({ length: 500 }, (_, i) => `${1700000000000000000n + BigInt(i)}`).join(',')}],"t":-1234567890123456789}`;
    const value = parseJson(text) as { s: string; n: bigint[]; t: bigint };
    expect(value.s).toBe('a "1234567890123456789" b');
    expect(value.n).toHaveLength(500);
    expect(value.n[499]).toBe(1700000000000000499n);
    expect(value.t).toBe(-1234567890123456789n);
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

  it('writes alerts without bigints, alone or among others, exactly as JSON.stringify does', () => {
    const plain = { rule: 'r', output_fields: { n: 1, s: 'x "q"', gone: undefined }, tags: ['a'] };
    expect(stringifyJson(plain)).toBe(JSON.stringify(plain));
    expect(stringifyJson([plain, { ...plain, output_fields: { t: 1700000000123456789n } }])).toBe(
      `[${JSON.stringify(plain)},{"rule":"r","output_fields":{"t":1700000000123456789},"tags":["a"]}]`,
    );
  });

  it('leaves the alert it writes as it was, frozen or not, even when writing fails', () => {
    const alert = { rule: 'r', output_fields: { 'evt.time': 1700000000123456789n, n: 1 }, tags: [] as string[] };
    expect(stringifyJson(alert)).toBe('{"rule":"r","output_fields":{"evt.time":1700000000123456789,"n":1},"tags":[]}');
    expect(alert.output_fields['evt.time']).toBe(1700000000123456789n);
    const frozen = Object.freeze({ ...alert, output_fields: Object.freeze({ ...alert.output_fields }) });
    expect(stringifyJson(frozen)).toBe(stringifyJson(alert));
    const cyclic: Record<string, unknown> = { ...alert, output_fields: { ...alert.output_fields } };
    cyclic.self = cyclic;
    expect(() => stringifyJson(cyclic)).toThrow(TypeError);
    expect((cyclic.output_fields as Record<string, unknown>)['evt.time']).toBe(1700000000123456789n);
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
