import { Type, type Static } from '@sinclair/typebox';
import { minimumPriorityKey, section } from '../config-common.js';

/**
 * `aws:` — falcosidekick's shared AWS keys (`accesskeyid`, `secretaccesskey`, `region`, `rolearn`,
 * `externalid`, `checkidentity`), Saker's `aws.stsendpoint`, and its `aws.sns` section (`topicarn`, `minimumpriority`, `rawjson`),
 * plus Saker's `aws.sns.endpoint`, `aws.sns.messagegroupid` and `aws.sns.maxbatch`.
 */
export const AwsSnsConfigSchema = Type.Object(
  {
    topicarn: Type.String({ default: '', description: 'ARN of the SNS topic. Setting it enables the output; a `.fifo` topic gets FIFO fields.' }),
    minimumpriority: minimumPriorityKey(),
    rawjson: Type.Boolean({
      default: false,
      description: 'Publish the alert JSON as the message; otherwise the output text with message attributes.',
    }),
    endpoint: Type.String({ default: '', description: 'SNS endpoint URL, for SNS-compatible services and emulators (Saker addition).' }),
    messagegroupid: Type.String({
      default: 'rule',
      description: 'FIFO topics: what groups messages (hostname, rule, priority, source or output_fields.<name>) (Saker addition).',
    }),
    maxbatch: Type.Integer({ minimum: 1, maximum: 10, default: 10, description: 'Alerts per PublishBatch call, at most 10 (Saker addition).' }),
  },
  section,
);

export const AwsConfigSchema = Type.Object(
  {
    accesskeyid: Type.String({ default: '', description: 'Access key id. Empty: the standard AWS credential chain (env, profile, IMDS, …).' }),
    secretaccesskey: Type.String({ default: '', description: 'Secret access key, with accesskeyid.' }),
    region: Type.String({ default: '', description: "AWS region. Empty: the topic ARN's region, else the SDK's default chain." }),
    rolearn: Type.String({
      default: '',
      description:
        'IAM role to publish as: assumed through STS AssumeRole (session name `saker-sidekick`) with the access keys or the default chain, and assumed again 5 minutes before its credentials expire.',
    }),
    externalid: Type.String({ default: '', description: 'External id sent with the AssumeRole call for rolearn.' }),
    stsendpoint: Type.String({ default: '', description: 'STS endpoint URL for rolearn, for STS-compatible services and tests (Saker addition).' }),
    checkidentity: Type.Boolean({
      default: true,
      description: 'Accepted for falcosidekick compatibility; Saker does not call STS GetCallerIdentity at start.',
    }),
    sns: AwsSnsConfigSchema,
  },
  section,
);

export type AwsConfig = Static<typeof AwsConfigSchema>;
