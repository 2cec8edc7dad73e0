import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCloudtrail } from '../../../detector/sources/cloudtrail/index.js';
import { FIXTURES, expectedRules, startAlertPipeline } from '../k8s-audit/pipeline.js';
import { startAwsPeer, type AwsPeer } from './support.js';

let aws: AwsPeer;
beforeAll(async () => {
  aws = await startAwsPeer();
});
afterAll(async () => {
  await aws.stop();
});

/**
 * End to end: CloudTrail log objects in an S3 bucket (the fauxqs emulator) → openCloudtrail('s3://…')
 * → the official aws_cloudtrail_rules.yaml through the Engine and FIELD_TABLES → the detector's emit
 * link → a sidekick → its webhook output, where the alerts are checked.
 */
describe('cloudtrail s3:// → official rules → sidekick', () => {
  it('delivers exactly the alerts the fixture logs are written to raise, and none for the benign ones', async () => {
    const expected = expectedRules('cloudtrail');
    const wanted = Object.values(expected).flat().sort();
    expect(new Set(wanted).size).toBeGreaterThanOrEqual(10);
    aws.server.createBucket('org-trail');
    const prefix = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/';
    // As CloudTrail delivers them: gzip, one object per file; every other one plain, as hand-made logs are.
    await Promise.all(
      Object.keys(expected).map((file, i) => {
        const text = readFileSync(join(FIXTURES, 'cloudtrail', file));
        return i % 2 === 0 ? aws.put('org-trail', `${prefix}${file}.gz`, gzipSync(text)) : aws.put('org-trail', `${prefix}${file}`, text);
      }),
    );

    const pipeline = await startAlertPipeline('aws_cloudtrail', 'aws_cloudtrail_rules.yaml');
    try {
      await pipeline.consume(openCloudtrail(`s3://org-trail/${prefix}`, aws.options));
      const alerts = await pipeline.delivered(wanted.length);
      expect(alerts.map((a) => a.rule).sort()).toEqual(wanted);
      for (const alert of alerts) expect(alert).toMatchObject({ source: 'aws_cloudtrail', hostname: 'test-node', uuid: expect.any(String) });
      const createUser = alerts.find((a) => a.rule === 'Create AWS user');
      expect(createUser?.output_fields).toMatchObject({ 'ct.user': 'alice' });
    } finally {
      await pipeline.close();
    }
  });
});
