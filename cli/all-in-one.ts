import type { SakerConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { startDetector, untilDetectorReady, type RunningDetector } from '../detector/service.js';
import { livePreflight } from '../detector/sources/live/index.js';
import { startSidekick, untilStopSignal } from '../sidekick/index.js';

/**
 * The Kubernetes audit webhook `saker run` opens when no plugin is configured. Loopback only, so
 * nothing beyond this host can post audit events; `saker demo` posts its sample events here.
 */
export const EMBEDDED_AUDIT_WEBHOOK = 'http://127.0.0.1:9765/k8s-audit';

/**
 * The detector settings `saker run` uses: alerts go to its own sidekick; with no plugin configured
 * (neither `plugins` nor `load_plugins` set) the audit webhook listens on loopback; without eBPF the
 * plugin sources run alone.
 */
export function embeddedDetectorConfig(config: SakerConfig, sidekickUrl: string, liveAvailable: boolean): SakerConfig {
  const detector = { ...config.detector, http_output: { ...config.detector.http_output, url: `${sidekickUrl}/` } };
  if (detector.plugins.length === 0 && detector.load_plugins === undefined) {
    detector.plugins = [{ name: 'k8saudit', open_params: EMBEDDED_AUDIT_WEBHOOK }, { name: 'json' }];
  }
  if (!liveAvailable && !detector.disable_sources.includes('syscall')) detector.disable_sources = [...detector.disable_sources, 'syscall'];
  return { ...config, detector };
}

/**
 * `saker run` (what `npm start` runs): sidekick, web UI and the detector, in one process with
 * embedded defaults. The detector watches this host with eBPF when the host allows it and takes
 * Kubernetes audit events on loopback either way. Without eBPF, a detector that cannot start is
 * reported and everything else still runs; with eBPF, it fails start-up as `saker detector` would.
 */
export async function runAllInOne(config: SakerConfig, log: Logger, say: (text: string) => void): Promise<void> {
  const sidekick = await startSidekick(config, log);
  const liveProblems = livePreflight();
  const liveAvailable = liveProblems.length === 0;
  const linked = embeddedDetectorConfig(config, sidekick.url, liveAvailable);
  let detector: RunningDetector | undefined;
  const watching: string[] = [];
  const notStarted: string[] = [];
  try {
    detector = await startDetector(linked, log);
    await untilDetectorReady(detector);
    // Name only the sources that opened: with eBPF running, a webhook whose port is taken fails alone.
    const opened = new Set(detector.openedSources());
    if (liveAvailable && opened.has('syscall')) watching.push('this host with eBPF');
    const webhook = linked.detector.plugins.find((p) => p.name === 'k8saudit')?.open_params;
    if (webhook && opened.has('k8s_audit')) watching.push(`Kubernetes audit events at ${webhook}`);
    else if (webhook) notStarted.push(`the Kubernetes audit webhook at ${webhook} (see the log)`);
  } catch (error) {
    await detector?.stop(0);
    detector = undefined;
    if (liveAvailable) {
      // Bad rules or a driver that cannot start: stop what is running so the process can exit.
      await sidekick.close();
      throw error;
    }
    log.warn({ err: error }, 'the detector could not start its plugin sources');
    watching.length = 0;
  }
  const liveOff = liveAvailable ? '' : `; eBPF off: ${liveProblems.map((p) => p.message).join('; ')}`;
  const failed = notStarted.length > 0 ? `; did not start: ${notStarted.join(', ')}` : '';
  const detectorLine = watching.length > 0 ? `watching ${watching.join(' and ')}${failed}${liveOff}` : `off${liveOff}`;
  say(
    [
      `Saker is running.`,
      `  web UI:   ${sidekick.uiUrl ?? 'disabled (webui.enabled is false)'}`,
      `  ingest:   ${sidekick.url}/  (point Falco's http_output or any falcosidekick client here)`,
      `  detector: ${detectorLine}`,
      `  outputs:  ${sidekick.outputs.length > 0 ? sidekick.outputs.join(', ') : 'the web UI only (set SLACK_WEBHOOKURL or see docs/configuration.md)'}`,
      `  demo:     npx saker demo  (makes Saker's rules fire${liveAvailable ? '' : '; its host actions need eBPF, its audit events do not'})`,
      `Press Ctrl+C to stop.`,
      '',
    ].join('\n'),
  );
  await Promise.race([untilStopSignal(log), ...(detector ? [detector.done] : [])]);
  await detector?.stop();
  await sidekick.close();
}
