// Replays every capture in ../shared/captures and compares, event by event, what Saker extracts with
// what sysdig (libsinsp) prints for the same events. Events are matched by evt.num: both number every
// event in the file, enter and exit alike, including the ones neither hands out (procinfo).
//
// Known differences, kept out of the compared set (see the report in the commit message / issue #4):
// (fd.is_server and fd.lport/rport/lip/rip are compared: both sides decide which end is local from the
// capture's interface list, as libsinsp does.)
// - group.gid: sysdig 0.29 reads the 32-bit gid as 64 bits and prints garbage in the high half.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { replayScap } from '../../../detector/sources/scap/index.js';
import type { Extractor, FieldValue } from '../../../detector/engine/fields.js';
import type { SyscallEvent } from '../../../detector/sources/syscall/index.js';

const DIR = new URL('../../../../shared/captures/', import.meta.url).pathname;
const FIELDS = [
  'evt.num', 'evt.type', 'evt.dir', 'thread.tid', 'proc.name', 'proc.pname', 'proc.exe', 'proc.cmdline',
  'proc.args', 'proc.pid', 'proc.ppid', 'proc.cwd', 'proc.aname[2]', 'fd.name', 'fd.type', 'fd.typechar',
  'fd.num', 'fd.directory', 'fd.filename', 'fd.sip', 'fd.sport', 'fd.cip', 'fd.sockfamily', 'user.name',
  'user.uid', 'container.id', 'evt.res', 'evt.rawres', 'evt.failed', 'fd.is_server', 'fd.lip', 'fd.lport',
  'fd.rip', 'fd.rport',
];
const SEP = '\x1f';

function hasSysdig(): boolean {
  try {
    execFileSync('sysdig', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function bindAll(): Extractor<SyscallEvent>[] {
  return FIELDS.map((f) => {
    const m = /^([^[]+)(?:\[(.*)\])?$/.exec(f);
    const spec = SYSCALL_FIELDS.fields.get(m?.[1] ?? '');
    if (!spec) throw new Error(`no field ${f}`);
    return spec.bind(m?.[2]);
  });
}

function text(v: FieldValue | undefined): string {
  if (v === undefined) return '<NA>';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

const captures = readdirSync(DIR).filter((f) => f.endsWith('.scap')).sort();

describe.runIf(hasSysdig())('scap replay matches sysdig field by field', () => {
  it('has captures to compare', () => {
    expect(captures.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of captures) {
    it(file, () => {
      const out = execFileSync('sysdig', ['-r', DIR + file, '-p', '*' + FIELDS.map((f) => `%${f}`).join(SEP)], {
        maxBuffer: 256 * 1024 * 1024,
      }).toString();
      const oracle = new Map<number, string[]>();
      for (const line of out.split('\n')) {
        if (line === '') continue;
        const parts = line.split(SEP);
        oracle.set(Number(parts[0]), parts);
      }
      const extractors = bindAll();
      const replay = replayScap(DIR + file);
      const mismatches: string[] = [];
      const ours = new Set<number>();
      for (const e of replay.events) {
        ours.add(e.num);
        const want = oracle.get(e.num);
        if (!want) {
          mismatches.push(`#${e.num} ${e.type}: event not printed by sysdig`);
          continue;
        }
        extractors.forEach((x, i) => {
          const got = text(x(e));
          if (got !== want[i]) mismatches.push(`#${e.num} ${e.type}${e.dir} ${FIELDS[i]}: saker ${JSON.stringify(got)} sysdig ${JSON.stringify(want[i])}`);
        });
      }
      for (const n of oracle.keys()) if (!ours.has(n)) mismatches.push(`#${n}: printed by sysdig, not replayed`);
      if (mismatches.length > 0) console.log(`${file}: ${mismatches.length} mismatches\n${mismatches.slice(0, 50).join('\n')}`);
      expect(mismatches).toEqual([]);
      expect(replay.stats.corruptEvents).toBe(0);
      expect(replay.stats.truncated).toBe(false);
    });
  }
});
