/** Where one alert went, for the detail view; the sidekick's outbox supplies it. */
export interface DeliveryStatus {
  output: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts?: number;
  /** Last error, or why it was given up. */
  error?: string;
  /** Epoch ms of the last change. */
  at?: number;
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
