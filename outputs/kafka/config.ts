import { Type, type Static } from '@sinclair/typebox';
import { minimumPriorityKey, section, tlsKeys } from '../config-common.js';

/**
 * `kafka:` — falcosidekick's keys (`hostport`, `topic`, `minimumpriority`, `sasl`, `tls`, `username`,
 * `password`, `balancer`, `clientid`, `compression`, `async`, `requiredacks`, `topiccreation`) plus
 * Saker's (`key`, `idempotent`, `timeout`, `maxbatch`, `maxbatchbytes`, certificate files).
 */
export const KafkaConfigSchema = Type.Object(
  {
    hostport: Type.String({ default: '', description: 'Bootstrap brokers, `host:port[,host:port…]`. Setting it enables the output.' }),
    topic: Type.String({ default: '', description: 'Topic the alerts are produced to.' }),
    minimumpriority: minimumPriorityKey(),
    sasl: Type.String({
      default: '',
      description: 'SASL mechanism, any case: PLAIN, SCRAM_SHA256 / SCRAM-SHA-256, SCRAM_SHA512 / SCRAM-SHA-512. Empty: none.',
    }),
    username: Type.String({ default: '', description: 'SASL user name.' }),
    password: Type.String({ default: '', description: 'SASL password.' }),
    tls: Type.Boolean({ default: false, description: 'Connect to the brokers over TLS.' }),
    ...tlsKeys(),
    balancer: Type.String({
      default: 'round_robin',
      description:
        'Partition choice: round_robin, murmur2, murmur2_random, crc32, crc32_random (least_bytes is accepted and behaves as round_robin).',
    }),
    clientid: Type.String({ default: '', description: 'Client id sent to the brokers. Empty: `saker`.' }),
    compression: Type.String({
      default: 'NONE',
      description: 'NONE or GZIP (any case). SNAPPY, LZ4 and ZSTD need codec packages Saker does not ship and are refused.',
    }),
    async: Type.Boolean({
      default: false,
      description: 'Accepted for falcosidekick compatibility and ignored: Saker always waits for the broker acknowledgement so nothing is lost.',
    }),
    requiredacks: Type.String({
      default: 'ALL',
      description:
        'ALL, ONE or NONE (any case). Default ALL with the idempotent producer — unlike falcosidekick, whose default NONE loses alerts silently when a broker fails.',
    }),
    topiccreation: Type.Boolean({ default: false, description: 'Let the brokers create the topic if it does not exist.' }),
    key: Type.String({
      default: '',
      description:
        'Message key (Saker addition): hostname, rule, priority, source, or output_fields.<name> (e.g. output_fields.container.id). Empty: no key.',
    }),
    idempotent: Type.Boolean({
      default: true,
      description: 'Use the idempotent producer when requiredacks is ALL, so broker retries cannot duplicate or reorder (Saker addition).',
    }),
    timeout: Type.Integer({ minimum: 1, default: 30000, description: 'Milliseconds to wait for a broker answer (Saker addition).' }),
    maxbatch: Type.Integer({ minimum: 1, default: 500, description: 'Most alerts produced in one request (Saker addition).' }),
    maxbatchbytes: Type.Integer({
      minimum: 1,
      default: 900000,
      description:
        "Most bytes produced in one request, counted as Kafka records (Saker addition): a batch is cut into several requests in order, so no partition's record batch exceeds the topic's max.message.bytes (broker default 1048588). A request the broker still refuses as too large is sent again cut smaller, and later requests stay that small; an alert the broker refuses on its own is dead-lettered.",
    }),
  },
  section,
);

export type KafkaConfig = Static<typeof KafkaConfigSchema>;
