import { stringify } from 'yaml';
import type { SakerConfig } from '../common/config/index.js';

/** Keys whose values are credentials (falcosidekick's names): Slack's webhook URL embeds its token. */
const SECRET_KEY = /(password|token|secret|apikey|accesskey|secretaccesskey|webhookurl|signingsecret|bearertoken)$/i;

export const MASK = '********';

function mask(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return value !== '' && SECRET_KEY.test(key) ? MASK : value;
  if (Array.isArray(value)) return value.map((item) => mask(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  }
  return value;
}

/** The effective config as YAML, every credential replaced by a mask, for `saker sidekick --print-config`. */
export function printableConfig(config: SakerConfig): string {
  return stringify(mask(config));
}
