import { randomBytes } from 'node:crypto';
import { NUMERIC_KINDS, type SyscallProbe } from './probes.js';

/*
 * The text the generated bpftrace program prints (program.ts) and LineAssembler reads (lines.ts).
 * bpftrace runs with text output and full buffering: its JSON output flushes every line with its own
 * write(2), which cost a quarter of its CPU time. Text output does not escape anything, so each
 * printed record ends with a random mark, made per run and known only to the driver (the program
 * file is private to root): a record is everything from a line that starts one up to the first line
 * that ends with the mark. A path or command name holding a newline therefore spans physical lines
 * but stays one record, and cannot forge another one without guessing the mark.
 *
 *   S <tid> <argIndex> <string>                a string argument (syscalls with several)
 *   C <tid> <argIndex> <chunk> <string>        a string's next 199 bytes, when the previous read may have been full
 *   N <tid> <argIndex> <family> <port> <address>   a socket address argument
 *   E <tid> <path>                             a program was executed: its resolved path
 *   A <tid> <length> <args block, %r-escaped>  the new program's arguments (length of the whole block)
 *   H <syscall> <tid> <pid> <ret> <ktime ns> [<ppid> <uid> <gid> <loginuid>] <int args…> [<comm> | <string>]
 *                                              the syscall's exit, which completes it (see headerLayout)
 *   F <parent tid> <child tid> <ktime ns> <clone flags> <child comm>   a process or thread was created
 *   X <tid> <pid> <ktime ns>                   a thread exited
 *   P <padding>                                a periodic line that pushes bpftrace's output buffer out
 *   O <tid> <syscall>                          the per-thread argument map was full: this syscall is dropped (counted)
 *
 * Lines that start no record are bpftrace's own messages (`Attaching N probes...`, `Lost N events`).
 */

/** Starts a printed record: its letter, then a space. bpftrace's own messages never match. */
export const RECORD_START = /^(?:[SCNEAFXO] \d|H [a-z]|P )/;

/** A fresh end-of-record mark: a character no number ends with, then 16 random letters and digits. */
export function newRecordMark(): string {
  return `~${randomBytes(12).toString('base64url').slice(0, 16)}`;
}

/**
 * Bytes of the padding line, printed every FLUSH_INTERVAL_MS: more than bpftrace's stdout buffer
 * (4 KiB for a pipe), so whatever the buffer held reaches the detector within one interval even on a
 * quiet host.
 */
export const FLUSH_PADDING_BYTES = 4200;
export const FLUSH_INTERVAL_MS = 100;

/**
 * What a syscall's header line carries after `<ret> <ktime>`. Exec calls describe the new process
 * (parent, credentials, login uid, command name); other calls carry only their own arguments, as a
 * Falco driver's events do: the thread table already knows the process. A call with exactly one
 * string argument prints it last on the header line instead of on a line of its own (one printf, so
 * one event through bpftrace, instead of two).
 */
export interface HeaderLayout {
  /** ppid, uid, gid and loginuid follow the ktime, and the comm ends the line. */
  process: boolean;
  /** Indexes of the numeric arguments, in the order printed. */
  numbers: readonly number[];
  /** The index of the string argument that ends the line, if one does. */
  inlineString?: number;
}

export function headerLayout(probe: SyscallProbe): HeaderLayout {
  const numbers = probe.args.flatMap((arg, i) => (NUMERIC_KINDS.has(arg.kind) ? [i] : []));
  const strings = probe.args.flatMap((arg, i) => (arg.kind === 'str' ? [i] : []));
  const process = probe.execArgs === true;
  return { process, numbers, ...(!process && strings.length === 1 ? { inlineString: strings[0] } : {}) };
}
