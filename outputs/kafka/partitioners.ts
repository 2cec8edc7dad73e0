import { crc32 } from 'node:zlib';
import { Partitioners, type ICustomPartitioner } from 'kafkajs';

type Pick = (args: { partitions: number[]; key: Buffer | string | null | undefined }) => number;

/** Picks a partition from the available ones, hashing the key when there is one. */
function hashing(hash: (key: Buffer) => number, consistent: boolean): () => Pick {
  return () => {
    let next = 0;
    return ({ partitions, key }) => {
      // falcosidekick's "consistent" balancers send key-less messages to one partition; the _random ones spread them.
      if (key === null || key === undefined) return consistent ? (partitions[0] ?? 0) : (partitions[next++ % partitions.length] ?? 0);
      return partitions[hash(Buffer.from(key)) % partitions.length] ?? 0;
    };
  };
}

function roundRobin(): Pick {
  let next = 0;
  return ({ partitions }) => partitions[next++ % partitions.length] ?? 0;
}

function custom(make: () => Pick): ICustomPartitioner {
  return () => {
    const pick = make();
    // kafkajs hands every message of a send the same metadata array, replaced when metadata is refreshed:
    // the partition list is worked out once per array, not once per message.
    let metadata: unknown;
    let partitions: number[] = [];
    return ({ partitionMetadata, message }) => {
      if (partitionMetadata !== metadata) {
        metadata = partitionMetadata;
        const available = partitionMetadata.filter((p) => p.leader >= 0).map((p) => p.partitionId);
        partitions = available.length > 0 ? available : partitionMetadata.map((p) => p.partitionId);
      }
      return pick({ partitions, key: message.key });
    };
  };
}

/** falcosidekick's `kafka.balancer` names, mapped to kafkajs partitioners. */
export const BALANCERS: Readonly<Record<string, ICustomPartitioner>> = {
  round_robin: custom(() => roundRobin()),
  // kafkajs has no byte-count balancer: spreading evenly is the closest behaviour.
  least_bytes: custom(() => roundRobin()),
  crc32: custom(hashing((key) => crc32(key), true)),
  crc32_random: custom(hashing((key) => crc32(key), false)),
  // kafkajs's default partitioner is Java's murmur2 (the same partitions as the Java client).
  murmur2: Partitioners.DefaultPartitioner,
  murmur2_random: Partitioners.DefaultPartitioner,
};
