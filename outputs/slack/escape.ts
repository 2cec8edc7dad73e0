/**
 * Slack's markup: `<!channel>`, `<@U123>`, `<https://x|label>` are parsed from `<…>` and `&` starts an
 * entity. Values from events are attacker-controlled, so these three characters are escaped the way
 * Slack documents; nothing else needs escaping.
 */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Appended where text was cut to fit Slack's limits. */
export const TRUNCATION_MARKER = '… [truncated]';

/** Cuts already-escaped text to `limit` characters with the marker, never splitting an entity such as `&amp;`. */
export function truncateSlack(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, Math.max(0, limit - TRUNCATION_MARKER.length)).replace(/&[a-z]{0,4}$/, '');
  return cut + TRUNCATION_MARKER;
}
