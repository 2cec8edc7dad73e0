import { describe, expect, it } from 'vitest';
import { JSON_FIELDS } from '../../../detector/fields/json/index.js';
import { K8S_AUDIT_FIELDS } from '../../../detector/fields/k8s_audit/index.js';
import { CLOUDTRAIL_FIELDS } from '../../../detector/fields/cloudtrail/index.js';
import { parseRfc3339Nanos } from '../../../detector/sources/json-event.js';
import { extract, jsonEvent } from './helpers.js';

const doc = {
  user: { username: 'alice', groups: ['dev', 'ops'] },
  'a/b': { '~c': 'escaped' },
  responseStatus: { code: 403 },
  flag: true,
  nothing: null,
  items: [{ id: 'i-1' }, { id: 'i-2' }],
};
const event = jsonEvent(doc);
const table = K8S_AUDIT_FIELDS;

describe('json.* and jevt.* fields (Falco json plugin)', () => {
  it('json.value follows an RFC 6901 pointer, with or without the leading slash', () => {
    expect(extract(table, 'json.value', event, '/user/username')).toBe('alice');
    expect(extract(table, 'json.value', event, 'user/username')).toBe('alice');
    expect(extract(table, 'jevt.value', event, '/items/1/id')).toBe('i-2');
    expect(extract(table, 'json.value', event, '/a~1b/~0c')).toBe('escaped');
  });

  it('json.value renders non-strings as compact JSON', () => {
    expect(extract(table, 'json.value', event, '/responseStatus/code')).toBe('403');
    expect(extract(table, 'json.value', event, '/flag')).toBe('true');
    expect(extract(table, 'json.value', event, '/nothing')).toBe('null');
    expect(extract(table, 'json.value', event, '/user/groups')).toBe('["dev","ops"]');
    expect(extract(table, 'json.value', event, '/items/0')).toBe('{"id":"i-1"}');
  });

  it('json.value has no value for a path that is not there', () => {
    expect(extract(table, 'json.value', event, '/user/uid')).toBeUndefined();
    expect(extract(table, 'json.value', event, '/items/5/id')).toBeUndefined();
    expect(extract(table, 'json.value', event, '/items/x')).toBeUndefined();
    expect(extract(table, 'json.value', event, '/flag/deeper')).toBeUndefined();
  });

  it('json.value requires a pointer argument', () => {
    const spec = JSON_FIELDS.get('json.value');
    expect(spec?.arg).toEqual({ kind: 'key', required: true });
    expect(() => spec?.bind('')).toThrow(expect.objectContaining({ code: 'SAKER_ERR_FIELD_ARG' }));
  });

  it('json.obj is the whole document indented by two spaces', () => {
    const small = jsonEvent({ a: 1, b: ['x'] });
    expect(extract(table, 'json.obj', small)).toBe('{\n  "a": 1,\n  "b": [\n    "x"\n  ]\n}');
    expect(extract(table, 'jevt.obj', small)).toBe(extract(table, 'json.obj', small));
  });

  it('json.rawtime, jevt.time and jevt.time.iso8601 give the event time', () => {
    expect(extract(table, 'json.rawtime', event)).toBe('1795341600123456789');
    expect(extract(table, 'jevt.rawtime', event)).toBe('1795341600123456789');
    expect(extract(table, 'jevt.time', event)).toBe('10:00:00.123456789');
    expect(extract(table, 'jevt.time.iso8601', event)).toBe('2026-11-22T10:00:00.123456789Z');
  });

  it('every json field is a string and merged into both plugin tables', () => {
    for (const [name, spec] of JSON_FIELDS) {
      expect(spec.type).toBe('string');
      expect(K8S_AUDIT_FIELDS.fields.get(name)).toBe(spec);
      expect(CLOUDTRAIL_FIELDS.fields.get(name)).toBe(spec);
    }
    expect([...JSON_FIELDS.keys()].sort()).toEqual(
      ['jevt.obj', 'jevt.rawtime', 'jevt.time', 'jevt.time.iso8601', 'jevt.value', 'json.obj', 'json.rawtime', 'json.value'],
    );
  });
});

describe('RFC 3339 timestamps keep nanoseconds', () => {
  it('parses fractions of any length and offsets', () => {
    expect(parseRfc3339Nanos('2026-11-22T10:00:00.123456789Z')).toBe(1_795_341_600_123_456_789n);
    expect(parseRfc3339Nanos('2026-11-22T10:00:00Z')).toBe(1_795_341_600_000_000_000n);
    expect(parseRfc3339Nanos('2026-11-22T10:00:00.5Z')).toBe(1_795_341_600_500_000_000n);
    expect(parseRfc3339Nanos('2026-11-22T12:00:00.000001+02:00')).toBe(1_795_341_600_000_001_000n);
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['2026-11-22 10:00:00Z', '2026-11-22T10:00:00', '2026-02-30T10:00:00Z', 'yesterday', '2026-11-22T25:00:00Z']) {
      expect(parseRfc3339Nanos(bad)).toBeUndefined();
    }
  });
});
