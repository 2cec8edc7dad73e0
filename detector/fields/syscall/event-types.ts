/**
 * Every `evt.type` the syscall source can produce: the names of all event layouts, plus every syscall
 * name (Falco names generic events after their syscall), plus events newer drivers added.
 */
import { EVENT_LAYOUTS, isUsableLayout, SYSCALL_NAMES } from '../../sources/syscall/index.js';

// Event names added to Falco's event table after the layout snapshot in event-rows.ts.
const NEWER_EVENTS = [
  'memfd_create', 'pidfd_getfd', 'pidfd_open', 'init_module', 'finit_module', 'delete_module', 'mknod', 'mknodat',
  'newfstatat', 'process_vm_readv', 'process_vm_writev', 'socketcall', 'listen', 'prctl', 'asyncevent',
  'epoll_create', 'epoll_create1', 'dup2', 'dup3', 'umount2', 'setreuid', 'setregid', 'io_uring_setup',
  'io_uring_enter', 'io_uring_register', 'mlock', 'mlock2', 'munlock', 'mlockall', 'munlockall', 'fsconfig',
  'signalfd4', 'eventfd2', 'sendmmsg', 'recvmmsg', 'userfaultfd', 'copy_file_range', 'clone3',
];

function build(): Set<string> {
  const out = new Set<string>();
  for (const l of EVENT_LAYOUTS) if (isUsableLayout(l)) out.add(l.name);
  for (const n of SYSCALL_NAMES) if (!n.startsWith('<')) out.add(n);
  for (const n of NEWER_EVENTS) out.add(n);
  return out;
}

export const SYSCALL_EVENT_TYPES: ReadonlySet<string> = build();
