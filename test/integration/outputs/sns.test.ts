import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../support/error-code.js';
import { configLeaves, ConfigSchema, loadConfig } from '../../../common/config/index.js';
import type { Alert } from '../../../contract/index.js';
import { createOutput, type Output, type SendContext } from '../../../outputs/index.js';
import { FAUXQS_CREDENTIALS, startSnsPeer, type SnsPeer } from '../../support/peers/fauxqs.js';
import { sampleAlert } from '../../support/peers/sample-alert.js';

const context: SendContext = { signal: new AbortController().signal, log: { debug() {}, warn() {} } };
let peer: SnsPeer;
const opened: Output[] = [];

function sns(topicarn: string, sns: Record<string, unknown> = {}, aws: Record<string, unknown> = {}): Output {
  const output = createOutput('sns', { ...FAUXQS_CREDENTIALS, ...aws, sns: { topicarn, endpoint: peer.endpoint, ...sns } });
  opened.push(output);
  return output;
}
/** The SNS notification envelope SQS receives when raw delivery is off. */
interface Envelope {
  Type: string;
  TopicArn: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

beforeAll(async () => {
  peer = await startSnsPeer();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
afterAll(async () => {
  await peer?.stop();
});

describe('sns output', () => {
  it("publishes the output text with falcosidekick's message attributes", async () => {
    const { topicArn, queueUrl } = peer.topicWithQueue('falco-text');
    const alert = sampleAlert({ output_fields: { 'proc.cmdline': 'bash -i', 'proc.pid': 4242, 'evt.arg[flags]': 'O_RDWR', empty: '', 'fd.name': null } });
    expect(await sns(topicArn).send([alert], context)).toEqual([{ status: 'ok' }]);
    const [message] = await peer.receive(queueUrl, 1);
    const envelope = JSON.parse(message!.Body!) as Envelope;
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn: topicArn, Message: alert.output });
    expect(envelope.MessageAttributes).toEqual({
      priority: { Type: 'String', Value: 'Critical' },
      rule: { Type: 'String', Value: 'Terminal shell in container' },
      source: { Type: 'String', Value: 'syscall' },
      tags: { Type: 'String', Value: 'shell,container,mitre_execution' },
      hostname: { Type: 'String', Value: 'node-1' },
      'evt.arg.flags': { Type: 'String', Value: 'O_RDWR' },
      'proc.cmdline': { Type: 'String', Value: 'bash -i' },
      'proc.pid': { Type: 'Number', Value: '4242' },
    });
  });

  it('stops at 10 message attributes', async () => {
    const { topicArn, queueUrl } = peer.topicWithQueue('falco-many');
    const fields = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f.${String(i).padStart(2, '0')}`, `v${i}`]));
    await sns(topicArn).send([sampleAlert({ output_fields: fields })], context);
    const [message] = await peer.receive(queueUrl, 1);
    const attributes = (JSON.parse(message!.Body!) as Envelope).MessageAttributes!;
    expect(Object.keys(attributes).sort()).toEqual(['f.00', 'f.01', 'f.02', 'f.03', 'f.04', 'hostname', 'priority', 'rule', 'source', 'tags']);
  });

  it('publishes the alert JSON in rawjson mode, delivered raw to a raw subscription', async () => {
    const { topicArn, queueUrl } = peer.topicWithQueue('falco-raw', { raw: true });
    const alert = sampleAlert();
    await sns(topicArn, { rawjson: true }).send([alert], context);
    const [message] = await peer.receive(queueUrl, 1);
    expect(JSON.parse(message!.Body!)).toEqual(alert);
  });

  it('publishes a batch with PublishBatch, 10 per call, one result per alert', async () => {
    const { topicArn, queueUrl } = peer.topicWithQueue('falco-batch', { raw: true });
    const output = sns(topicArn, { rawjson: true });
    expect(output.maxBatch).toBe(10);
    const alerts = Array.from({ length: 23 }, () => sampleAlert());
    const results = await output.send(alerts, context);
    expect(results).toEqual(alerts.map(() => ({ status: 'ok' })));
    const received = await peer.receive(queueUrl, 23);
    expect(new Set(received.map((m) => (JSON.parse(m.Body!) as Alert).uuid))).toEqual(new Set(alerts.map((a) => a.uuid)));
  });

  it('sets the FIFO group and the alert uuid as deduplication id, so a resend is dropped', async () => {
    const { topicArn, queueUrl } = peer.topicWithQueue('falco-alerts.fifo', { raw: true });
    const output = sns(topicArn, { rawjson: true, messagegroupid: 'hostname' });
    const alerts = [sampleAlert({ hostname: 'a' }), sampleAlert({ hostname: 'b' }), sampleAlert({ hostname: 'a' })];
    expect((await output.send(alerts, context)).every((r) => r.status === 'ok')).toBe(true);
    // The delivery layer resending the first alert after a lost acknowledgement.
    expect(await output.send([alerts[0]!], context)).toEqual([{ status: 'ok' }]);
    const received = await peer.receive(queueUrl, 4, 3_000);
    expect(received.map((m) => (JSON.parse(m.Body!) as Alert).uuid)).toEqual(alerts.map((a) => a.uuid));
    expect(received.map((m) => m.Attributes?.MessageGroupId)).toEqual(['a', 'b', 'a']);
    expect(received.map((m) => m.Attributes?.MessageDeduplicationId)).toEqual(alerts.map((a) => a.uuid));
  });

  it("keeps a huge output within SNS's 256 KiB by truncating it with a marker", async () => {
    const { topicArn, queueUrl } = peer.topicWithQueue('falco-big', { raw: true });
    const huge = sampleAlert({ output: 'é'.repeat(200_000) });
    expect(await sns(topicArn).send([huge], context)).toEqual([{ status: 'ok' }]);
    const [message] = await peer.receive(queueUrl, 1);
    expect(Buffer.byteLength(message!.Body!)).toBeLessThanOrEqual(262_144);
    expect(message!.Body!.endsWith('… [truncated]')).toBe(true);
  });

  it('reports a missing topic as permanent and an unreachable endpoint as retryable', async () => {
    const [missing] = await sns('arn:aws:sns:us-east-1:000000000000:no-such-topic').send([sampleAlert()], context);
    expect(missing?.status).toBe('permanent');
    const down = await startSnsPeer();
    const endpoint = down.endpoint;
    await down.stop();
    const [unreachable] = await sns('arn:aws:sns:us-east-1:000000000000:x', { endpoint }).send([sampleAlert()], context);
    expect(unreachable?.status).toBe('retryable');
  });

  it('refuses half-set access keys and an unknown message group when created', () => {
    const arn = 'arn:aws:sns:us-east-1:000000000000:t';
    expect(errorCodeOf(() => sns(arn, {}, { secretaccesskey: '' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => sns(arn, { messagegroupid: 'pid' }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
  });

  it("uses falcosidekick's aws keys and env names", () => {
    const names = configLeaves(ConfigSchema).map((l) => l.envName);
    for (const name of ['AWS_ACCESSKEYID', 'AWS_SECRETACCESSKEY', 'AWS_REGION', 'AWS_ROLEARN', 'AWS_EXTERNALID', 'AWS_CHECKIDENTITY', 'AWS_SNS_TOPICARN', 'AWS_SNS_MINIMUMPRIORITY', 'AWS_SNS_RAWJSON']) {
      expect(names).toContain(name);
    }
    const config = loadConfig({ env: { AWS_SNS_TOPICARN: 'arn:aws:sns:eu-west-1:1:t', AWS_SNS_RAWJSON: 'true' } });
    expect(config.aws.sns).toMatchObject({ topicarn: 'arn:aws:sns:eu-west-1:1:t', rawjson: true, maxbatch: 10 });
  });
});
