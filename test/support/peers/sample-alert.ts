import { randomUUID } from 'node:crypto';
import type { Alert } from '../../../contract/index.js';

/** A command line an attacker controls: it tries a Slack broadcast mention, a disguised link and HTML-ish markup. */
export const MALICIOUS_CMDLINE = 'curl <!channel> <https://evil.example/x|click me> & echo <b>pwned</b>';

/** A Falco-shaped alert (as Falco's json_output writes it), with a fresh uuid; override any key. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    time: '2026-11-22T10:00:00.123456789Z',
    rule: 'Terminal shell in container',
    priority: 'Critical',
    source: 'syscall',
    hostname: 'node-1',
    output: `10:00:00.123456789: Critical A shell was spawned in a container (user=root cmdline=${MALICIOUS_CMDLINE})`,
    output_fields: {
      'container.id': 'abc123def456',
      'proc.cmdline': MALICIOUS_CMDLINE,
      'proc.pid': 4242,
      'user.name': 'root',
    },
    tags: ['shell', 'container', 'mitre_execution'],
    uuid: randomUUID(),
    ...overrides,
  };
}
