import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { DetectorConfig, SakerConfig } from '../common/config/index.js';
import { SakerError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { PACKAGE_ROOT } from '../common/package-info.js';
import { parsePriority } from '../contract/index.js';
import { AlertEmitter, AlertSpool, HttpSink } from './emit/index.js';
import { Engine, formatLoadReport } from './engine/index.js';
import { FIELD_TABLES } from './fields/index.js';
import { BpftraceDriver, LiveEventAdapter } from './sources/live/index.js';
import { createContext, isRuleEvent, StateParser } from './sources/syscall/index.js';
import { loadHostUsers, seedFromProc } from './state/index.js';

/** Saker's own syscall rules, used when `detector.rules_files` is empty. */
export const DEFAULT_SYSCALL_RULES = join(PACKAGE_ROOT, 'rules', 'saker_rules.yaml');

/** Counters for the stats line and metrics. */
export interface DetectorStats {
  records: number;
  events: number;
  alerts: number;
  /** Records that could not be turned into events (counted, logged once). */
  adapterErrors: number;
  /** Events the kernel dropped before bpftrace read them. */
  kernelDrops: number;
}

/** A running detector. */
export interface RunningDetector {
  stats(): DetectorStats & { queued: number; sent: number; droppedAlerts: number };
  /** Resolves when the event stream ends (stop() or bpftrace exiting); rejects on a driver failure. */
  done: Promise<void>;
  /** Resolves once the probes really see events. */
  ready: Promise<void>;
  stop(drainMs?: number): Promise<void>;
}

/** Loads the rules the detector runs, failing start-up with Falco's report when they do not load. */
function loadEngine(config: DetectorConfig, hostname: string): Engine {
  const minimumPriority = parsePriority(config.priority);
  const engine = new Engine({ fieldTables: FIELD_TABLES, hostname, minimumPriority, ruleMatching: config.rule_matching });
  const files = config.rules_files.length > 0 ? config.rules_files : [DEFAULT_SYSCALL_RULES];
  const result = engine.loadRules(files);
  if (!result.successful) throw new SakerError('SAKER_ERR_RULES_INVALID', `the rules do not load:\n${formatLoadReport(result)}`);
  return engine;
}

/** The syscalls the loaded rules can match; a rule that matches every type asks for all of them. */
function syscallsFor(engine: Engine): string[] {
  const types = new Set<string>();
  for (const rule of engine.rules) {
    if (!rule.enabled || rule.source !== 'syscall') continue;
    for (const type of rule.condition.eventTypes ?? FIELD_TABLES.get('syscall')?.eventTypes ?? []) types.add(type);
  }
  return [...types];
}

/**
 * Starts the detector on this host: rules, state seeded from /proc, the live eBPF driver, and the
 * link that posts alerts to the sidekick. Fails fast, with a message that says what to do, when the
 * host cannot run the live driver or the rules do not load.
 */
export async function startDetector(config: SakerConfig, log: Logger): Promise<RunningDetector> {
  const hostname = config.detector.hostname || osHostname();
  const engine = loadEngine(config.detector, hostname);
  const syscalls = syscallsFor(engine);
  const driver = new BpftraceDriver({ syscalls });
  if (driver.unsupported.length > 0) log.info({ syscalls: driver.unsupported }, 'the live driver has no probe for these event types; rules on them see no events');

  const ctx = createContext({ users: loadHostUsers(config.detector.hostroot), hostname });
  const seeded = seedFromProc(ctx);
  log.info({ ...seeded, rules: engine.rules.filter((r) => r.enabled).length, probes: driver.probes.length }, 'detector state seeded from /proc');
  const parser = new StateParser(ctx);
  const adapter = new LiveEventAdapter(ctx);

  const spool = new AlertSpool(join(config.datadir, 'detector-spool.sqlite'), { maxAlerts: config.detector.http_output.maxqueued });
  const emitter = new AlertEmitter({
    spool,
    sink: new HttpSink({ url: config.detector.http_output.url, batch: config.detector.http_output.batch, timeoutMs: 10_000 }),
    maxBatch: 500,
    backoff: { initialMs: 200, maxMs: 30_000 },
    log,
  });
  emitter.start();

  const counters: DetectorStats = { records: 0, events: 0, alerts: 0, adapterErrors: 0, kernelDrops: 0 };
  const done = (async () => {
    for await (const record of driver.records()) {
      counters.records++;
      try {
        for (const event of adapter.adapt(record)) {
          parser.process(event);
          if (!isRuleEvent(event.layout)) continue;
          counters.events++;
          for (const alert of engine.process('syscall', event)) {
            counters.alerts++;
            emitter.emit(alert);
          }
        }
      } catch (error) {
        // One bad record must not stop detection; the first of each kind is logged.
        if (counters.adapterErrors++ === 0) log.warn({ err: error, syscall: record.kind }, 'a live record could not be processed; counting further ones');
      }
    }
  })();
  const statsTimer = setInterval(() => {
    counters.kernelDrops = driver.stats.lost;
    log.info({ ...counters, ...emitter.stats() }, 'detector stats');
  }, 60_000);
  statsTimer.unref();

  let stopping: Promise<void> | undefined;
  return {
    done,
    ready: driver.ready,
    stats: () => {
      const link = emitter.stats();
      return { ...counters, kernelDrops: driver.stats.lost, queued: link.queued, sent: link.sent, droppedAlerts: link.dropped + link.rejected };
    },
    stop(drainMs = 5_000) {
      stopping ??= (async () => {
        clearInterval(statsTimer);
        driver.stop();
        await done.catch(() => undefined);
        await emitter.close(drainMs);
        spool.close();
      })();
      return stopping;
    },
  };
}

/** Waits until the driver sees events, or fails with the reason it could not start. */
export async function untilDetectorReady(detector: RunningDetector): Promise<void> {
  await Promise.race([detector.ready, detector.done.then(() => Promise.reject(new SakerError('SAKER_ERR_LIVE_STOPPED', 'the live driver stopped before it was ready')))]);
}
