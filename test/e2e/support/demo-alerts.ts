import { randomUUID } from 'node:crypto';
import type { Alert, Priority } from '../../../contract/index.js';

const RULES: readonly [string, Priority, string][] = [
  ['Terminal shell in container', 'Notice', 'A shell was spawned in a container with an attached terminal'],
  ['Read sensitive file untrusted', 'Warning', 'Sensitive file opened for reading by non-trusted program'],
  ['Write below etc', 'Error', 'File below /etc opened for writing'],
  ['Launch Privileged Container', 'Critical', 'Privileged container started'],
  ['Outbound Connection to C2 Servers', 'Critical', 'Outbound connection to C2 server'],
  ['Contact K8S API Server From Container', 'Notice', 'Unexpected connection to K8s API Server from container'],
  ['Clear Log Activities', 'Warning', 'Log files were tampered'],
  ['Drop and execute new binary in container', 'Critical', 'Executing binary not part of base image'],
  ['Disallowed K8s User', 'Warning', 'K8s Operation performed by user not in allowed list of users'],
  ['Netcat Remote Code Execution in Container', 'Informational', 'Netcat runs inside container that allows remote code execution'],
];
const HOSTS = ['node-1', 'node-2', 'node-3', 'build-runner', 'edge-gw'];
const PROCS = ['bash', 'cat', 'nc', 'curl', 'vi', 'python3', 'kubectl'];

/** A realistic Falco-shaped alert, deterministic in `i`, at `timeMs`; for screenshots and manual checks. */
export function demoAlert(i: number, timeMs: number): Alert {
  const [rule, priority, text] = RULES[(i * 7 + (i >> 3)) % RULES.length]!;
  const host = HOSTS[i % HOSTS.length]!;
  const proc = PROCS[i % PROCS.length]!;
  // Falco writes nanoseconds; pad the millisecond ISO string to nine fractional digits.
  const time = new Date(timeMs).toISOString().replace('Z', `${String(i % 1_000_000).padStart(6, '0')}Z`);
  const source = rule.includes('K8s') ? 'k8s_audit' : 'syscall';
  return {
    time,
    rule,
    priority,
    source,
    hostname: host,
    output: `${time.slice(11, 29)}: ${priority} ${text} (user=root command=${proc} -c id container_id=c0ffee${i % 97} image=nginx:1.27)`,
    output_fields: {
      'container.id': `c0ffee${i % 97}`,
      'container.image.repository': 'nginx',
      'proc.name': proc,
      'proc.cmdline': `${proc} -c id`,
      'proc.pid': 1000 + (i % 5000),
      'user.name': 'root',
      'k8s.ns.name': i % 3 ? 'default' : 'kube-system',
    },
    tags: ['container', i % 2 ? 'mitre_execution' : 'mitre_persistence', source === 'k8s_audit' ? 'k8s' : 'host'],
    uuid: randomUUID(),
  };
}
