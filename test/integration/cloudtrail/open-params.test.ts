import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../support/error-code.js';
import { parseCloudtrailOpenParams } from '../../../detector/sources/cloudtrail/index.js';

/** open_params read as Falco's cloudtrail plugin reads them (its README's three forms). */
describe('cloudtrail open_params', () => {
  it.each([
    ['s3://my-s3-bucket/AWSLogs/411571310278/CloudTrail/us-west-1/2021/09/23/', { kind: 's3', bucket: 'my-s3-bucket', prefix: 'AWSLogs/411571310278/CloudTrail/us-west-1/2021/09/23/' }],
    ['s3://my-s3-bucket', { kind: 's3', bucket: 'my-s3-bucket', prefix: '' }],
    ['s3://my-s3-bucket/', { kind: 's3', bucket: 'my-s3-bucket', prefix: '' }],
    ['s3://bucket/AWSLogs/o-123abc/', { kind: 's3', bucket: 'bucket', prefix: 'AWSLogs/o-123abc/' }],
    ['sqs://my-sqs-queue', { kind: 'sqs', queueName: 'my-sqs-queue' }],
    ['sqs://events.fifo', { kind: 'sqs', queueName: 'events.fifo' }],
    ['/home/user/cloudtrail-logs/059797578166_CloudTrail_us-east-1_20210209T0130Z_65lDDH3uferZH5Br.json.gz', { kind: 'file', path: '/home/user/cloudtrail-logs/059797578166_CloudTrail_us-east-1_20210209T0130Z_65lDDH3uferZH5Br.json.gz' }],
    ['./logs', { kind: 'file', path: './logs' }],
  ])('%s', (params, expected) => {
    expect(parseCloudtrailOpenParams(params)).toEqual(expected);
  });

  it.each([['s3://'], ['s3://a/'], ['s3://bad bucket/x'], ['sqs://'], ['sqs://a/b'], ['sqs://queue name'], ['   ']])('refuses %j with SAKER_ERR_SOURCE_PARAMS', (params) => {
    expect(errorCodeOf(() => parseCloudtrailOpenParams(params))).toBe('SAKER_ERR_SOURCE_PARAMS');
  });
});
