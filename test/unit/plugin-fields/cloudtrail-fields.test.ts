import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_FIELDS } from '../../../detector/fields/cloudtrail/index.js';
import type { JsonObject } from '../../../detector/sources/json-event.js';
import { extract, jsonEvent } from './helpers.js';

const ct = (name: string, doc: JsonObject) => extract(CLOUDTRAIL_FIELDS, name, jsonEvent(doc));

const getObject: JsonObject = {
  eventVersion: '1.08',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLE',
    arn: 'arn:aws:iam::123456789012:user/alice',
    accountId: '123456789012',
    userName: 'alice',
  },
  eventTime: '2026-11-22T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.9',
  userAgent: 'aws-cli/2.15',
  requestParameters: { bucketName: 'logs', key: 'a/b.txt', Host: 'logs.s3.amazonaws.com' },
  responseElements: null,
  additionalEventData: { bytesTransferredIn: 0, bytesTransferredOut: 33.0 },
  eventID: 'e-1',
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: false,
  recipientAccountId: '123456789012',
};

describe('ct.* fields', () => {
  it('read the record basics', () => {
    expect(ct('ct.id', getObject)).toBe('e-1');
    expect(ct('ct.time', getObject)).toBe('2026-11-22T10:00:00Z');
    expect(ct('ct.src', getObject)).toBe('s3.amazonaws.com');
    expect(ct('ct.shortsrc', getObject)).toBe('s3');
    expect(ct('ct.name', getObject)).toBe('GetObject');
    expect(ct('ct.region', getObject)).toBe('us-east-1');
    expect(ct('ct.srcip', getObject)).toBe('203.0.113.9');
    expect(ct('ct.useragent', getObject)).toBe('aws-cli/2.15');
    expect(ct('ct.user.accountid', getObject)).toBe('123456789012');
    expect(ct('ct.user.identitytype', getObject)).toBe('IAMUser');
    expect(ct('ct.user.principalid', getObject)).toBe('AIDAEXAMPLE');
    expect(ct('ct.user.arn', getObject)).toBe('arn:aws:iam::123456789012:user/alice');
    expect(ct('ct.request.host', getObject)).toBe('logs.s3.amazonaws.com');
  });

  it('ct.error has no value when the call succeeded', () => {
    expect(ct('ct.error', getObject)).toBeUndefined();
    expect(ct('ct.error', { ...getObject, errorCode: 'AccessDenied' })).toBe('AccessDenied');
  });

  it('ct.user depends on the identity type', () => {
    const as = (userIdentity: JsonObject) => ct('ct.user', { ...getObject, userIdentity });
    expect(as({ type: 'Root', userName: 'root' })).toBe('root');
    expect(as({ type: 'Root' })).toBeUndefined();
    expect(as({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' })).toBe('cloudtrail.amazonaws.com');
    expect(as({ type: 'AssumedRole', sessionContext: { sessionIssuer: { userName: 'deployer' } } })).toBe('deployer');
    expect(as({ type: 'AssumedRole' })).toBe('AssumedRole');
    expect(as({ type: 'AWSAccount' })).toBe('AWSAccount');
    expect(as({ type: 'FederatedUser' })).toBe('FederatedUser');
    expect(as({ type: 'SomethingNew', userName: 'x' })).toBeUndefined();
    expect(as({})).toBeUndefined();
  });

  it('ct.readonly uses readOnly, or guesses from the event name when it is absent', () => {
    expect(ct('ct.readonly', getObject)).toBe('true');
    expect(ct('ct.readonly', { ...getObject, readOnly: false })).toBe('false');
    const { readOnly: _ignored, ...noFlag } = getObject;
    expect(ct('ct.readonly', { ...noFlag, eventName: 'DeleteBucket' })).toBe('false');
    expect(ct('ct.readonly', { ...noFlag, eventName: 'DescribeInstances' })).toBe('true');
    expect(ct('ct.managementevent', getObject)).toBe('false');
    expect(ct('ct.managementevent', { ...getObject, managementEvent: true })).toBe('true');
  });

  it('ct.request.* and ct.response.* read request parameters and response elements', () => {
    const run = {
      ...getObject,
      eventName: 'CreateUser',
      requestParameters: {
        userName: 'mallory', groupName: 'admins', functionName: 'f', cluster: 'c', serviceName: 's',
        taskDefinition: 't:1', availabilityZone: 'us-east-1a', name: 'n', policy: '{}', serialNumber: 'sn', subnetId: 'subnet-1',
      },
      responseElements: { subnetId: 'subnet-2', reservationId: 'r-1' },
    };
    expect(ct('ct.request.username', run)).toBe('mallory');
    expect(ct('ct.request.groupname', run)).toBe('admins');
    expect(ct('ct.request.functionname', run)).toBe('f');
    expect(ct('ct.request.cluster', run)).toBe('c');
    expect(ct('ct.request.servicename', run)).toBe('s');
    expect(ct('ct.request.taskdefinition', run)).toBe('t:1');
    expect(ct('ct.request.availabilityzone', run)).toBe('us-east-1a');
    expect(ct('ct.request.name', run)).toBe('n');
    expect(ct('ct.request.policy', run)).toBe('{}');
    expect(ct('ct.request.serialnumber', run)).toBe('sn');
    expect(ct('ct.request.subnetid', run)).toBe('subnet-1');
    expect(ct('ct.response.subnetid', run)).toBe('subnet-2');
    expect(ct('ct.response.reservationid', run)).toBe('r-1');
    expect(ct('ct.request.username', getObject)).toBeUndefined();
    expect(ct('ct.response.subnetid', getObject)).toBeUndefined();
  });

  it('ct.info summarises who, from where, what and on which object', () => {
    expect(ct('ct.info', getObject)).toBe('alice via 203.0.113.9 ← GetObject Size=33 URI=s3://logs/a/b.txt');
    expect(ct('ct.info', { ...getObject, readOnly: false, errorCode: 'AccessDenied', additionalEventData: {} })).toBe(
      'alice via 203.0.113.9 !→ GetObject URI=s3://logs/a/b.txt',
    );
    expect(ct('ct.info', { ...getObject, userIdentity: {} })).toBe('<invalid cloudtrail event: userIdentity field missing>');
  });
});

describe('s3.*, ec2.* and ecr.* fields', () => {
  it('s3 names and byte counts (floats truncated)', () => {
    expect(ct('s3.bucket', getObject)).toBe('logs');
    expect(ct('s3.key', getObject)).toBe('a/b.txt');
    expect(ct('s3.uri', getObject)).toBe('s3://logs/a/b.txt');
    expect(ct('s3.bytes', getObject)).toBe(33);
    expect(ct('s3.bytes.in', getObject)).toBe(0);
    expect(ct('s3.bytes.out', getObject)).toBe(33);
    expect(ct('s3.bytes', { ...getObject, additionalEventData: {} })).toBeUndefined();
    expect(ct('s3.uri', { ...getObject, requestParameters: { bucketName: 'logs' } })).toBeUndefined();
  });

  it('s3.cnt.* count get, put and other operations', () => {
    expect([ct('s3.cnt.get', getObject), ct('s3.cnt.put', getObject), ct('s3.cnt.other', getObject)]).toEqual([1, 0, 0]);
    const put = { ...getObject, eventName: 'PutObject' };
    expect([ct('s3.cnt.get', put), ct('s3.cnt.put', put), ct('s3.cnt.other', put)]).toEqual([0, 1, 0]);
    const other = { ...getObject, eventName: 'ListBuckets' };
    expect([ct('s3.cnt.get', other), ct('s3.cnt.put', other), ct('s3.cnt.other', other)]).toEqual([0, 0, 1]);
  });

  it('ec2.name is the Name tag of the instance in the request', () => {
    const run = {
      ...getObject,
      eventName: 'RunInstances',
      requestParameters: {
        tagSpecificationSet: {
          items: [
            { resourceType: 'volume', tags: [{ key: 'Name', value: 'disk' }] },
            { resourceType: 'instance', tags: [{ key: 'team', value: 'x' }, { key: 'Name', value: 'miner' }] },
          ],
        },
      },
      responseElements: { tagSpecificationSet: { items: [{ imageId: 'ami-123' }] } },
    };
    expect(ct('ec2.name', run)).toBe('miner');
    expect(ct('ec2.imageid', run)).toBe('ami-123');
    expect(ct('ec2.name', getObject)).toBeUndefined();
    expect(ct('ec2.imageid', getObject)).toBeUndefined();
  });

  it('ecr.* read the repository and tag of the request', () => {
    const push = { ...getObject, requestParameters: { repositoryName: 'app', imageTag: 'v1' } };
    expect(ct('ecr.repository', push)).toBe('app');
    expect(ct('ecr.imagetag', push)).toBe('v1');
  });

  it('types follow the plugin: strings, with uint64 byte and op counters', () => {
    for (const [name, spec] of CLOUDTRAIL_FIELDS.fields) {
      if (name.startsWith('evt.')) continue;
      const expected = name.startsWith('s3.bytes') || name.startsWith('s3.cnt') ? 'uint' : 'string';
      expect(spec.type, name).toBe(expected);
      expect(spec.arg.kind === 'none' || name.endsWith('.value')).toBe(true);
    }
    expect([...CLOUDTRAIL_FIELDS.fields.keys()].filter((n) => !/^(json|jevt|evt)\./.test(n))).toHaveLength(44);
  });

  it('generic evt.* fields: number, times, plugin name and info', () => {
    const event = { num: 7, time: 1_795_341_600_123_456_789n, doc: getObject };
    const evt = (name: string) => CLOUDTRAIL_FIELDS.fields.get(name)?.bind(undefined)(event);
    expect(evt('evt.num')).toBe(7);
    expect(evt('evt.time.iso8601')).toBe('2026-11-22T10:00:00.123456789Z');
    expect(evt('evt.time')).toBe('10:00:00.123456789');
    expect(evt('evt.datetime')).toBe('2026-11-22 10:00:00.123456789');
    expect(evt('evt.rawtime')).toBe(1_795_341_600_123_456_789n);
    expect(evt('evt.source')).toBe('aws_cloudtrail');
    expect(evt('evt.pluginname')).toBe('cloudtrail');
    expect(evt('evt.plugininfo')).toBe('us-east-1 alice s3 GetObject alice via 203.0.113.9 ← GetObject Size=33 URI=s3://logs/a/b.txt');
    expect(CLOUDTRAIL_FIELDS.fields.has('evt.type')).toBe(false);
  });
});
