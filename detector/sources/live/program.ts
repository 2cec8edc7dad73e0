import { CHUNK_BYTES, MAX_STRING_CHUNKS } from './limits.js';
import { SYSCALL_PROBES, type SyscallProbe } from './probes.js';
import { FLUSH_INTERVAL_MS, FLUSH_PADDING_BYTES, headerLayout } from './wire.js';

/*
 * Generates the bpftrace program for a set of syscalls (the lines it prints: wire.ts). Each syscall's
 * enter probe keeps its arguments in a per-thread tuple; its exit probe prints them with the result.
 * A thread runs one syscall at a time and each exit probe prints all its lines at once, so grouping
 * by thread id is unambiguous.
 *
 * All syscalls share one map of those tuples, keyed by thread id, the tuple's first element saying
 * which syscall it is for: a thread holds at most one entry, which its next traced syscall replaces
 * if an exit never came (so nothing piles up), and the map is sized for every thread id the kernel
 * can hand out (bpftrace.ts). When it is full all the same, the enter probe says so (an O line) and
 * the syscall is counted as dropped instead of vanishing.
 */

export interface ProgramOptions {
  /** Ends every printed record (wire.ts). */
  mark: string;
  /** A process whose syscalls are not traced at all: the detector's own (Falco drops its own too). */
  excludePid?: number;
}

/** The per-thread map of kept arguments. */
const ARGS_MAP = '@args';

/** Values each tuple holds after the syscall's number: the most any probe keeps (bpftrace needs one tuple type per map). */
const KEPT_WIDTH = Math.max(...SYSCALL_PROBES.map((probe) => probe.args.length + (probe.exitSockaddr ? 1 : 0)));

/** A syscall's number in the program: never 0, which is what bpftrace reads for a missing entry. */
function syscallNumber(probe: SyscallProbe): number {
  const index = SYSCALL_PROBES.findIndex((known) => known.name === probe.name);
  if (index < 0) throw new Error(`no probe table row for syscall ${probe.name}`);
  return index + 1;
}

/**
 * The tuple element holding argument `index` (element 0 is the syscall's number). Read from the map
 * each time rather than copied once: a copy on the BPF stack leaves too little of its 512 bytes for
 * the strings.
 */
const element = (index: number): string => `${ARGS_MAP}[tid].${index + 1}`;

/** Prints a socket address stored as a user pointer in `pointer` (a bpftrace expression). */
function sockaddrBlock(pointer: string, index: number, mark: string): string {
  const port = (field: string) => `(((${field}) >> 8) | (((${field}) & 0xff) << 8))`;
  return `
  $sa${index} = (struct sockaddr *)uptr(${pointer});
  if ($sa${index} != 0) {
    $fam${index} = $sa${index}->sa_family;
    if ($fam${index} == 2) {
      $in${index} = (struct sockaddr_in *)uptr(${pointer});
      printf("N %d ${index} 2 %d %s${mark}\\n", tid, ${port(`$in${index}->sin_port`)}, ntop(2, $in${index}->sin_addr.s_addr));
    } else if ($fam${index} == 10) {
      $in6${index} = (struct sockaddr_in6 *)uptr(${pointer});
      printf("N %d ${index} 10 %d %s${mark}\\n", tid, ${port(`$in6${index}->sin6_port`)}, ntop(10, $in6${index}->sin6_addr.in6_u.u6_addr8));
    } else if ($fam${index} == 1) {
      $un${index} = (struct sockaddr_un *)uptr(${pointer});
      printf("N %d ${index} 1 0 %s${mark}\\n", tid, $un${index}->sun_path);
    } else {
      printf("N %d ${index} %d 0 -${mark}\\n", tid, $fam${index});
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
 * Prints the chunks of a user-space string after its first read (see limits.ts): the next 199 bytes
 * when the first read was full (no NUL in it: tested word by word in the probe, which keeps the memory
 * after a shorter string, often the environment, out of the output), then each further 199 bytes as
 * long as the last byte read was not NUL. The BPF stack (512 bytes) allows the full test once per
 * string; the byte test can pass on stale memory after a long string's end, and userspace drops such
 * a chunk as it knows the previous one was not full.
 */
function chunkBlock(pointer: string, index: number, mark: string): string {
  let chunks = '';
  for (let k = MAX_STRING_CHUNKS - 1; k >= 1; k--) {
    const read = `printf("C %d ${index} ${k} %s${mark}\\n", tid, str(uptr(${pointer} + ${k * CHUNK_BYTES})));${chunks ? ` ${chunks}` : ''}`;
    chunks = k === 1 ? `${fullChunkTest(pointer)} if ($z == 0) { ${read} }` : `if (*(uint8 *)uptr(${pointer} + ${k * CHUNK_BYTES - 1}) != 0) { ${read} }`;
  }
  return chunks;
}

/** A string argument on a line of its own, then its further chunks. */
function stringBlock(pointer: string, index: number, mark: string): string {
  return `printf("S %d ${index} %s${mark}\\n", tid, str(uptr(${pointer}))); ${chunkBlock(pointer, index, mark)}`;
}

/** The values the enter probe keeps: the syscall's number, each argument, then zeros up to KEPT_WIDTH. */
function keptValues(probe: SyscallProbe): string[] {
  const values = probe.args.map((arg) => `(int64)(${arg.read ?? `args->${arg.field}`})`);
  if (probe.exitSockaddr) values.push(`(int64)args->${probe.exitSockaddr}`);
  while (values.length < KEPT_WIDTH) values.push('0');
  return [String(syscallNumber(probe)), ...values];
}

function enterProbe(probe: SyscallProbe, options: ProgramOptions): string {
  const filter = options.excludePid !== undefined ? ` /pid != ${options.excludePid}/` : '';
  const kept = `${ARGS_MAP}[tid] = (${keptValues(probe).join(', ')});`;
  // A full map refuses the entry: read it back, and say so when it is not there.
  const full = `if (${ARGS_MAP}[tid].0 != ${syscallNumber(probe)}) { printf("O %d ${probe.name}${options.mark}\\n", tid); }`;
  return `tracepoint:syscalls:sys_enter_${probe.name}${filter} {\n  ${kept}\n  ${full}\n}`;
}

function exitProbe(probe: SyscallProbe, options: ProgramOptions): string {
  const { mark } = options;
  const layout = headerLayout(probe);
  const body: string[] = [];
  probe.args.forEach((arg, i) => {
    if (arg.kind === 'str') {
      const pointer = `$s${i}`;
      const load = `${pointer} = (uint64)${element(i)};`;
      if (i === layout.inlineString) {
        body.push(`  ${load} ${chunkBlock(pointer, i, mark)}`);
      } else {
        // A successful exec has replaced the caller's memory; its path and arguments come from the
        // sched_process_exec probes instead (E and A lines).
        const print = `${load} ${stringBlock(pointer, i, mark)}`;
        body.push(probe.execArgs ? `  if (args->ret != 0) { ${print} }` : `  ${print}`);
      }
    }
    if (arg.kind === 'sockaddr') body.push(sockaddrBlock(element(i), i, mark));
  });
  if (probe.exitSockaddr) body.push(`  if (args->ret >= 0) {${sockaddrBlock(element(probe.args.length), probe.args.length, mark)}\n  }`);
  const formats = ['%d', '%d', '%lld', '%llu'];
  const values = ['tid', 'pid', 'args->ret', 'nsecs'];
  if (layout.process) {
    formats.push('%d', '%d', '%d', '%d');
    // The effective ids, as Falco's drivers send at exec (and libscap reads from /proc): after exec of
    // a setuid binary they are the file owner's while the real ones stay the caller's.
    values.push('curtask->real_parent->tgid', 'curtask->cred->euid.val', 'curtask->cred->egid.val', 'curtask->loginuid.val');
  }
  for (const i of layout.numbers) {
    formats.push('%lld');
    values.push(element(i));
  }
  if (layout.process) {
    formats.push('%s');
    values.push('comm');
  } else if (layout.inlineString !== undefined) {
    formats.push('%s');
    values.push(`str(uptr($s${layout.inlineString}))`);
  }
  body.push(`  printf("H ${probe.name} ${formats.join(' ')}${mark}\\n", ${values.join(', ')});`, `  delete(${ARGS_MAP}[tid]);`);
  return `tracepoint:syscalls:sys_exit_${probe.name} /${ARGS_MAP}[tid].0 == ${syscallNumber(probe)}/ {\n${body.join('\n')}\n}`;
}

/**
 * Two probes on exec so that each stays within the BPF stack limit: the resolved path of the new
 * program, and its arguments read from its own memory (a third moves a thread's kept arguments). A new task's clone flags (known when it is
 * created) travel with its fork line, which is printed only once it really exists: they say whether
 * it is a thread, which otherwise takes a /proc read per fork.
 */
function processProbes(mark: string): string {
  // An exec by a thread other than the leader takes the leader's thread id (the kernel swaps them
  // before this tracepoint): the kept execve arguments move with it, or its exit would find none.
  return `tracepoint:sched:sched_process_exec {
  printf("E %d %s${mark}\\n", tid, str(args->filename));
}
tracepoint:sched:sched_process_exec /args->old_pid != args->pid/ {
  ${ARGS_MAP}[tid] = ${ARGS_MAP}[(uint64)args->old_pid];
  delete(${ARGS_MAP}[(uint64)args->old_pid]);
}
tracepoint:sched:sched_process_exec {
  $mm = curtask->mm;
  printf("A %d %d %r${mark}\\n", tid, $mm->arg_end - $mm->arg_start, buf(uptr($mm->arg_start), $mm->arg_end - $mm->arg_start));
}
tracepoint:task:task_newtask {
  @clone_flags[tid] = args->clone_flags;
}
tracepoint:sched:sched_process_fork {
  printf("F %d %d %llu %llu %s${mark}\\n", args->parent_pid, args->child_pid, nsecs, @clone_flags[tid], str(args->child_comm));
  delete(@clone_flags[tid]);
}
tracepoint:sched:sched_process_exit {
  printf("X %d %d %llu${mark}\\n", tid, pid, nsecs);
  delete(@clone_flags[tid]);
  delete(${ARGS_MAP}[tid]);
}`;
}

/** Pushes bpftrace's buffered output out on a quiet host (wire.ts). */
function flushProbe(mark: string): string {
  return `interval:ms:${FLUSH_INTERVAL_MS} {\n  printf("P ${'.'.repeat(FLUSH_PADDING_BYTES)}${mark}\\n");\n}`;
}

/** On exit bpftrace prints every map that is not empty: empty the per-thread ones first. */
function endProbe(): string {
  return `END {\n  clear(${ARGS_MAP});\n  clear(@clone_flags);\n}`;
}

/** The whole bpftrace program for these syscalls, plus process creation and exit. */
export function bpftraceProgram(probes: readonly SyscallProbe[], options: ProgramOptions): string {
  return [...probes.flatMap((probe) => [enterProbe(probe, options), exitProbe(probe, options)]), processProbes(options.mark), flushProbe(options.mark), endProbe()].join('\n\n') + '\n';
}
