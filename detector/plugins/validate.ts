import semver from 'semver';
import { SakerError } from '../../common/errors.js';
import { PLUGIN_FIELD_TYPES, type PluginField, type SakerPlugin } from './api.js';

// Falco's rules for plugin and field names.
const PLUGIN_NAME = /^[a-zA-Z0-9_-]+$/;
const FIELD_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)+$/;
const SOURCE_NAME = /^[a-zA-Z0-9_-]+$/;

type Check = readonly [ok: (value: Record<string, unknown>) => boolean, problem: string];

const isFunction = (value: unknown): boolean => typeof value === 'function';
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optional = (value: unknown, ok: (v: unknown) => boolean): boolean => value === undefined || ok(value);

/** Checks on the plugin object itself, each with what to tell its author. */
const PLUGIN_CHECKS: readonly Check[] = [
  [(p) => isText(p.name) && PLUGIN_NAME.test(p.name), 'name must be a non-empty string of letters, digits, _ and -'],
  [(p) => isText(p.version) && semver.valid(p.version) !== null && semver.prerelease(p.version) === null && !p.version.includes('+'), 'version must be a semantic version x.y.z'],
  [(p) => typeof p.description === 'string', 'description must be a string'],
  [(p) => optional(p.contact, (v) => typeof v === 'string'), 'contact must be a string'],
  [(p) => optional(p.init, isFunction), 'init must be a function'],
  [(p) => optional(p.destroy, isFunction), 'destroy must be a function'],
  [(p) => p.source !== undefined || p.fields !== undefined, 'a plugin needs a source, fields, or both'],
  [(p) => optional(p.source, isObject), 'source must be an object'],
  [(p) => optional(p.fields, Array.isArray), 'fields must be an array'],
  [
    (p) => optional(p.extractEventSources, (v) => Array.isArray(v) && v.every((s) => isText(s) && SOURCE_NAME.test(s))),
    'extractEventSources must be an array of source names',
  ],
  [(p) => !(Array.isArray(p.extractEventSources) && p.extractEventSources.includes('syscall')), "extraction from syscall events is not supported; remove 'syscall' from extractEventSources"],
];

const SOURCE_CHECKS: readonly Check[] = [
  [(s) => isText(s.name) && SOURCE_NAME.test(s.name), 'source.name must be a non-empty string of letters, digits, _ and -'],
  [(s) => s.name !== 'syscall', "source.name cannot be 'syscall' (the kernel source is Saker's own)"],
  [(s) => isFunction(s.open), 'source.open must be a function'],
  [(s) => optional(s.info, isFunction), 'source.info must be a function'],
];

const FIELD_CHECKS: readonly Check[] = [
  [(f) => isText(f.name) && FIELD_NAME.test(f.name), 'name must be dotted, like plugin.field'],
  [(f) => (PLUGIN_FIELD_TYPES as readonly unknown[]).includes(f.type), `type must be one of ${PLUGIN_FIELD_TYPES.join(', ')}`],
  [(f) => typeof f.description === 'string', 'description must be a string'],
  [(f) => isFunction(f.extract), 'extract must be a function'],
  [(f) => optional(f.bind, isFunction), 'bind must be a function'],
  [(f) => optional(f.list, (v) => typeof v === 'boolean'), 'list must be a boolean'],
  [(f) => optional(f.arg, isObject), 'arg must be an object { isIndex?, isKey?, isRequired? }'],
  [(f) => !(isObject(f.arg) && f.arg.isIndex === true && f.arg.isKey === true), 'arg cannot be both isIndex and isKey'],
  [(f) => !(isObject(f.arg) && f.arg.isRequired === true && f.arg.isIndex !== true && f.arg.isKey !== true), 'arg.isRequired needs isIndex or isKey'],
];

function failures(value: Record<string, unknown>, checks: readonly Check[], prefix: string): string[] {
  return checks.filter(([ok]) => !safely(() => ok(value))).map(([, problem]) => `${prefix}${problem}`);
}

// A check that throws (a getter on a hostile object) counts as failed, never escapes.
function safely(test: () => boolean): boolean {
  try {
    return test();
  } catch {
    return false;
  }
}

/**
 * Accepts what a plugin factory returned when it is a well-formed plugin, or throws
 * `SAKER_ERR_PLUGIN_INVALID` listing every problem, naming the plugin (by `label` when it has no
 * usable name).
 */
export function validatePlugin(value: unknown, label: string): SakerPlugin {
  if (!isObject(value)) throw new SakerError('SAKER_ERR_PLUGIN_INVALID', `plugin ${label}: the factory returned ${value === null ? 'null' : typeof value}, not a plugin object`);
  const problems = failures(value, PLUGIN_CHECKS, '');
  if (isObject(value.source)) problems.push(...failures(value.source, SOURCE_CHECKS, ''));
  if (Array.isArray(value.fields)) {
    const seen = new Set<string>();
    value.fields.forEach((field: unknown, i) => {
      if (!isObject(field)) {
        problems.push(`fields[${i}] is not an object`);
        return;
      }
      const name = typeof field.name === 'string' ? field.name : `#${i}`;
      problems.push(...failures(field, FIELD_CHECKS, `field ${name}: `));
      if (seen.has(name)) problems.push(`field ${name} is defined twice`);
      seen.add(name);
    });
  }
  const name = typeof value.name === 'string' && value.name !== '' ? value.name : label;
  if (problems.length > 0) throw new SakerError('SAKER_ERR_PLUGIN_INVALID', `plugin ${name} is not a valid plugin: ${problems.join('; ')}`);
  return value as unknown as SakerPlugin;
}

/** The fields a plugin declares (typed view after validation). */
export const pluginFields = (plugin: SakerPlugin): readonly PluginField[] => plugin.fields ?? [];
