import { describe, expect, it } from 'vitest';
import { PRIORITIES, comparePriority, meetsMinimum, parsePriority, prioritySeverity, type Priority } from '../../../contract/index.js';

describe('Priority', () => {
  it('lists Falco’s eight levels, most severe first', () => {
    expect(PRIORITIES).toEqual(['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug']);
  });

  it.each([
    ['emergency', 'Emergency'],
    ['ALERT', 'Alert'],
    ['Critical', 'Critical'],
    ['error', 'Error'],
    ['WaRnInG', 'Warning'],
    ['notice', 'Notice'],
    ['informational', 'Informational'],
    ['info', 'Informational'],
    ['INFO', 'Informational'],
    [' debug ', 'Debug'],
  ])('parses %j as %s', (text, expected) => {
    expect(parsePriority(text)).toBe(expected);
  });

  it.each(['', 'warn', 'critical!', 'fatal', 'information', '5'])('rejects %j', (text) => {
    expect(parsePriority(text)).toBeUndefined();
  });

  it('uses syslog severities: Emergency 0 through Debug 7', () => {
    expect(PRIORITIES.map(prioritySeverity)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('sorts most severe first with comparePriority in descending order', () => {
    const shuffled: Priority[] = ['Debug', 'Critical', 'Informational', 'Emergency', 'Warning', 'Alert', 'Notice', 'Error'];
    expect([...shuffled].sort((a, b) => comparePriority(b, a))).toEqual(PRIORITIES);
    expect(comparePriority('Critical', 'Warning')).toBeGreaterThan(0);
    expect(comparePriority('Notice', 'Notice')).toBe(0);
  });

  it('applies a minimum priority inclusively', () => {
    expect(meetsMinimum('Critical', 'Warning')).toBe(true);
    expect(meetsMinimum('Warning', 'Warning')).toBe(true);
    expect(meetsMinimum('Notice', 'Warning')).toBe(false);
    expect(PRIORITIES.filter((p) => meetsMinimum(p, 'Debug'))).toHaveLength(8);
    expect(PRIORITIES.filter((p) => meetsMinimum(p, 'Emergency'))).toEqual(['Emergency']);
  });
});
