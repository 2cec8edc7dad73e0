import { SakerError, ERROR_CODES } from '../../common/errors.js';
import { DEFAULT_K8S_AUDIT_URL, runDemo } from '../demo/index.js';
import { EXIT } from '../exit-codes.js';
import { loadServiceConfig, withServiceOptions, type CommandModule, type ServiceOptions } from '../context.js';

interface DemoCommandOptions extends ServiceOptions {
  k8sAuditUrl: string;
  wait: string;
}

/** Seconds from `--wait`: a whole number, 0 to skip the check. */
function waitSeconds(text: string): number {
  if (!/^\d+$/.test(text)) throw new SakerError(ERROR_CODES.USAGE, `--wait must be a whole number of seconds, not '${text}'`);
  return Number(text);
}

export const demoCommand: CommandModule = (program, { io, action }) => {
  withServiceOptions(
    program
      .command('demo')
      .description(
        'make Saker’s rules fire: harmless suspicious actions on this host and sample Kubernetes audit events, then check the web UI for the alerts',
      ),
  )
    .option('--k8s-audit-url <url>', 'the detector’s Kubernetes audit webhook; without one listening the demo evaluates the events itself', DEFAULT_K8S_AUDIT_URL)
    .option('--wait <seconds>', 'how long to wait for the alerts in the web UI (0: do not check)', '60')
    .action(
      action<DemoCommandOptions>(async (options) => {
        const waitMs = waitSeconds(options.wait) * 1000;
        const config = loadServiceConfig(options);
        const result = await runDemo(config, { k8sAuditUrl: options.k8sAuditUrl, waitMs }, io.out);
        return result.missing !== undefined && result.missing.length > 0 ? EXIT.FAILURE : EXIT.OK;
      }),
    );
};
