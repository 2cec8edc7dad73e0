import type { SakerConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { startSidekick, untilStopSignal } from '../sidekick/index.js';

/**
 * `saker run` (what `npm start` runs): the sidekick and the web UI in this process, with embedded
 * defaults. The live detector is not wired in yet, so this says how to get alerts in meanwhile.
 */
export async function runAllInOne(config: SakerConfig, log: Logger, say: (text: string) => void): Promise<void> {
  const running = await startSidekick(config, log);
  say(
    [
      `Saker is running.`,
      `  web UI:  ${running.uiUrl ?? 'disabled (webui.enabled is false)'}`,
      `  ingest:  ${running.url}/  (point Falco's http_output or any falcosidekick client here)`,
      `  live detector: not built yet in this version; evaluate captures with \`saker replay\` meanwhile.`,
      `Press Ctrl+C to stop.`,
      '',
    ].join('\n'),
  );
  await untilStopSignal(log);
  await running.close();
}
