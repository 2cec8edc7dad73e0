import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig, type SakerConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import { createOutput } from '../../../outputs/index.js';
import { createSidekick, type Route, type Sidekick } from '../../../sidekick/index.js';
import type { Priority } from '../../../contract/index.js';

/** A sidekick listening on a loopback port, its data folder, and how to post to it. */
export interface RunningSidekick {
  sidekick: Sidekick;
  config: SakerConfig;
  url: string;
  dataDir: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown; headers: Headers }>;
  /** Stops the sidekick (drain bounded by `drainMs`); keeps the data folder unless `keepData` is false. */
  stop(drainMs?: number): Promise<void>;
}

/** A webhook route to a local peer, through the real webhook output. */
export function webhookRoute(name: string, address: string, minimumPriority?: Priority): Route {
  return { name, output: createOutput('webhook', { address }, name), ...(minimumPriority ? { minimumPriority } : {}) };
}

const dirs: string[] = [];

/** Removes every data folder made by `startSidekick`. */
export function removeDataDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts a sidekick from a config built like the CLI builds it (defaults + `env`), on 127.0.0.1 and a
 * free port, with a fresh data folder unless one is given (to restart on the same outbox).
 */
export async function startSidekick(options: {
  routes: (config: SakerConfig) => Route[];
  env?: Record<string, string>;
  file?: string;
  dataDir?: string;
  tweak?: (config: SakerConfig) => void;
}): Promise<RunningSidekick> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'saker-sidekick-'));
  if (!options.dataDir) dirs.push(dataDir);
  const config = loadConfig({ env: { LISTENADDRESS: '127.0.0.1', DATADIR: dataDir, ...options.env }, file: options.file });
  config.listenport = 0 as number; // any free port; the schema only admits real ports
  options.tweak?.(config);
  const sidekick = createSidekick({
    config,
    routes: options.routes(config),
    log: createLogger({ level: 'silent', pretty: false }),
    env: options.env ?? {},
  });
  await sidekick.listen();
  const { port } = sidekick.app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    sidekick,
    config,
    url,
    dataDir,
    async post(path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
    },
    stop: (drainMs = 0) => sidekick.close(drainMs),
  };
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes (then throws `what`). */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A Falco alert exactly as Falco's http_output posts it (json_output: true), from Falco's own docs. */
export const FALCO_ALERT = {
  hostname: 'falco-node-1',
  output: '16:31:56.746609046: Error File below a known binary directory opened for writing (user=root command=touch /bin/hack file=/bin/hack)',
  priority: 'Error',
  rule: 'Write below binary dir',
  source: 'syscall',
  tags: ['filesystem', 'mitre_persistence'],
  time: '2019-05-17T15:31:56.746609046Z',
  output_fields: { 'evt.time': 1558107116746609, 'fd.name': '/bin/hack', 'proc.cmdline': 'touch /bin/hack', 'user.name': 'root' },
};
