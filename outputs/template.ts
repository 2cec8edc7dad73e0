import type { Alert } from '../contract/index.js';
import { SakerError } from '../common/errors.js';
import { OUTPUT_ERROR_CODES } from './errors.js';

/**
 * A compiled alert template: falcosidekick's `messageformat` is a Go template over the alert; Saker
 * accepts the subset people use in practice and nothing that could run code:
 *
 *   {{ .Rule }} {{ .Priority }} {{ .Output }} {{ .Source }} {{ .Hostname }} {{ .Time }} {{ .Tags }} {{ .UUID }}
 *   {{ index .OutputFields "k8s.ns.name" }}
 *
 * Anything else is rejected when the output is created. Each substituted value goes through `escape`,
 * so the literal parts of the template (written by the operator) may carry markup while values taken
 * from events cannot.
 */
export type AlertTemplate = (alert: Alert, escape: (value: string) => string) => string;

type Part = string | ((alert: Alert) => string);

const FIELDS: Readonly<Record<string, (alert: Alert) => string>> = {
  Rule: (a) => a.rule,
  Priority: (a) => a.priority,
  Output: (a) => a.output,
  Source: (a) => a.source,
  Hostname: (a) => a.hostname,
  Time: (a) => a.time,
  Tags: (a) => a.tags.join(', '),
  UUID: (a) => a.uuid ?? '',
};

/** Renders an output-field value as text: lists joined with commas, a missing value as Falco's `<NA>`. */
export function outputFieldText(value: Alert['output_fields'][string] | undefined): string {
  if (value === null || value === undefined) return '<NA>';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/gs;
const INDEX = /^index\s+\.OutputFields\s+"((?:[^"\\]|\\.)*)"$/;

function compileAction(action: string, template: string): (alert: Alert) => string {
  const field = /^\.([A-Za-z]+)$/.exec(action)?.[1];
  const getter = field === undefined ? undefined : FIELDS[field];
  if (getter) return getter;
  const index = INDEX.exec(action);
  if (index?.[1] !== undefined) {
    const key = index[1].replace(/\\(.)/g, '$1');
    return (alert) => outputFieldText(alert.output_fields[key]);
  }
  throw new SakerError(
    OUTPUT_ERROR_CODES.TEMPLATE,
    `unsupported template action {{ ${action} }} in '${template}' (supported: ${Object.keys(FIELDS)
      .map((k) => `.${k}`)
      .join(' ')} and index .OutputFields "name")`,
  );
}

/** Compiles a template; throws `SAKER_ERR_OUTPUT_TEMPLATE` naming the first unsupported action. */
export function compileTemplate(template: string): AlertTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(ACTION)) {
    parts.push(template.slice(last, match.index));
    parts.push(compileAction(match[1] ?? '', template));
    last = match.index + match[0].length;
  }
  const rest = template.slice(last);
  if (rest.includes('{{')) {
    throw new SakerError(OUTPUT_ERROR_CODES.TEMPLATE, `unterminated template action in '${template}'`);
  }
  parts.push(rest);
  return (alert, escape) => parts.map((part) => (typeof part === 'string' ? part : escape(part(alert)))).join('');
}
