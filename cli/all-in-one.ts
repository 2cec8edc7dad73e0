import type { SakerConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { startDetector, untilDetectorReady, type RunningDetector } from '../detector/service.js';
import { livePreflight } from '../detector/sources/live/index.js';
import { startSidekick, untilStopSignal } from '../sidekick/index.js';

/**
 * `saker run` (what `npm start` runs): sidekick, web UI and, when this host allows it, the live
 * detector, in one process with embedded defaults. Without root or BTF the detector stays off and
 * the reason is printed; everything else still runs.
 */
export async function runAllInOne(config: SakerConfig, log: Logger, say: (text: string) => void): Promise<void> {
  const sidekick = await startSidekick(config, log);
  const problems = livePreflight();
  let detector: RunningDetector | undefined;
  let detectorLine: string;
  if (problems.length === 0) {
    const linked = { ...config, detector: { ...config.detector, http_output: { ...config.detector.http_output, url: `${sidekick.url}/` } } };
    try {
      detector = await startDetector(linked, log);
      await untilDetectorReady(detector);
    } catch (error) {
      // Bad rules or a driver that cannot start: stop what is running so the process can exit.
      await detector?.stop(0);
      await sidekick.close();
      throw error;
    }
    detectorLine = 'watching this host with eBPF';
  } else {
    detectorLine = `off: ${problems.map((p) => p.message).join('; ')}`;
  }
  say(
    [
      `Saker is running.`,
      `  web UI:   ${sidekick.uiUrl ?? 'disabled (webui.enabled is false)'}`,
      `  ingest:   ${sidekick.url}/  (point Falco's http_output or any falcosidekick client here)`,
      `  detector: ${detectorLine}`,
      `Press Ctrl+C to stop.`,
      '',
    ].join('\n'),
  );
  await Promise.race([untilStopSignal(log), ...(detector ? [detector.done] : [])]);
  await detector?.stop();
  await sidekick.close();
}
