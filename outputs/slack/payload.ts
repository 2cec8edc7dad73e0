import type { Alert, Priority } from '../../contract/index.js';
import type { AlertTemplate } from '../template.js';
import { outputFieldText } from '../template.js';
import type { SlackConfig } from './config.js';
import { escapeSlack, truncateSlack } from './escape.js';

/** A legacy attachment field, as Slack and falcosidekick lay them out. */
export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

/** A legacy attachment: the colour bar, the output text and the fields. */
export interface SlackAttachment {
  fallback: string;
  color: string;
  text?: string;
  fields: SlackField[];
  footer?: string;
}

/** The message body, the same for an incoming webhook and for chat.postMessage. */
export interface SlackMessage {
  text?: string;
  username?: string;
  icon_url?: string;
  channel?: string;
  attachments: SlackAttachment[];
}

/**
 * Limits Saker keeps to: Slack recommends at most 4,000 characters of text per message (it truncates
 * past 40,000) and renders long field values poorly, so values are cut shorter and marked.
 */
export const SLACK_LIMITS = { text: 4000, fieldTitle: 300, fieldValue: 2000, fields: 50 } as const;

/** falcosidekick's colour per priority. */
export const PRIORITY_COLORS: Readonly<Record<Priority, string>> = {
  Emergency: '#e20b0b',
  Alert: '#ff5400',
  Critical: '#ff5400',
  Error: '#e20b0b',
  Warning: '#ffc700',
  Notice: '#5bffb5',
  Informational: '#68c2ff',
  Debug: '#ccfff2',
};

/**
 * The alert time as falcosidekick prints it in the `time` field (Go's `time.Time.String()`):
 * `2026-11-22 10:00:00.123456789 +0000 UTC`, trailing fractional zeros dropped.
 */
export function goTimeString(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (!m) return rfc3339;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const zone = m[4] === 'Z' || m[4] === 'z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
  return `${m[1]} ${m[2]}${fraction ? `.${fraction}` : ''} ${zone}`;
}

const clean = (text: string, limit: number) => truncateSlack(escapeSlack(text), limit);

function field(title: string, value: string, short: boolean): SlackField {
  return { title: clean(title, SLACK_LIMITS.fieldTitle), value: clean(value, SLACK_LIMITS.fieldValue), short };
}

/** falcosidekick's field order: rule, priority, source, hostname, tags, output fields by name, time. */
function fieldsOf(alert: Alert): SlackField[] {
  const fields = [field('rule', alert.rule, true), field('priority', alert.priority, true), field('source', alert.source, true)];
  if (alert.hostname !== '') fields.push(field('hostname', alert.hostname, true));
  if (alert.tags.length > 0) fields.push(field('tags', [...alert.tags].sort().join(', '), true));
  const names = Object.keys(alert.output_fields).sort();
  const room = SLACK_LIMITS.fields - fields.length - 2;
  for (const name of names.slice(0, room)) {
    const value = outputFieldText(alert.output_fields[name]);
    // falcosidekick's rule: a value shorter than 36 characters sits in a half-width column.
    fields.push(field(name, value, [...value].length < 36));
  }
  if (names.length > room) fields.push(field('…', `${names.length - room} more fields not shown`, false));
  fields.push(field('time', goTimeString(alert.time), false));
  return fields;
}

/** Maps an alert to falcosidekick's Slack message, with every event-derived value escaped and bounded. */
export function slackMessage(alert: Alert, config: SlackConfig, template: AlertTemplate | undefined): SlackMessage {
  const withFields = config.outputformat === 'all' || config.outputformat === 'fields';
  const withText = config.outputformat === 'all' || config.outputformat === 'text';
  const attachment: SlackAttachment = {
    fallback: clean(alert.output, SLACK_LIMITS.text),
    color: PRIORITY_COLORS[alert.priority],
    ...(withText ? { text: clean(alert.output, SLACK_LIMITS.text) } : {}),
    fields: withFields ? fieldsOf(alert) : [],
    ...(withFields && config.footer !== '' ? { footer: config.footer } : {}),
  };
  const text = template ? truncateSlack(template(alert, escapeSlack), SLACK_LIMITS.text) : '';
  return {
    ...(text !== '' ? { text } : {}),
    ...(config.username !== '' ? { username: config.username } : {}),
    ...(config.icon !== '' ? { icon_url: config.icon } : {}),
    ...(config.channel !== '' ? { channel: config.channel } : {}),
    attachments: [attachment],
  };
}
