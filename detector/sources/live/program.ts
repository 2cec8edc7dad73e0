import { CHUNK_BYTES, MAX_STRING_CHUNKS } from './limits.js';
import { NUMERIC_KINDS, type SyscallProbe } from './probes.js';

/*
 * Generates the bpftrace program for a set of syscalls. Each syscall's enter probe keeps its
 * arguments in per-thread maps; its exit probe prints them with the result, as a few lines that
 * userspace reassembles by thread id:
 *
 *   S <tid> <argIndex> <string>          one per string argument, before the header
 *   C <tid> <argIndex> <chunk> <string>  the string's next 199 bytes, when the previous read may have been full
 *   N <tid> <argIndex> <family> <port> <address>   a socket address argument
 *   E <tid> <path>                       a program was executed: its resolved path
 *   A <tid> <length> <args block, %r-escaped>   the new program's arguments (length of the whole block)
 *   H <syscall> <tid> <pid> <ppid> <uid> <gid> <loginuid> <ret> <ktime ns> <int args…> <comm>
 *   F <parent tid> <child tid> <ktime ns> <child comm>        a process or thread was created
 *   X <tid> <pid> <ktime ns>                                   a thread exited
 *
 * Lines are printed with bpftrace's JSON output, which escapes every string, so a file name or a
 * command name with a newline cannot forge a line. A thread runs one syscall at a time and each
 * exit probe prints all its lines at once, so grouping by thread id is unambiguous.
 */

const mapName = (probe: SyscallProbe, index: number): string => `@${probe.name}_${index}`;

/** Prints a socket address stored as a user pointer in `pointer` (a bpftrace expression). */
function sockaddrBlock(pointer: string, index: number): string {
  const port = (field: string) => `(((${field}) >> 8) | (((${field}) & 0xff) << 8))`;
  return `
  $sa${index} = (struct sockaddr *)uptr(${pointer});
  if ($sa${index} != 0) {
    $fam${index} = $sa${index}->sa_family;
    if ($fam${index} == 2) {
      $in${index} = (struct sockaddr_in *)uptr(${pointer});
      printf("N %d ${index} 2 %d %s", tid, ${port(`$in${index}->sin_port`)}, ntop(2, $in${index}->sin_addr.s_addr));
    } else if ($fam${index} == 10) {
      $in6${index} = (struct sockaddr_in6 *)uptr(${pointer});
      printf("N %d ${index} 10 %d %s", tid, ${port(`$in6${index}->sin6_port`)}, ntop(10, $in6${index}->sin6_addr.in6_u.u6_addr8));
    } else if ($fam${index} == 1) {
      $un${index} = (struct sockaddr_un *)uptr(${pointer});
      printf("N %d ${index} 1 0 %s", tid, $un${index}->sun_path);
    } else {
      printf("N %d ${index} %d 0 -", tid, $fam${index});
    }
  }`;
}

/**
 * Sets `$z` to 0 exactly when the 199 bytes at `start` hold no NUL, i.e. the chunk read there was
 * full and the string goes on. Each 8-byte word is tested with the has-a-zero-byte bit trick, in a
 * loop so the words share one stack slot; a word that cannot be read counts as holding a NUL (the
 * string cannot go on into unreadable memory).
 */
function fullChunkTest(start: string): string {
  const word = (offset: string) => `$w = *(uint64 *)uptr(${start} + ${offset}); $z = $z | (($w - (uint64)0x0101010101010101) & ~$w & (uint64)0x8080808080808080);`;
  const lastWord = CHUNK_BYTES - 8;
  return `$z = (uint64)0; $i = (uint64)0; while ($i < ${lastWord}) { ${word('$i')} $i = $i + 8; } ${word(String(lastWord))}`;
}

/**
 * Prints a user-space string in chunks (see limits.ts): the first read, then the next 199 bytes when
 * the first read was full (no NUL in it: tested word by word in the probe, which keeps the memory after
 * a shorter string, often the environment, out of the output), then each further 199 bytes as long as
 * the last byte read was not NUL. The BPF stack (512 bytes) allows the full test once per string; the
 * byte test can pass on stale memory after a long string's end, and userspace drops such a chunk as
 * it knows the previous one was not full.
 */
function stringBlock(pointer: string, index: number): string {
  let chunks = '';
  for (let k = MAX_STRING_CHUNKS - 1; k >= 1; k--) {
    const read = `printf("C %d ${index} ${k} %s", tid, str(uptr(${pointer} + ${k * CHUNK_BYTES})));${chunks ? ` ${chunks}` : ''}`;
    chunks = k === 1 ? `${fullChunkTest(pointer)} if ($z == 0) { ${read} }` : `if (*(uint8 *)uptr(${pointer} + ${k * CHUNK_BYTES - 1}) != 0) { ${read} }`;
  }
  return `printf("S %d ${index} %s", tid, str(uptr(${pointer}))); ${chunks}`;
}

function enterProbe(probe: SyscallProbe): string {
  const saves = probe.args.map((arg, i) => `  ${mapName(probe, i)}[tid] = (int64)(${arg.read ?? `args->${arg.field}`});`);
  if (probe.exitSockaddr) saves.push(`  ${mapName(probe, probe.args.length)}[tid] = (int64)args->${probe.exitSockaddr};`);
  return `tracepoint:syscalls:sys_enter_${probe.name} {\n  @${probe.name}_in[tid] = 1;\n${saves.join('\n')}\n}`;
}

function exitProbe(probe: SyscallProbe): string {
  const body: string[] = [];
  probe.args.forEach((arg, i) => {
    const stored = `${mapName(probe, i)}[tid]`;
    // A successful exec has replaced the caller's memory; its path and arguments come from the
    // sched_process_exec probes instead (E and A lines).
    const print = `$s${i} = (uint64)${stored}; ${stringBlock(`$s${i}`, i)}`;
    if (arg.kind === 'str') body.push(probe.execArgs ? `  if (args->ret != 0) { ${print} }` : `  ${print}`);
    if (arg.kind === 'sockaddr') body.push(sockaddrBlock(stored, i));
  });
  if (probe.exitSockaddr) body.push(`  if (args->ret >= 0) {${sockaddrBlock(`${mapName(probe, probe.args.length)}[tid]`, probe.args.length)}\n  }`);
  const ints = probe.args.map((arg, i) => (NUMERIC_KINDS.has(arg.kind) ? mapName(probe, i) : undefined)).filter((m) => m !== undefined);
  const intFormats = ints.map(() => ' %lld').join('');
  const intValues = ints.map((m) => `, ${m}[tid]`).join('');
  body.push(
    `  printf("H ${probe.name} %d %d %d %d %d %d %lld %llu${intFormats} %s", tid, pid, curtask->real_parent->tgid, uid, gid, curtask->loginuid.val, args->ret, nsecs${intValues}, comm);`,
  );
  const maps = [`@${probe.name}_in`, ...probe.args.map((_, i) => mapName(probe, i))];
  if (probe.exitSockaddr) maps.push(mapName(probe, probe.args.length));
  body.push(...maps.map((m) => `  delete(${m}[tid]);`));
  return `tracepoint:syscalls:sys_exit_${probe.name} /@${probe.name}_in[tid]/ {\n${body.join('\n')}\n}`;
}

// Two probes on exec so that each stays within the BPF stack limit: the resolved path of the new
// program, and its arguments read from its own memory.
const PROCESS_PROBES = `tracepoint:sched:sched_process_exec {
  printf("E %d %s", tid, str(args->filename));
}
tracepoint:sched:sched_process_exec {
  $mm = curtask->mm;
  printf("A %d %d %r", tid, $mm->arg_end - $mm->arg_start, buf(uptr($mm->arg_start), $mm->arg_end - $mm->arg_start));
}
tracepoint:sched:sched_process_fork {
  printf("F %d %d %llu %s", args->parent_pid, args->child_pid, nsecs, str(args->child_comm));
}
tracepoint:sched:sched_process_exit {
  printf("X %d %d %llu", tid, pid, nsecs);
}`;

/** The whole bpftrace program for these syscalls, plus process creation and exit. */
export function bpftraceProgram(probes: readonly SyscallProbe[]): string {
  return [...probes.flatMap((probe) => [enterProbe(probe), exitProbe(probe)]), PROCESS_PROBES].join('\n\n') + '\n';
}
