import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { stringifyJson, type Alert } from '../../contract/index.js';
import { withTimeout } from '../../common/abort.js';
import type { OutputCreateOptions } from '../create-options.js';
import type { DeliveryResult, Output, SendContext } from '../output.js';
import { resultForHttpStatus, resultForTransportError } from '../results.js';
import { loadTlsOptions } from '../tls.js';
import { USER_AGENT } from '../user-agent.js';
import type { WebhookConfig } from './config.js';
import { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, signBody } from './signature.js';

/** Sends each alert as its own JSON request: falcosidekick's webhook, plus gzip and an HMAC signature. */
export class WebhookOutput implements Output {
  readonly type = 'webhook';
  readonly maxBatch = 1;
  readonly #config: WebhookConfig;
  readonly #agent: Agent;
  readonly #now: () => number;

  constructor(config: WebhookConfig, readonly name: string, options: OutputCreateOptions = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    this.#agent = new Agent({ connect: loadTlsOptions(config, name, options) });
  }

  async send(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    // The outbox hands over each alert's stored JSON, which is the body: no second serialisation.
    for (const [i, alert] of alerts.entries()) results.push(await this.#sendOne(context.json?.[i] ?? stringifyJson(alert), context));
    return results;
  }

  async #sendOne(json: string, context: SendContext): Promise<DeliveryResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
    if (this.#config.signingsecret) {
      const timestamp = Math.floor(this.#now() / 1000);
      headers[SIGNATURE_TIMESTAMP_HEADER] = String(timestamp);
      headers[SIGNATURE_HEADER] = signBody(this.#config.signingsecret, timestamp, json);
    }
    // Custom headers last, so a user may override the defaults (falcosidekick lets them set Content-Type).
    for (const [key, value] of Object.entries(this.#config.customheaders)) headers[key.toLowerCase()] = value;
    let body: string | Buffer = json;
    if (this.#config.gzip) {
      body = gzipSync(json);
      headers['content-encoding'] = 'gzip';
    }
    try {
      return await withTimeout(context.signal, this.#config.timeout, async (signal) => {
        const response = await request(this.#config.address, { method: this.#config.method, headers, body, dispatcher: this.#agent, signal });
        const text = await response.body.text();
        return resultForHttpStatus(response.statusCode, response.headers['retry-after'], text);
      });
    } catch (error) {
      return resultForTransportError(error);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
