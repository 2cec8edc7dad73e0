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

/** Where one alert was delivered, from `events/:uuid`. */
export interface Delivery {
  output: string;
  state: string;
  attempts?: number;
  error?: string;
  at?: number;
}

/** Counts per bucket and priority, from `timeline`. */
export interface Timeline {
  from: number;
  to: number;
  step: number;
  times: number[];
  counts: Record<string, number[]>;
}
