/**
 * Falco's eight priority levels, most severe first. The numeric value is the syslog severity Falco
 * uses (Emergency = 0 … Debug = 7), so a *smaller* number is *more* severe.
 */
export const PRIORITIES = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
] as const;

export type Priority = (typeof PRIORITIES)[number];

/** Lower-case spellings Falco and falcosidekick accept, mapped to the canonical name. */
const ALIASES: ReadonlyMap<string, Priority> = new Map<string, Priority>([
  ...PRIORITIES.map((p) => [p.toLowerCase(), p] as const),
  ['info', 'Informational'],
]);

/** Parses a priority case-insensitively (`info` is accepted for Informational); undefined if unknown. */
export function parsePriority(text: string): Priority | undefined {
  return ALIASES.get(text.trim().toLowerCase());
}

/** Syslog severity of a priority: 0 for Emergency through 7 for Debug. */
export function prioritySeverity(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/**
 * Compares two priorities by importance: positive when `a` is more severe than `b`, zero when equal.
 * Sorting with it in descending order puts Emergency first.
 */
export function comparePriority(a: Priority, b: Priority): number {
  return prioritySeverity(b) - prioritySeverity(a);
}

/** True when `priority` is at least as severe as `minimum` (the `minimumpriority` test). */
export function meetsMinimum(priority: Priority, minimum: Priority): boolean {
  return prioritySeverity(priority) <= prioritySeverity(minimum);
}
