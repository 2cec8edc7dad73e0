import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { SakerError } from '../../common/errors.js';
import type { PluginEvent, PluginEventStream } from './api.js';
import type { PluginFaults } from './faults.js';
import type { ConfiguredPlugin } from './load.js';

/** One event source running inside the detector (the syscall driver or a plugin source). */
export interface RunningSource {
  /** The `source:` its events are evaluated against. */
  source: string;
  /** The plugin providing it; undefined for syscall. */
  plugin?: string;
  /** Resolves once the source delivers events (opened / probes attached). */
  ready: Promise<void>;
  /** Resolves when the source ends on its own or after stop(); rejects when it fails. */
  done: Promise<void>;
  /** Asks the source to end; `done` settles once it has. */
  stop(): Promise<void>;
}

// An async iterator whose values are already there resolves on microtasks only; without a turn of
// the event loop now and then, a fast source would starve timers and sockets (the alert link).
const EVENTS_PER_TURN = 256;

const isPluginEvent = (value: unknown): value is PluginEvent =>
  typeof value === 'object' && value !== null && typeof (value as { time?: unknown }).time === 'bigint';

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs one configured plugin's event source: opens it with the config's `open_params`, hands every
 * well-formed event to `onEvent`, and closes it on stop. Events without a bigint `time` are skipped
 * and counted against the plugin; a failure to open or while streaming rejects `done` with a
 * `SAKER_ERR_PLUGIN_SOURCE` naming the plugin — the detector logs it and keeps its other sources.
 */
export function runPluginSource(configured: ConfiguredPlugin, faults: PluginFaults, onEvent: (event: PluginEvent) => void): RunningSource {
  const { plugin } = configured.entry;
  const source = plugin.source;
  if (source === undefined) throw new SakerError('SAKER_ERR_PLUGIN_SOURCE', `plugin ${plugin.name} has no event source to run`);
  const failure = (what: string, cause: unknown): SakerError =>
    new SakerError('SAKER_ERR_PLUGIN_SOURCE', `plugin ${plugin.name}: source ${source.name} ${what}: ${reason(cause)}`, { cause });

  let stream: PluginEventStream | undefined;
  let stopping = false;
  const opened = (async () => {
    try {
      stream = await source.open(configured.openParams, configured.context);
    } catch (cause) {
      throw failure('could not open', cause);
    }
    if (stream === null || typeof stream !== 'object' || typeof stream[Symbol.asyncIterator] !== 'function') {
      stream = undefined;
      throw failure('could not open', new Error('open() did not return an async iterable'));
    }
    return stream;
  })();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await stream?.close?.();
      } catch (error) {
        faults.record(plugin.name, 'close-failed', { err: error });
      }
    })());

  const done = (async () => {
    const events = await opened;
    let sinceTurn = 0;
    try {
      for await (const event of events) {
        if (stopping) break;
        if (isPluginEvent(event)) onEvent(event);
        else faults.record(plugin.name, 'bad-event', { got: event === null ? 'null' : typeof event });
        if (++sinceTurn === EVENTS_PER_TURN) {
          sinceTurn = 0;
          await nextMacrotask();
        }
      }
    } catch (cause) {
      if (!stopping) {
        faults.record(plugin.name, 'stream-failed', { err: cause });
        throw failure('failed', cause);
      }
    } finally {
      await close();
    }
  })();

  return {
    source: source.name,
    plugin: plugin.name,
    ready: opened.then(() => undefined),
    done,
    async stop() {
      stopping = true;
      // Closing ends a stream that is waiting for input (a webhook); a file stream ends at `stopping`.
      await opened.then(close, () => undefined);
    },
  };
}
