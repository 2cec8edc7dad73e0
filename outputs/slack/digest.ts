import { comparePriority, type Alert } from '../../contract/index.js';
import type { SlackConfig } from './config.js';
import { escapeSlack, truncateSlack } from './escape.js';
import { PRIORITY_COLORS, SLACK_LIMITS, type SlackMessage } from './payload.js';

interface Group {
  rule: string;
  hostname: string;
  count: number;
  first: string;
  last: string;
  priority: Alert['priority'];
}

/** "42 s", "3 min": the span between the first and last alert of a group, from the alerts' own times. */
function span(first: string, last: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(last) - Date.parse(first)) / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * One message standing for a burst of alerts: a line per (rule, host), most frequent first —
 * `rule "X" fired 312 times on host "Y" in the last 58 s`.
 */
export function slackDigest(alerts: readonly Alert[], config: SlackConfig): SlackMessage {
  const groups = new Map<string, Group>();
  for (const alert of alerts) {
    const key = JSON.stringify([alert.rule, alert.hostname]);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { rule: alert.rule, hostname: alert.hostname, count: 1, first: alert.time, last: alert.time, priority: alert.priority });
      continue;
    }
    group.count += 1;
    if (alert.time < group.first) group.first = alert.time;
    if (alert.time > group.last) group.last = alert.time;
    if (comparePriority(alert.priority, group.priority) > 0) group.priority = alert.priority;
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
  const lines = sorted.map(
    (g) =>
      `• rule "${escapeSlack(g.rule)}" fired ${g.count} time${g.count === 1 ? '' : 's'} on host "${escapeSlack(g.hostname || 'unknown')}" in the last ${span(g.first, g.last)} (${g.priority})`,
  );
  const top = sorted.reduce<Alert['priority']>((p, g) => (comparePriority(g.priority, p) > 0 ? g.priority : p), 'Debug');
  const summary = `Digest of ${alerts.length} alerts (Slack rate limit: grouped instead of posted one by one)`;
  const body = truncateSlack(lines.join('\n'), SLACK_LIMITS.text);
  return {
    text: summary,
    ...(config.username !== '' ? { username: config.username } : {}),
    ...(config.icon !== '' ? { icon_url: config.icon } : {}),
    ...(config.channel !== '' ? { channel: config.channel } : {}),
    attachments: [{ fallback: summary, color: PRIORITY_COLORS[top], text: body, fields: [], ...(config.footer !== '' ? { footer: config.footer } : {}) }],
  };
}
