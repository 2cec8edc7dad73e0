import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import { startDetector } from '../../../detector/service.js';
import { FAUXQS_CREDENTIALS, FAUXQS_REGION } from '../../support/peers/fauxqs.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { startAwsPeer, type AwsPeer } from '../cloudtrail/support.js';
import { writeSetup } from './support.js';

/*
 * The built-in cloudtrail plugin as a detector source reading s3://bucket/prefix from an S3
 * emulator on loopback (its init_config giving region and endpoint, credentials from the SDK's
 * environment chain), Saker's CloudTrail rules firing, alerts posted to a loopback receiver.
 */

let aws: AwsPeer;
let peer: HttpPeer;
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  aws = await startAwsPeer();
  peer = await startHttpPeer(() => ({ status: 200, body: '{}' }));
  process.env.AWS_ACCESS_KEY_ID = FAUXQS_CREDENTIALS.accesskeyid;
  process.env.AWS_SECRET_ACCESS_KEY = FAUXQS_CREDENTIALS.secretaccesskey;
});
afterAll(async () => {
  for (const [key, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await peer.close();
  await aws.stop();
});

describe('cloudtrail plugin source on S3', () => {
  it('reads every log object under the prefix and fires the CloudTrail rules', async () => {
    aws.server.createBucket('trail');
    const prefix = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/';
    const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, '../../fixtures/cloudtrail', name), 'utf8');
    await aws.put('trail', `${prefix}a.json`, fixture('console-login-without-mfa.json'));
    await aws.put('trail', `${prefix}b.json`, fixture('benign-list-buckets.json'));
    const setup = writeSetup('[]\n', (dataDir) => ({
      datadir: dataDir,
      detector: {
        disable_sources: ['syscall'],
        http_output: { url: `${peer.url}/` },
        plugins: [{ name: 'cloudtrail', init_config: { aws: { region: FAUXQS_REGION, endpoint: aws.endpoint } }, open_params: `s3://trail/${prefix}` }],
      },
    }));
    try {
      const detector = await startDetector(loadConfig({ file: setup.configFile, env: {} }), createLogger({ level: 'silent', pretty: false }));
      await detector.done;
      await detector.stop();
      const alerts = peer.requests.flatMap((request) => JSON.parse(request.body) as Alert[]);
      expect(alerts.map((a) => [a.rule, a.source])).toEqual([['AWS console login without MFA', 'aws_cloudtrail']]);
      expect(detector.stats().sources.aws_cloudtrail?.events).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  });
});
