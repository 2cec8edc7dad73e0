import { describe, expect, it } from 'vitest';
import type { FieldTable } from '../../../detector/engine/fields.js';
import { FIELD_TABLES } from '../../../detector/fields/index.js';
import { CLOUDTRAIL_FIELDS } from '../../../detector/fields/cloudtrail/index.js';
import { K8S_AUDIT_FIELDS } from '../../../detector/fields/k8s_audit/index.js';
import type { JsonEvent, JsonObject } from '../../../detector/sources/json-event.js';

const audit: JsonObject = {
  kind: 'Event',
  verb: 'create',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/default/pods',
  user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
  objectRef: { resource: 'pods', namespace: 'default', name: 'web' },
  sourceIPs: ['10.0.0.1'],
  responseStatus: { code: 201 },
  requestObject: { spec: { hostNetwork: true, containers: [{ image: 'nginx:1.25', securityContext: { privileged: true } }] } },
  stageTimestamp: '2026-11-22T10:00:00.123456Z',
};
const record: JsonObject = {
  eventVersion: '1.08',
  eventTime: '2026-11-22T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'PutBucketPublicAccessBlock',
  awsRegion: 'us-east-1',
  eventType: 'AwsApiCall',
  userIdentity: { type: 'IAMUser', userName: 'bob' },
  requestParameters: { bucketName: 'logs' },
};
const event = (doc: JsonObject): JsonEvent => ({ num: 7, time: 1_795_341_600_123_456_789n, doc });

/** Every field's value with no argument, or with a sample one for fields that need one. */
function valuesOf(table: FieldTable<unknown>, ev: JsonEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of table.fields.values()) {
    const arg = spec.arg.kind === 'none' ? undefined : spec.arg.kind === 'index' ? '0' : '/user/username';
    out[`${spec.name}[${arg ?? ''}]`] = spec.bind(arg)(ev);
  }
  return out;
}

describe('built-in plugin tables', () => {
  it.each([
    ['k8s_audit', K8S_AUDIT_FIELDS as FieldTable<unknown>, audit],
    ['aws_cloudtrail', CLOUDTRAIL_FIELDS as FieldTable<unknown>, record],
  ] as const)('compose %s from the plugins with the same fields, types, arguments and values as its field table', (source, original, doc) => {
    const composed = FIELD_TABLES.get(source);
    expect(composed).toBeDefined();
    if (!composed) return;
    const shape = (t: FieldTable<unknown>) => [...t.fields.values()].map((f) => [f.name, f.type, f.list === true, f.arg]).sort();
    expect(shape(composed)).toEqual(shape(original));
    expect(valuesOf(composed, event(doc))).toEqual(valuesOf(original, event(doc)));
    expect(composed.fields.size).toBeGreaterThan(20);
  });

  it('keeps the syscall table as it was', () => {
    expect(FIELD_TABLES.get('syscall')?.fields.has('proc.name')).toBe(true);
    expect([...FIELD_TABLES.keys()].sort()).toEqual(['aws_cloudtrail', 'k8s_audit', 'syscall']);
  });
});
