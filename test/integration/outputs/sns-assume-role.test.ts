import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutput, type Output, type SendContext } from '../../../outputs/index.js';
import { REFRESH_BEFORE_EXPIRY_MS } from '../../../outputs/sns/assume-role.js';
import { FAUXQS_CREDENTIALS, startSnsPeer, type SnsPeer } from '../../support/peers/fauxqs.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';
import { signingKeyOf, startRecordingProxy, startStsPeer, type StsPeer } from './sts-peer.js';

const context: SendContext = { signal: new AbortController().signal, log: { debug() {}, warn() {} } };
const ROLE = 'arn:aws:iam::123456789012:role/saker-publisher';
let sns: SnsPeer;
let sts: StsPeer;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
const opened: Output[] = [];

beforeAll(async () => {
  sns = await startSnsPeer();
  proxy = await startRecordingProxy(sns.endpoint);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
  await sts?.close();
});
afterAll(async () => {
  await proxy?.close();
  await sns?.stop();
});

function snsWithRole(topicarn: string, aws: Record<string, unknown> = {}): Output {
  const output = createOutput('sns', {
    ...FAUXQS_CREDENTIALS,
    rolearn: ROLE,
    stsendpoint: sts.endpoint,
    ...aws,
    sns: { topicarn, endpoint: proxy.url },
  });
  opened.push(output);
  return output;
}

describe('sns output with aws.rolearn', () => {
  it('assumes the role through STS with the access keys and publishes signed with the credentials STS issued', async () => {
    sts = await startStsPeer();
    const { topicArn, queueUrl } = sns.topicWithQueue('falco-role');
    const before = proxy.requests.length;
    const output = snsWithRole(topicArn, { externalid: 'saker-external-id' });
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    expect(await sns.receive(queueUrl, 2)).toHaveLength(2);

    // One AssumeRole for both publishes: the credentials are good for an hour.
    expect(sts.calls).toHaveLength(1);
    const [call] = sts.calls;
    expect(call?.params).toMatchObject({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: ROLE,
      ExternalId: 'saker-external-id',
      RoleSessionName: 'saker-sidekick',
    });
    // STS was called with the configured keys; SNS with the role's temporary keys and session token.
    expect(call?.signedBy).toBe(FAUXQS_CREDENTIALS.accesskeyid);
    const published = proxy.requests.slice(before);
    expect(published).toHaveLength(2);
    for (const request of published) {
      expect(signingKeyOf(request.headers)).toBe(call?.issued.accessKeyId);
      expect(request.headers['x-amz-security-token']).toBe(call?.issued.sessionToken);
    }
  });

  it('sends no ExternalId when none is configured', async () => {
    sts = await startStsPeer();
    const { topicArn } = sns.topicWithQueue('falco-role-noext');
    expect(await snsWithRole(topicArn).send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    expect(sts.calls[0]?.params).not.toHaveProperty('ExternalId');
  });

  it('assumes the role again before the credentials expire', async () => {
    sts = await startStsPeer();
    // Credentials that are already inside the refresh margin when issued: each use must renew them.
    sts.lifetimeMs = REFRESH_BEFORE_EXPIRY_MS - 60_000;
    const { topicArn } = sns.topicWithQueue('falco-role-refresh');
    const before = proxy.requests.length;
    const output = snsWithRole(topicArn);
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    // The SDK may ask for credentials more than once per request; each time they are renewed.
    expect(sts.calls.length).toBeGreaterThanOrEqual(2);
    const issued = sts.calls.map((call) => call.issued.accessKeyId);
    const signed = proxy.requests.slice(before).map((r) => signingKeyOf(r.headers));
    expect(signed).toHaveLength(2);
    for (const key of signed) expect(issued).toContain(key);
    expect(signed[0]).not.toBe(signed[1]);
  });

  it('reports a failed AssumeRole as a failed delivery, and tries STS again on the next send', async () => {
    sts = await startStsPeer();
    sts.peer.script({ status: 403, headers: { 'content-type': 'text/xml' }, body: '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>x</RequestId></ErrorResponse>' });
    const { topicArn } = sns.topicWithQueue('falco-role-denied');
    const output = snsWithRole(topicArn);
    const [denied] = await output.send([sampleAlert()], context);
    expect(denied?.status).not.toBe('ok');
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    expect(sts.calls).toHaveLength(1);
  });
});
