import type { SakerConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { parseByteSize } from '../detector/record/index.js';
import { startDetector, untilDetectorReady } from '../detector/service.js';
import { untilStopSignal } from '../sidekick/index.js';

/** `saker detector`: watch this host until SIGTERM/SIGINT, posting alerts to the sidekick. */
export async function runDetector(config: SakerConfig, log: Logger, say: (text: string) => void, flags: { record?: string; recordMaxSize?: string } = {}): Promise<void> {
  const record = flags.record ? { path: flags.record, maxBytes: parseByteSize(flags.recordMaxSize ?? '1G', '--record-max-size') } : undefined;
  const detector = await startDetector(config, log, { record });
  try {
    await untilDetectorReady(detector);
  } catch (error) {
    await detector.stop(0);
    throw error;
  }
  say(`Saker detector is watching this host; alerts go to ${config.detector.http_output.url}\n`);
  // Stop on a signal, or when the driver ends on its own (its error then reaches the caller).
  await Promise.race([untilStopSignal(log), detector.done]);
  await detector.stop();
  await detector.done;
}
