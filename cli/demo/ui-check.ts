/**
 * The demo's last step: ask the sidekick's UI API which of the expected rules have alerts since the
 * demo started, so the summary says what really arrived rather than what should have.
 */
import type { Alert } from '../../contract/index.js';

/** What the UI shows: rules seen, or why it could not be asked. */
export type UiCheck = { seen: Set<string> } | { unavailable: string };

const POLL_MS = 500;
// Alerts carry the time of the event; a little slack covers clocks read in different processes.
const CLOCK_SLACK_MS = 2_000;

/** One search: rules with alerts at or after `sinceMs`, or why the API could not be asked. */
async function rulesSeen(uiUrl: string, sinceMs: number): Promise<UiCheck> {
  let response: Response;
  try {
    response = await fetch(`${uiUrl}/api/v1/events/search?since=15m&limit=10000`);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { unavailable: `the web UI at ${uiUrl} is not reachable (${cause?.code ?? String(error)})` };
  }
  if (response.status === 401) return { unavailable: `the web UI at ${uiUrl} needs a login; open it in a browser` };
  if (!response.ok) return { unavailable: `the web UI at ${uiUrl} answered ${response.status}` };
  const { results } = (await response.json()) as { results: Alert[] };
  return { seen: new Set(results.filter((a) => Date.parse(a.time) >= sinceMs - CLOCK_SLACK_MS).map((a) => a.rule)) };
}

/** Polls until every expected rule has an alert or `waitMs` has passed; returns the last answer. */
export async function waitForRules(uiUrl: string, expected: ReadonlySet<string>, sinceMs: number, waitMs: number): Promise<UiCheck> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const check = await rulesSeen(uiUrl, sinceMs);
    if ('unavailable' in check) return check;
    if ([...expected].every((rule) => check.seen.has(rule)) || Date.now() >= deadline) return check;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
