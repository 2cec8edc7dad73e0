import { afterAll, afterEach, beforeAll } from 'vitest';
import { createOutput, type Output } from '../../../outputs/index.js';
import { startKafkaMockBroker, type KafkaMockBroker } from './kafka-broker.js';
import { startKafkaSecureFront, type KafkaSecureFront, type KafkaSecureFrontOptions } from './kafka-secure-front.js';

/** A test file's Kafka set-up: one mock cluster, the fronts started before it, the outputs opened on them. */
export interface KafkaFrontSuite {
  /** The mock cluster (started before the file's tests). */
  readonly broker: KafkaMockBroker;
  /** Starts a front (in front of the suite's cluster unless `upstream` says otherwise), closed after the file. */
  front(options?: Partial<KafkaSecureFrontOptions>): Promise<KafkaSecureFront>;
  /** A Kafka output to `hostport` on the suite's topic, closed after the test. */
  kafka(hostport: string, section?: Record<string, unknown>): Output;
  /** Closes the outputs opened so far, before a test stops a cluster of its own. */
  closeOutputs(): Promise<void>;
}

/**
 * Registers the hooks of a test file that runs Kafka outputs through fronts (test/support/peers/
 * kafka-secure-front.ts) to the librdkafka mock cluster: the cluster starts before the tests and stops
 * after them, each test's outputs close after it, fronts after the file. Outputs have the idempotent
 * producer off (the mock cannot serve it, see kafka.test.ts) and a 5 s timeout, plus `outputDefaults`.
 */
export function useKafkaFrontSuite(topic: string, outputDefaults: Record<string, unknown> = {}): KafkaFrontSuite {
  let broker: KafkaMockBroker | undefined;
  const fronts: KafkaSecureFront[] = [];
  const opened: Output[] = [];
  const closeOutputs = async (): Promise<void> => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  };
  beforeAll(async () => {
    broker = await startKafkaMockBroker({ topic });
  });
  afterEach(closeOutputs);
  afterAll(async () => {
    await closeOutputs();
    await Promise.all(fronts.splice(0).map((f) => f.close()));
    await broker?.stop();
  });
  const started = (): KafkaMockBroker => {
    if (broker === undefined) throw new Error('the Kafka mock cluster is started before the tests, not at collection');
    return broker;
  };
  return {
    get broker() {
      return started();
    },
    async front(options = {}) {
      const front = await startKafkaSecureFront({ upstream: started().brokers, ...options });
      fronts.push(front);
      return front;
    },
    kafka(hostport, section = {}) {
      const output = createOutput('kafka', { hostport, topic, idempotent: false, timeout: 5000, ...outputDefaults, ...section });
      opened.push(output);
      return output;
    },
    closeOutputs,
  };
}
