/** An alert as the API returns it (Falco's JSON alert plus the sidekick's uuid). */
export interface Alert {
  time: string;
  rule: string;
  priority: string;
  source: string;
  hostname: string;
  output: string;
  output_fields: Record<string, unknown>;
  tags: string[];
  uuid: string;
}

/** Falco's priorities, most severe first. */
export const PRIORITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'] as const;

/** Where one alert was delivered or why not, per output, from `events/:uuid`. */
export interface Delivery {
  output: string;
  /** `delivered`, `pending`, `dead` (dead-lettered) or `skipped` (not routed there). */
  state: string;
  attempts?: number;
  /** Pending: the last error; dead: why it was given up; skipped: why it was not sent. */
  error?: string;
  /** Epoch ms: when it was delivered or given up. */
  at?: number;
  /** Pending: epoch ms of the next attempt. */
  nextAt?: number;
}

/** Counts per bucket and priority, from `timeline`. */
export interface Timeline {
  from: number;
  to: number;
  step: number;
  times: number[];
  counts: Record<string, number[]>;
}
