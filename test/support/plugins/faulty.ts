/**
 * A misbehaving plugin, for isolation tests: its `faulty` source yields garbage (events without a
 * time, null) between good events and then fails; `faulty.boom` throws on every event and
 * `faulty.garbage` returns an object where it declares a string. `faulty.value` is sound.
 */
import { definePlugin, type PluginEvent } from '../../../detector/plugins/api.js';

interface FaultyEvent extends PluginEvent {
  value: number;
}

export default definePlugin<FaultyEvent>(() => ({
  name: 'faulty',
  version: '1.2.3',
  description: 'Misbehaves on purpose',
  source: {
    name: 'faulty',
    open(params) {
      const count = Number(params || '4');
      async function* events(): AsyncGenerator<FaultyEvent> {
        for (let i = 1; i <= count; i++) {
          yield { time: 1_795_341_600_000_000_000n + BigInt(i), value: i };
          // Garbage the detector must skip and count.
          yield { value: i } as unknown as FaultyEvent;
          yield null as unknown as FaultyEvent;
        }
        throw new Error('the faulty source broke down');
      }
      return events();
    },
    info: () => {
      throw new Error('no info today');
    },
  },
  fields: [
    { name: 'faulty.value', type: 'uint64', description: 'sound', extract: (event) => event.value },
    {
      name: 'faulty.boom',
      type: 'string',
      description: 'throws',
      extract: () => {
        throw new Error('boom');
      },
    },
    { name: 'faulty.garbage', type: 'string', description: 'wrong type', extract: () => ({ not: 'a string' }) as unknown as string },
  ],
}));
