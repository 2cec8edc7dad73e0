/**
 * A test plugin written only against Saker's public plugin API: the `dummy` source emits counter
 * events (`open_params`: how many, default 10; init_config `start`: the first value), with fields
 * for the value, its parity, a keyed label and a list.
 */
import { definePlugin, type PluginEvent } from '../../../detector/plugins/api.js';

interface CounterEvent extends PluginEvent {
  value: number;
}

const T0 = 1_795_341_600_000_000_000n;

export default definePlugin<CounterEvent>(() => {
  let start = 1;
  return {
    name: 'dummy',
    version: '0.1.0',
    description: 'Counter events for tests',
    contact: 'saker tests',
    init(config) {
      const parsed = typeof config === 'string' && config !== '' ? (JSON.parse(config) as { start?: unknown }) : (config as { start?: unknown } | undefined);
      if (parsed?.start !== undefined) {
        if (typeof parsed.start !== 'number') throw new Error('init_config.start must be a number');
        start = parsed.start;
      }
    },
    source: {
      name: 'dummy',
      open(params) {
        const count = params === '' ? 10 : Number(params);
        if (!Number.isInteger(count) || count < 0) throw new Error(`open_params must be a count, got '${params}'`);
        let closed = false;
        async function* counter(): AsyncGenerator<CounterEvent> {
          for (let i = 0; i < count && !closed; i++) {
            yield { time: T0 + BigInt(i) * 1_000_000n, num: i + 1, value: start + i };
          }
        }
        const events = counter();
        return {
          [Symbol.asyncIterator]: () => events,
          close: () => {
            closed = true;
          },
        };
      },
      info: (event) => `counter at ${event.value}`,
    },
    fields: [
      { name: 'dummy.value', type: 'uint64', description: 'The counter value', extract: (event) => event.value },
      { name: 'dummy.parity', type: 'string', description: 'even or odd', extract: (event) => (event.value % 2 === 0 ? 'even' : 'odd') },
      {
        name: 'dummy.label',
        type: 'string',
        arg: { isKey: true, isRequired: true },
        description: 'The value with a prefix: dummy.label[n] is n-<value>',
        extract: (event, key) => `${key ?? ''}-${event.value}`,
      },
      {
        name: 'dummy.divisors',
        type: 'uint64',
        list: true,
        description: 'The divisors of the value among 2, 3, 5',
        extract: (event) => [2, 3, 5].filter((d) => event.value % d === 0),
      },
    ],
  };
});
