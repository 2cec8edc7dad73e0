/**
 * Micro-benchmark of the condition compiler's output: events per second through one compiled
 * condition and through a rule index, next to the same loop with no rules, in one process.
 *
 *   npx tsx bench/engine-eval.ts
 *
 * Writes bench/results/engine-eval.json. Figures are for comparison between runs on one machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseCondition } from '../detector/engine/condition/index.js';
import { compileCondition } from '../detector/engine/eval/index.js';
import { RuleIndex, type IndexableRule } from '../detector/engine/index-by-type/index.js';
import { toyEvent, toyFields, type ToyEvent } from '../test/support/toy-fields.js';

const EVENTS = 200_000;
const ROUNDS = 10;

// Conditions in the style of the official stable rules, macros expanded by hand, on the toy fields.
const CONDITIONS: Record<string, string> = {
  'read sensitive file': `evt.type in (open, openat, openat2) and evt.is_open_read = true and fd.typechar = f and fd.num >= 0
    and fd.name in (/etc/shadow, /etc/sudoers, /etc/pam.conf, /etc/security/pwquality.conf)
    and not proc.name in (iptables, ps, lsb_release, check-new-relea, dumpe2fs, accounts-daemon, sshd, vsftpd, systemd)
    and not proc.aname[2] in (sshd, sudo, su)`,
  'terminal shell in container': `evt.type in (execve, execveat) and container.id != host
    and proc.name in (ash, bash, csh, ksh, sh, tcsh, zsh, dash) and proc.tty != 0 and (proc.vpid = 1 or proc.aname exists)`,
  'outbound to public': `evt.type = connect and (fd.typechar = 4 or fd.typechar = 6)
    and (fd.ip != "0.0.0.0" and fd.net != "127.0.0.0/8" and not fd.snet in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
    and (evt.rawres >= 0 or evt.res = EINPROGRESS) and proc.exe endswith ssh and fd.port in (80, 8080, 88, 443, 8443, 53, 4444)`,
  'write below etc': `evt.type in (open, openat, openat2) and fd.name startswith /etc/ and fd.directory pmatch (/etc, /usr/bin, /usr/sbin)
    and not proc.name in (dpkg, rpm, yum, apt, apt-get) and not fd.name glob "/etc/*.tmp"`,
  'curl or wget': `evt.type in (execve, execveat) and proc.name in (curl, wget) and proc.cmdline regex ".*(http|ftp)://.*[|] *(ba)?sh.*"`,
};

function makeEvent(i: number, hot: boolean): ToyEvent {
  if (!hot) return toyEvent({ 'evt.type': i % 2 ? 'read' : 'write', 'proc.name': 'nginx', 'fd.num': 5 });
  switch (i % 3) {
    case 0:
      return toyEvent({
        'evt.type': 'execve',
        'proc.name': i % 7 ? 'ls' : 'bash',
        'proc.tty': 34816,
        'proc.vpid': 1,
        'container.id': 'abc123',
        'proc.cmdline': 'ls -la /tmp',
        'proc.aname': ['ls', 'bash', 'sshd'],
      });
    case 1:
      return toyEvent({
        'evt.type': 'openat',
        'evt.is_open_read': true,
        'fd.typechar': 'f',
        'fd.num': 3,
        'fd.name': i % 11 ? '/var/log/syslog' : '/etc/shadow',
        'fd.directory': '/var/log',
        'proc.name': 'cat',
        'proc.aname': ['cat', 'bash', 'sshd'],
      });
    default:
      return toyEvent({
        'evt.type': 'connect',
        'fd.typechar': '4',
        'fd.ip': ['10.0.0.5', '93.184.216.34'],
        'fd.net': ['10.0.0.5', '93.184.216.34'],
        'fd.snet': '93.184.216.34',
        'fd.port': [51234, 443],
        'evt.rawres': 0,
        'proc.exe': '/usr/bin/ssh',
      });
  }
}

function events(hotShare: number): ToyEvent[] {
  return Array.from({ length: EVENTS }, (_, i) => makeEvent(i, (i * 7919) % 100 < hotShare * 100));
}

/** Events per second of `body` over the events, best of ROUNDS. */
function rate(list: readonly ToyEvent[], body: (e: ToyEvent) => unknown): number {
  let best = 0;
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (const e of list) if (body(e)) sink++;
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, list.length / seconds);
  }
  if (sink < 0) console.log(sink);
  return Math.round(best);
}

const index = new RuleIndex<ToyEvent, IndexableRule<ToyEvent>>({ ruleMatching: 'all' });
const compiled = Object.entries(CONDITIONS).map(([name, text]) => {
  const condition = compileCondition(parseCondition(text.replace(/\s+/g, ' ')), toyFields);
  index.add({ name, priority: 'Warning', source: 'syscall', condition });
  return condition;
});

const realistic = events(0.1);
const worst = events(1);
const single = compiled[0];
if (!single) throw new Error('no conditions');

const results = {
  events: EVENTS,
  rules: compiled.length,
  baseline_empty_loop: rate(realistic, (e) => toyFields.eventTypeOf(e)),
  one_condition_all_events: rate(worst, (e) => single.matches(e)),
  index_realistic_mix: rate(realistic, (e) => index.match('syscall', toyFields.eventTypeOf(e), e).length),
  index_worst_case_mix: rate(worst, (e) => index.match('syscall', toyFields.eventTypeOf(e), e).length),
  node: process.version,
};

for (const [key, value] of Object.entries(results)) {
  console.log(`${key.padEnd(28)} ${typeof value === 'number' ? value.toLocaleString('en-US') : value}${key.includes('loop') || key.includes('mix') || key.includes('condition') ? ' events/s' : ''}`);
}
console.log(`realistic mix / baseline: ${(results.index_realistic_mix / results.baseline_empty_loop).toFixed(3)}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/engine-eval.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
