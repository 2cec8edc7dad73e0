/**
 * Where one alert went, for the detail view; the sidekick's outbox supplies it. `skipped` is added by
 * the API for an enabled output with no record: the router did not send the alert there.
 */
export interface DeliveryStatus {
  output: string;
  state: 'pending' | 'delivered' | 'dead' | 'skipped';
  attempts?: number;
  /** Pending: the last error; dead: why it was given up; skipped: why it was not sent. */
  error?: string;
  /** Epoch ms: when it was delivered or given up. */
  at?: number;
  /** Pending: epoch ms of the next attempt. */
  nextAt?: number;
}

/** Things the UI API shows but does not own; each is optional so the UI can run alone. */
export interface UiContext {
  /** Names of the enabled outputs (`/api/v1/outputs`). */
  outputs?: () => readonly string[];
  /** Delivery status of one alert per output (`/api/v1/events/:uuid`). */
  deliveryStatus?: (uuid: string) => readonly DeliveryStatus[] | Promise<readonly DeliveryStatus[]>;
  /** Shown by `/api/v1/configuration` as falcosidekick-ui's `listen-address` / `listen-port`. */
  listenAddress?: string;
  listenPort?: number;
  logLevel?: string;
  /** Whether the UI asks for a login; shown as `disable-auth`. */
  authEnabled?: boolean;
}
