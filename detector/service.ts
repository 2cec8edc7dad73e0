import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { DetectorConfig, SakerConfig } from '../common/config/index.js';
import { SakerError } from '../common/errors.js';
import { limitHeapGrowth } from '../common/heap-growth.js';
import type { Logger } from '../common/logger.js';
import { parsePriority } from '../contract/index.js';
import { AlertEmitter, AlertSpool, GrpcSink, HttpSink, readPem, type AlertSink } from './emit/index.js';
import { Engine, formatLoadReport } from './engine/index.js';
import { fieldTablesOf } from './fields/index.js';
import { SYSCALL_FIELDS } from './fields/syscall/index.js';
import { DEFAULT_RULES_BY_SOURCE } from './plugins/default-rules.js';
import { loadPlugins, type ConfiguredPlugin, type LoadedPlugins } from './plugins/load.js';
import { runPluginSource, type RunningSource } from './plugins/run-source.js';
import { BpftraceDriver, LiveEventAdapter, PrefetchingHostFacts } from './sources/live/index.js';
import { DetectorMetrics } from './metrics.js';
import { LiveRecorder, type RecordOptions } from './record/index.js';
import { startDetectorWebserverIfEnabled } from './webserver.js';
import { createContext, isRuleEvent, StateParser } from './sources/syscall/index.js';
import { loadHostUsers, seedFromProc } from './state/index.js';
import { startContainerLookup } from './containers/index.js';

/** Saker's own syscall rules, used when `detector.rules_files` is empty. */
export const DEFAULT_SYSCALL_RULES = DEFAULT_RULES_BY_SOURCE.get('syscall') as string;

/** Counters of one event source. */
export interface SourceStats {
  /** Events evaluated against the source's rules. */
  events: number;
  alerts: number;
  /** Events whose evaluation failed (counted, logged once per source). */
  errors: number;
}

/** Counters for the stats line and metrics. */
export interface DetectorStats {
  /** Live records read from the kernel driver (syscall source). */
  records: number;
  /** Events evaluated, over every source. */
  events: number;
  alerts: number;
  /** Records that could not be turned into events (counted, logged once). */
  adapterErrors: number;
  /** The same per event source (`syscall`, `k8s_audit`, a plugin's source, …). */
  sources: Record<string, SourceStats>;
}

/** What the live driver dropped, read from it whenever asked (zero without a syscall source). */
export interface DriverDrops {
  /** Events the kernel dropped before bpftrace read them. */
  kernelDrops: number;
  /** Syscalls the kernel side dropped because the driver's arguments map was full. */
  mapFull: number;
}

/** What became of the configured plugins: those that failed to load, and run-time faults per plugin. */
export interface PluginHealth {
  failed: { name: string; code: string; message: string }[];
  faults: Record<string, Partial<Record<string, number>>>;
}

/** A running detector. */
export interface RunningDetector {
  stats(): DetectorStats & DriverDrops & { queued: number; sent: number; droppedAlerts: number; plugins: PluginHealth };
  /**
   * Resolves when every event source has ended (stop(), bpftrace exiting, a file read to its end);
   * rejects when the last source to end failed (a driver failure).
   */
  done: Promise<void>;
  /** Resolves once the sources see events (probes attached, plugin sources opened). */
  ready: Promise<void>;
  /** The `source:` names whose sources have opened so far (a source that failed to open is absent). */
  openedSources(): string[];
  stop(drainMs?: number): Promise<void>;
  /** The web server's address (`detector.webserver`), when enabled. */
  webserverUrl?: string;
}

/** Start-up options that are command-line flags rather than configuration. */
export interface DetectorOptions {
  /** `saker detector --record FILE`: keep every live record for `saker replay`. */
  record?: RecordOptions;
}

/** Which sources run: the live syscall driver unless disabled, and every configured plugin source. */
interface EnabledSources {
  syscall: boolean;
  plugins: ConfiguredPlugin[];
}

/** How long stop() waits for sources to end before going on without them. */
const SOURCE_STOP_WAIT_MS = 10_000;

/**
 * The sources to run, as Falco chooses them: `syscall` plus the source of every loaded plugin that
 * has one, minus `detector.disable_sources`. Naming an unknown source, or disabling all, stops start-up.
 */
function enabledSources(config: DetectorConfig, plugins: LoadedPlugins): EnabledSources {
  const known = new Set(['syscall', ...plugins.registry.fieldTables.keys()]);
  const disabled = new Set(config.disable_sources);
  for (const name of disabled) {
    if (!known.has(name)) throw new SakerError('SAKER_ERR_CONFIG_INVALID', `detector.disable_sources: unknown event source '${name}' (known: ${[...known].join(', ')})`);
  }
  const enabled: EnabledSources = {
    syscall: !disabled.has('syscall'),
    plugins: plugins.configured.filter((p) => p.entry.plugin.source !== undefined && !disabled.has(p.entry.plugin.source.name)),
  };
  if (!enabled.syscall && enabled.plugins.length === 0) {
    const why = plugins.configured.length === 0 ? 'no plugin with an event source is configured (detector.plugins)' : 'detector.disable_sources disables all of them';
    throw new SakerError('SAKER_ERR_CONFIG_INVALID', `the detector has no event source to run: syscall is disabled and ${why}`);
  }
  return enabled;
}

const sourceNames = (enabled: EnabledSources): string[] => [
  ...(enabled.syscall ? ['syscall'] : []),
  ...enabled.plugins.map((p) => p.entry.plugin.source?.name ?? ''),
];

/**
 * Loads the rules the detector runs, failing start-up with Falco's report when they do not load.
 * Without `rules_files`, Saker's own rules for each source that runs.
 */
function loadEngine(config: DetectorConfig, hostname: string, plugins: LoadedPlugins, sources: readonly string[]): Engine {
  const minimumPriority = parsePriority(config.priority);
  const engine = new Engine({
    fieldTables: fieldTablesOf(plugins.registry),
    plugins: plugins.registry.available,
    hostname,
    minimumPriority,
    ruleMatching: config.rule_matching,
  });
  const defaults = sources.map((source) => DEFAULT_RULES_BY_SOURCE.get(source)).filter((file) => file !== undefined);
  const files = config.rules_files.length > 0 ? config.rules_files : defaults;
  const result = engine.loadRules(files);
  if (!result.successful) throw new SakerError('SAKER_ERR_RULES_INVALID', `the rules do not load:\n${formatLoadReport(result)}`);
  return engine;
}

/** The syscalls the loaded rules can match; a rule that matches every type asks for all of them. */
function syscallsFor(engine: Engine, syscallTypes: ReadonlySet<string>): string[] {
  const types = new Set<string>();
  for (const rule of engine.rules) {
    if (!rule.enabled || rule.source !== 'syscall') continue;
    for (const type of rule.condition.eventTypes ?? syscallTypes) types.add(type);
  }
  return [...types];
}

/** Where alerts go: the sidekick's gRPC ingest or HTTP (Falco's http_output). */
function createSink(config: DetectorConfig): AlertSink {
  if (config.grpc_output.enabled) {
    return new GrpcSink({
      address: config.grpc_output.address,
      timeoutMs: 10_000,
      rootCert: config.grpc_output.cacertfile ? readPem(config.grpc_output.cacertfile, 'detector.grpc_output.cacertfile') : undefined,
    });
  }
  return new HttpSink({ url: config.http_output.url, batch: config.http_output.batch, timeoutMs: 10_000 });
}

/** The live syscall source: the eBPF driver, state rebuilt from its records, and the recorder. */
interface SyscallSource extends RunningSource {
  driver: BpftraceDriver;
  hostFacts: PrefetchingHostFacts;
  recorder?: LiveRecorder;
}

/**
 * Starts the live syscall source: state seeded from /proc, the bpftrace driver with the probes the
 * rules need, every record adapted into events that update state and, when rules see them, go to
 * `evaluate`. A record that cannot be processed is counted and skipped (the first one logged).
 */
function startSyscallSource(
  config: SakerConfig,
  engine: Engine,
  hostname: string,
  log: Logger,
  options: DetectorOptions,
  counters: DetectorStats,
  evaluate: (source: string, event: unknown) => void,
): SyscallSource {
  const driver = new BpftraceDriver({ syscalls: syscallsFor(engine, SYSCALL_FIELDS.eventTypes) });
  if (driver.unsupported.length > 0) log.info({ syscalls: driver.unsupported }, 'the live driver has no probe for these event types; rules on them see no events');

  const ctx = createContext({ users: loadHostUsers(config.detector.hostroot), hostname });
  // Container names, images and pod labels from the runtime's API, filled in as containers show up.
  const containerLookup = startContainerLookup(config.detector, ctx, log);
  const seeded = seedFromProc(ctx);
  log.info({ ...seeded, rules: engine.rules.filter((r) => r.enabled).length, probes: driver.probes.length }, 'detector state seeded from /proc');
  const parser = new StateParser(ctx);
  const recorder = options.record ? new LiveRecorder(options.record, hostname, (err) => log.warn({ err }, 'the record file cannot be written; recording stopped')) : undefined;
  recorder?.writeState(ctx.threads.values(), ctx.users);
  // The runtime's answers go into the recording where they arrived, so a replay shows the same fields.
  if (containerLookup && recorder) containerLookup.onFound = (id, info) => recorder.writeContainer(id, info);
  // /proc facts (an exec's cgroups and cwd, a socket's own address) are read ahead of each record, off
  // the event loop; records are still handled one at a time, in order.
  const host = new PrefetchingHostFacts(ctx);
  const adapter = new LiveEventAdapter(ctx, recorder ? recorder.adapterOptions(host) : { host });

  const done = host.drain(driver.batches(), (record) => {
    counters.records++;
    try {
      const events = adapter.adapt(record);
      recorder?.write(record);
      for (const event of events) {
        parser.process(event);
        if (isRuleEvent(event.layout)) evaluate('syscall', event);
      }
    } catch (error) {
      // One bad record must not stop detection; the first of each kind is logged.
      if (counters.adapterErrors++ === 0) log.warn({ err: error, syscall: record.kind }, 'a live record could not be processed; counting further ones');
    }
  });
  return {
    source: 'syscall',
    ready: driver.ready,
    done,
    driver,
    hostFacts: host,
    ...(recorder ? { recorder } : {}),
    stop: async () => {
      driver.stop();
      await done.catch(() => undefined);
      containerLookup?.close();
    },
  };
}

/**
 * Settles when every source has ended. A source that ends or fails is logged and the others go on;
 * the detector fails only when the last source to end failed.
 */
async function superviseSources(sources: readonly RunningSource[], log: Logger): Promise<void> {
  let running = sources.length;
  let lastFailure: unknown;
  await Promise.all(
    sources.map(async (source) => {
      const who = { source: source.source, ...(source.plugin ? { plugin: source.plugin } : {}) };
      try {
        await source.done;
        running--;
        lastFailure = undefined;
        log.info({ ...who, stillRunning: running }, `event source ${source.source} ended`);
      } catch (error) {
        running--;
        lastFailure = error;
        log.error({ ...who, err: error, stillRunning: running }, `event source ${source.source} failed${running > 0 ? '; the other sources keep running' : ''}`);
      }
    }),
  );
  if (lastFailure !== undefined) throw lastFailure;
}

/** Ready when every source has opened or failed, provided at least one opened. */
async function untilSourcesReady(sources: readonly RunningSource[]): Promise<void> {
  const outcomes = await Promise.allSettled(sources.map((s) => s.ready));
  if (outcomes.some((o) => o.status === 'fulfilled')) return;
  const first = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  throw first?.reason ?? new SakerError('SAKER_ERR_LIVE_STOPPED', 'no event source started');
}

/**
 * Starts the detector: plugins, rules, every enabled event source (the live eBPF driver on this
 * host and each configured plugin source, all at once, each evaluating the rules of its `source:`),
 * and the link that posts alerts to the sidekick. Fails fast, with a message that says what to do,
 * when the host cannot run the live driver, no source is enabled, or the rules do not load.
 */
export async function startDetector(config: SakerConfig, log: Logger, options: DetectorOptions = {}): Promise<RunningDetector> {
  // Its old generation is mostly the thread table: keep V8's slack near what is live (see common/heap-growth.ts).
  limitHeapGrowth();
  const hostname = config.detector.hostname || osHostname();
  const plugins = await loadPlugins(config.detector, { log, datadir: config.datadir });
  let enabled: EnabledSources;
  let engine: Engine;
  try {
    enabled = enabledSources(config.detector, plugins);
    engine = loadEngine(config.detector, hostname, plugins, sourceNames(enabled));
  } catch (error) {
    await plugins.destroy();
    throw error;
  }

  const counters: DetectorStats = { records: 0, events: 0, alerts: 0, adapterErrors: 0, sources: {} };
  for (const source of sourceNames(enabled)) counters.sources[source] = { events: 0, alerts: 0, errors: 0 };

  const spool = new AlertSpool(join(config.datadir, 'detector-spool.sqlite'), { maxAlerts: config.detector.http_output.maxqueued });
  const emitter = new AlertEmitter({ spool, sink: createSink(config.detector), maxBatch: 500, backoff: { initialMs: 200, maxMs: 30_000 }, log });
  emitter.start();

  let syscall: SyscallSource | undefined;
  const driverDrops = (): DriverDrops => ({ kernelDrops: syscall?.driver.stats.lost ?? 0, mapFull: syscall?.driver.stats.mapFull ?? 0 });
  const metrics = new DetectorMetrics(
    () => ({
      records: counters.records,
      events: Object.fromEntries(Object.entries(counters.sources).map(([source, stats]) => [source, stats.events])),
      ...driverDrops(),
      malformedLines: syscall?.driver.stats.malformed ?? 0,
      truncatedStrings: syscall?.driver.stats.truncated ?? 0,
      adapterErrors: counters.adapterErrors,
      link: emitter.stats(),
      recording: syscall?.recorder?.stats,
      hostFacts: syscall?.hostFacts.stats,
    }),
    engine.rules.flatMap((rule) => rule.tags),
  );
  const webserver = await startDetectorWebserverIfEnabled(config.detector.webserver, metrics, async () => {
    await emitter.close(0);
    spool.close();
    syscall?.recorder?.close();
  });

  /** The one place events are evaluated and events and alerts counted, whatever their source. */
  const evaluate = (source: string, event: unknown): void => {
    const stats = counters.sources[source];
    counters.events++;
    if (stats) stats.events++;
    for (const alert of engine.process(source, event)) {
      counters.alerts++;
      if (stats) stats.alerts++;
      metrics.alert(alert);
      emitter.emit(alert);
    }
  };

  let pluginSources: RunningSource[];
  try {
    syscall = enabled.syscall ? startSyscallSource(config, engine, hostname, log, options, counters, evaluate) : undefined;
    pluginSources = enabled.plugins.map((configured) => startPluginSource(configured, plugins, counters, log, evaluate));
  } catch (error) {
    // The host cannot run the live driver: release what started so the process can exit.
    await emitter.close(0);
    spool.close();
    await webserver?.close();
    await plugins.destroy();
    throw error;
  }
  const sources: RunningSource[] = [...(syscall ? [syscall] : []), ...pluginSources];
  log.info({ sources: sources.map((s) => s.source) }, 'detector event sources started');

  // Registered before `ready` is derived, so whoever awaits `ready` sees every source that opened.
  const opened = new Set<string>();
  for (const source of sources) source.ready.then(() => opened.add(source.source), () => undefined);
  const done = superviseSources(sources, log);
  const ready = untilSourcesReady(sources);
  // Failures are logged by superviseSources and reported by untilDetectorReady; never unhandled.
  done.catch(() => undefined);
  ready.catch(() => undefined);

  const statsTimer = setInterval(() => {
    log.info({ ...counters, ...driverDrops(), ...emitter.stats(), pluginFaults: plugins.registry.faults.snapshot() }, 'detector stats');
  }, 60_000);
  statsTimer.unref();

  let stopping: Promise<void> | undefined;
  let finalLink: ReturnType<AlertEmitter['stats']> | undefined;
  return {
    done,
    ready,
    openedSources: () => [...opened],
    webserverUrl: webserver?.url,
    stats: () => {
      const link = finalLink ?? emitter.stats();
      const health: PluginHealth = {
        failed: plugins.failures.map((f) => ({ name: f.name, code: f.error.code, message: f.error.message })),
        faults: plugins.registry.faults.snapshot(),
      };
      return { ...counters, ...driverDrops(), queued: link.queued, sent: link.sent, droppedAlerts: link.dropped + link.rejected, plugins: health };
    },
    stop(drainMs = 5_000) {
      stopping ??= (async () => {
        clearInterval(statsTimer);
        await Promise.all(sources.map((s) => s.stop()));
        const ended = await Promise.race([done.then(() => true, () => true), delay(SOURCE_STOP_WAIT_MS, false, { ref: false })]);
        if (!ended) log.warn('some event sources did not end after stop; going on without them');
        await plugins.destroy();
        await emitter.close(drainMs);
        // The spool closes with the detector; stats() after stop() reports the link as it ended.
        finalLink = emitter.stats();
        spool.close();
        syscall?.recorder?.close();
        await webserver?.close();
      })();
      return stopping;
    },
  };
}

/** Runs one plugin source; an event whose evaluation throws is counted against the source (logged once). */
function startPluginSource(
  configured: ConfiguredPlugin,
  plugins: LoadedPlugins,
  counters: DetectorStats,
  log: Logger,
  evaluate: (source: string, event: unknown) => void,
): RunningSource {
  const source = configured.entry.plugin.source?.name ?? '';
  return runPluginSource(configured, plugins.registry.faults, (event) => {
    try {
      evaluate(source, event);
    } catch (error) {
      const stats = counters.sources[source];
      if (stats && stats.errors++ === 0) log.warn({ err: error, source, plugin: configured.entry.plugin.name }, `an event of source ${source} could not be evaluated; counting further ones`);
    }
  });
}

/** Waits until the sources see events, or fails with the reason they could not start. */
export async function untilDetectorReady(detector: RunningDetector): Promise<void> {
  await Promise.race([
    detector.ready,
    detector.done.then(() => Promise.reject(new SakerError('SAKER_ERR_LIVE_STOPPED', 'the event sources stopped before they were ready'))),
  ]);
}
