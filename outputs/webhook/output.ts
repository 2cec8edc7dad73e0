import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { SakerError } from '../../common/errors.js';
import { stringifyJson, type Alert } from '../../contract/index.js';
import type { OutputCreateOptions } from '../create-options.js';
import { OUTPUT_ERROR_CODES } from '../errors.js';
import type { DeliveryResult, Output, SendContext } from '../output.js';
import { isSuccessStatus, resultForHttpStatus, resultForTransportError } from '../results.js';
import { loadTlsOptions } from '../tls.js';
import { USER_AGENT } from '../user-agent.js';
import type { WebhookConfig } from './config.js';
import { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, signBody } from './signature.js';

/** Sends each alert as its own JSON request: falcosidekick's webhook, plus gzip and an HMAC signature. */
export class WebhookOutput implements Output {
  readonly type = 'webhook';
  readonly maxBatch = 1;
  readonly #config: WebhookConfig;
  /**
   * One connection pool for the one origin the output posts to. Not an Agent: an Agent re-emits every
   * request's `drain` and looks the origin up per request, which a single-origin output only pays for.
   */
  readonly #pool: Pool;
  /** Path and query of `address`, parsed once rather than per request. */
  readonly #path: string;
  /** Headers every request carries: built once (signing and gzip add theirs per request). */
  readonly #baseHeaders: Record<string, string>;
  readonly #now: () => number;

  constructor(config: WebhookConfig, readonly name: string, options: OutputCreateOptions = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    let url: URL;
    try {
      url = new URL(config.address);
    } catch (cause) {
      throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${name}.address: not a URL: ${config.address}`, { cause });
    }
    this.#path = `${url.pathname}${url.search}`;
    // `timeout` bounds each stage of a request the same way: connecting, waiting for the answer once the
    // request is written, and each pause while the answer arrives. undici's own timers do it, so a send
    // costs no extra AbortController, timer and listener on top of the delivery layer's own deadline.
    this.#pool = new Pool(url.origin, {
      connect: { ...loadTlsOptions(config, name, options), timeout: config.timeout },
      headersTimeout: config.timeout,
      bodyTimeout: config.timeout,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
    // Custom headers last, so a user may override the defaults (falcosidekick lets them set Content-Type).
    for (const [key, value] of Object.entries(config.customheaders)) headers[key.toLowerCase()] = value;
    this.#baseHeaders = headers;
  }

  async send(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    // The outbox hands over each alert's stored JSON, which is the body: no second serialisation.
    for (const [i, alert] of alerts.entries()) results.push(await this.#sendOne(context.json?.[i] ?? stringifyJson(alert), context));
    return results;
  }

  async #sendOne(json: string, context: SendContext): Promise<DeliveryResult> {
    let headers: Record<string, string> = this.#baseHeaders;
    let body: string | Buffer = json;
    if (this.#config.signingsecret || this.#config.gzip) {
      const own: Record<string, string> = {};
      if (this.#config.signingsecret) {
        const timestamp = Math.floor(this.#now() / 1000);
        own[SIGNATURE_TIMESTAMP_HEADER] = String(timestamp);
        own[SIGNATURE_HEADER] = signBody(this.#config.signingsecret, timestamp, json);
      }
      // Custom headers win over the signature's; the body's encoding is a fact about the body.
      headers = { ...own, ...this.#baseHeaders };
      if (this.#config.gzip) {
        body = gzipSync(json);
        headers['content-encoding'] = 'gzip';
      }
    }
    try {
      const response = await this.#pool.request({ path: this.#path, method: this.#config.method, headers, body, signal: context.signal });
      // A 2xx answer's body says nothing we use; any other's goes into the reason.
      const text = isSuccessStatus(response.statusCode) ? await response.body.dump().then(() => '') : await response.body.text();
      return resultForHttpStatus(response.statusCode, response.headers['retry-after'], text);
    } catch (error) {
      return resultForTransportError(error);
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
