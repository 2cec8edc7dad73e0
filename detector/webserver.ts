import Fastify, { type FastifyInstance } from 'fastify';
import type { DetectorConfig } from '../common/config/index.js';
import { SakerError } from '../common/errors.js';
import type { DetectorMetrics } from './metrics.js';

/** The detector's `webserver` settings (falco.yaml's names). */
export type DetectorWebserverConfig = DetectorConfig['webserver'];

/** A listening detector web server. */
export interface DetectorWebserver {
  /** `http://address:port`, with the port actually bound (useful with `listen_port: 0`). */
  url: string;
  close(): Promise<void>;
}

// Falco's health answer, byte for byte, so probes written for Falco keep matching it.
const HEALTHY = '{"status": "ok"}';

function routes(app: FastifyInstance, config: DetectorWebserverConfig, metrics: DetectorMetrics): void {
  app.get(config.k8s_healthz_endpoint, async (_request, reply) => reply.type('application/json').send(HEALTHY));
  if (config.prometheus_metrics_enabled) {
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }
}

/**
 * Starts the detector's small HTTP server, as Falco's `webserver`: the health endpoint at
 * `k8s_healthz_endpoint` and, with `prometheus_metrics_enabled`, Prometheus metrics at `/metrics`.
 * Fails with `SAKER_ERR_DETECTOR_WEBSERVER` naming the setting when the address cannot be bound.
 */
export async function startDetectorWebserver(config: DetectorWebserverConfig, metrics: DetectorMetrics): Promise<DetectorWebserver> {
  if (!config.k8s_healthz_endpoint.startsWith('/')) {
    throw new SakerError('SAKER_ERR_CONFIG_INVALID', `detector.webserver.k8s_healthz_endpoint must start with '/', not '${config.k8s_healthz_endpoint}'`);
  }
  const app = Fastify({ logger: false });
  routes(app, config, metrics);
  try {
    await app.listen({ host: config.listen_address, port: config.listen_port });
  } catch (cause) {
    await app.close();
    throw new SakerError(
      'SAKER_ERR_DETECTOR_WEBSERVER',
      `the detector web server cannot listen on ${config.listen_address}:${config.listen_port} (detector.webserver.listen_address/listen_port): ${(cause as Error).message}`,
      { cause },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen_port;
  const host = config.listen_address.includes(':') ? `[${config.listen_address}]` : config.listen_address;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}

/**
 * Starts the web server when `config.enabled` (undefined otherwise). When it cannot start, `release`
 * runs first, so a detector that fails here leaves nothing open behind it.
 */
export async function startDetectorWebserverIfEnabled(
  config: DetectorWebserverConfig,
  metrics: DetectorMetrics,
  release: () => Promise<void>,
): Promise<DetectorWebserver | undefined> {
  if (!config.enabled) return undefined;
  try {
    return await startDetectorWebserver(config, metrics);
  } catch (error) {
    await release();
    throw error;
  }
}
