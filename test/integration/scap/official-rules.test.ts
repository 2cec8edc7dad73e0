// The official syscall rules load against the syscall field table with no errors and no warnings,
// and replaying a capture through them raises the alert Falco raises for it.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../detector/engine/index.js';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { replayScap } from '../../../detector/sources/scap/index.js';

const RULES = new URL('../../../../shared/falco-rules/', import.meta.url).pathname;
const CAPTURES = new URL('../../../../shared/captures/', import.meta.url).pathname;
const FILES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'];

function engine(): Engine {
  return new Engine({ fieldTables: new Map([['syscall', SYSCALL_FIELDS as never]]), ruleMatching: 'all', hostname: 'test' });
}

describe('official syscall rules on the syscall field table', () => {
  for (const file of FILES) {
    it(`loads ${file} with no errors or warnings`, () => {
      const result = JSON.parse(JSON.stringify(engine().loadRules([RULES + file]))) as {
        falco_load_results: { successful: boolean; errors: unknown[]; warnings: unknown[] }[];
      };
      const r = result.falco_load_results[0];
      expect(r?.errors).toEqual([]);
      expect(r?.warnings).toEqual([]);
      expect(r?.successful).toBe(true);
    });
  }

  it('flags the UDP client in test_ipv6_client.scap as Unexpected UDP Traffic', () => {
    const e = engine();
    e.loadRules(FILES.map((f) => RULES + f));
    const alerts = [];
    for (const ev of replayScap(CAPTURES + 'test_ipv6_client.scap').events) alerts.push(...e.process('syscall', ev));
    expect(alerts.map((a) => a.rule)).toContain('Unexpected UDP Traffic');
    const udp = alerts.find((a) => a.rule === 'Unexpected UDP Traffic');
    expect(udp?.output_fields['fd.name']).toBe('::1:38255->::1:2345');
    expect(udp?.output_fields['fd.l4proto']).toBe('udp');
  });
});
