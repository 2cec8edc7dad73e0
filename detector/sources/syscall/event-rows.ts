/**
 * Event layouts by PPME id: the syscall event ids, names, flags and parameter layouts that libscap's
 * capture files and drivers use. Ids are positional (the n-th row is event id n; even ids are enter
 * events, odd ids exit events), so rows must never be reordered.
 *
 * Data, not code: the ids, names and parameter types are the public ABI of Falco's capture format
 * (falcosecurity/libs `driver/event_table.c`), taken from the libscap build that Debian ships with
 * sysdig 0.29 so that they match the oracle our tests compare against. One extension: the newest
 * execve/execveat exit rows also list the parameters later drivers append (capabilities, executable
 * inode and times, effective uid, trusted exepath, host-namespace process group, effective gid:
 * parameters 21-30 of libs' EXECVE_19_X), so that a newer capture or the live driver can carry them;
 * older files simply hold fewer parameters. Newer libs also renamed parameter 18 (the process group as
 * seen from the process's own pid namespace) from `pgid` to `vpgid` when it appended the host `pgid`
 * as parameter 29; we use the newer names, positions being what a capture encodes.
 *
 * Row format: [name, flags, ...params]; a param is `name:type[:x|:o][/flagtable|~dyntable|@dirfdIndex]`
 * (`:x` printed in hex, `:o` in octal; `/t` names a table in flag-tables.ts; `~t` a dynamic-type table;
 * `@n` the index of the dirfd parameter a relative path is resolved against).
 */
export const EVENT_ROWS: readonly (readonly [string, number, ...string[]])[] = [
  ["syscall", 0, "ID:syscallid", "nativeID:uint16"], // 0 >
  ["syscall", 0, "ID:syscallid"], // 1 <
  ["open", 33, "name:fspath", "flags:flags32:x/file_flags", "mode:uint32:o"], // 2 >
  ["open", 33, "fd:fd", "name:fspath", "flags:flags32:x/file_flags", "mode:uint32:o", "dev:uint32:x"], // 3 <
  ["close", 1062, "fd:fd"], // 4 >
  ["close", 1062, "res:errno"], // 5 <
  ["read", 1036, "fd:fd", "size:uint32"], // 6 >
  ["read", 1036, "res:errno", "data:bytebuf"], // 7 <
  ["write", 1044, "fd:fd", "size:uint32"], // 8 >
  ["write", 1044, "res:errno", "data:bytebuf"], // 9 <
  ["brk", 512, "size:uint32"], // 10 >
  ["brk", 512, "res:uint64:x"], // 11 <
  ["execve", 544], // 12 >
  ["execve", 544, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64"], // 13 <
  ["clone", 544], // 14 >
  ["clone", 544, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32"], // 15 <
  ["procexit", 544], // 16 >
  ["NA1", 64], // 17 <
  ["socket", 33, "domain:flags32/socket_families", "type:uint32", "proto:uint32"], // 18 >
  ["socket", 33, "fd:fd"], // 19 <
  ["bind", 36, "fd:fd"], // 20 >
  ["bind", 36, "res:errno", "addr:sockaddr"], // 21 <
  ["connect", 36, "fd:fd", "addr:sockaddr"], // 22 >
  ["connect", 36, "res:errno", "tuple:socktuple"], // 23 <
  ["listen", 4, "fd:fd", "backlog:uint32"], // 24 >
  ["listen", 4, "res:errno"], // 25 <
  ["accept", 545], // 26 >
  ["accept", 545, "fd:fd", "tuple:socktuple", "queuepct:uint8"], // 27 <
  ["send", 1044, "fd:fd", "size:uint32"], // 28 >
  ["send", 1044, "res:errno", "data:bytebuf"], // 29 <
  ["sendto", 52, "fd:fd", "size:uint32", "tuple:socktuple"], // 30 >
  ["sendto", 52, "res:errno", "data:bytebuf"], // 31 <
  ["recv", 1036, "fd:fd", "size:uint32"], // 32 >
  ["recv", 1036, "res:errno", "data:bytebuf"], // 33 <
  ["recvfrom", 44, "fd:fd", "size:uint32"], // 34 >
  ["recvfrom", 44, "res:errno", "data:bytebuf", "tuple:socktuple"], // 35 <
  ["shutdown", 1060, "fd:fd", "how:flags8:x/shutdown_how"], // 36 >
  ["shutdown", 1060, "res:errno"], // 37 <
  ["getsockname", 1024], // 38 >
  ["getsockname", 1024], // 39 <
  ["getpeername", 1024], // 40 >
  ["getpeername", 1024], // 41 <
  ["socketpair", 33, "domain:flags32/socket_families", "type:uint32", "proto:uint32"], // 42 >
  ["socketpair", 33, "res:errno", "fd1:fd", "fd2:fd", "source:uint64:x", "peer:uint64:x"], // 43 <
  ["setsockopt", 0], // 44 >
  ["setsockopt", 4, "res:errno", "fd:fd", "level:flags8/sockopt_levels", "optname:flags8/sockopt_options", "val:dyn~sockopt_dynamic_param", "optlen:uint32"], // 45 <
  ["getsockopt", 1056], // 46 >
  ["getsockopt", 1060, "res:errno", "fd:fd", "level:flags8/sockopt_levels", "optname:flags8/sockopt_options", "val:dyn~sockopt_dynamic_param", "optlen:uint32"], // 47 <
  ["sendmsg", 52, "fd:fd", "size:uint32", "tuple:socktuple"], // 48 >
  ["sendmsg", 52, "res:errno", "data:bytebuf"], // 49 <
  ["sendmmsg", 1024], // 50 >
  ["sendmmsg", 1024], // 51 <
  ["recvmsg", 44, "fd:fd"], // 52 >
  ["recvmsg", 44, "res:errno", "size:uint32", "data:bytebuf", "tuple:socktuple"], // 53 <
  ["recvmmsg", 1024], // 54 >
  ["recvmmsg", 1024], // 55 <
  ["accept", 545, "flags:int32:x"], // 56 >
  ["accept", 545, "fd:fd", "tuple:socktuple", "queuepct:uint8"], // 57 <
  ["creat", 33, "name:fspath", "mode:uint32:o"], // 58 >
  ["creat", 33, "fd:fd", "name:fspath", "mode:uint32:o", "dev:uint32:x"], // 59 <
  ["pipe", 33], // 60 >
  ["pipe", 33, "res:errno", "fd1:fd", "fd2:fd", "ino:uint64"], // 61 <
  ["eventfd", 1057, "initval:uint64", "flags:flags32:x"], // 62 >
  ["eventfd", 1057, "res:fd"], // 63 <
  ["futex", 1024, "addr:uint64:x", "op:flags16:x/futex_operations", "val:uint64"], // 64 >
  ["futex", 1024, "res:errno"], // 65 <
  ["stat", 1024], // 66 >
  ["stat", 1024, "res:errno", "path:fspath"], // 67 <
  ["lstat", 1024], // 68 >
  ["lstat", 1024, "res:errno", "path:fspath"], // 69 <
  ["fstat", 1028, "fd:fd"], // 70 >
  ["fstat", 1028, "res:errno"], // 71 <
  ["stat64", 1024], // 72 >
  ["stat64", 1024, "res:errno", "path:fspath"], // 73 <
  ["lstat64", 1024], // 74 >
  ["lstat64", 1024, "res:errno", "path:fspath"], // 75 <
  ["fstat64", 1028, "fd:fd"], // 76 >
  ["fstat64", 1028, "res:errno"], // 77 <
  ["epoll_wait", 1152, "maxevents:errno"], // 78 >
  ["epoll_wait", 1152, "res:errno"], // 79 <
  ["poll", 1152, "fds:fdlist", "timeout:int64"], // 80 >
  ["poll", 1152, "res:errno", "fds:fdlist"], // 81 <
  ["select", 1152], // 82 >
  ["select", 1152, "res:errno"], // 83 <
  ["select", 1152], // 84 >
  ["select", 1152, "res:errno"], // 85 <
  ["lseek", 1028, "fd:fd", "offset:uint64", "whence:flags8/lseek_whence"], // 86 >
  ["lseek", 1028, "res:errno"], // 87 <
  ["llseek", 1028, "fd:fd", "offset:uint64", "whence:flags8/lseek_whence"], // 88 >
  ["llseek", 1028, "res:errno"], // 89 <
  ["ioctl", 516, "fd:fd", "request:uint64:x"], // 90 >
  ["ioctl", 516, "res:errno"], // 91 <
  ["getcwd", 1024], // 92 >
  ["getcwd", 1024, "res:errno", "path:charbuf"], // 93 <
  ["chdir", 32], // 94 >
  ["chdir", 32, "res:errno", "path:charbuf"], // 95 <
  ["fchdir", 36, "fd:fd"], // 96 >
  ["fchdir", 36, "res:errno"], // 97 <
  ["mkdir", 0, "path:fspath", "mode:uint32:x"], // 98 >
  ["mkdir", 0, "res:errno"], // 99 <
  ["rmdir", 0, "path:fspath"], // 100 >
  ["rmdir", 0, "res:errno"], // 101 <
  ["openat", 545, "dirfd:fd", "name:charbuf", "flags:flags32:x/file_flags", "mode:uint32:o"], // 102 >
  ["openat", 545, "fd:fd"], // 103 <
  ["link", 512, "oldpath:fspath", "newpath:fspath"], // 104 >
  ["link", 512, "res:errno"], // 105 <
  ["linkat", 512, "olddir:fd", "oldpath:charbuf", "newdir:fd", "newpath:charbuf"], // 106 >
  ["linkat", 512, "res:errno"], // 107 <
  ["unlink", 512, "path:fspath"], // 108 >
  ["unlink", 512, "res:errno"], // 109 <
  ["unlinkat", 512, "dirfd:fd", "name:charbuf"], // 110 >
  ["unlinkat", 512, "res:errno"], // 111 <
  ["pread", 1036, "fd:fd", "size:uint32", "pos:uint64"], // 112 >
  ["pread", 1036, "res:errno", "data:bytebuf"], // 113 <
  ["pwrite", 1044, "fd:fd", "size:uint32", "pos:uint64"], // 114 >
  ["pwrite", 1044, "res:errno", "data:bytebuf"], // 115 <
  ["readv", 1036, "fd:fd"], // 116 >
  ["readv", 1036, "res:errno", "size:uint32", "data:bytebuf"], // 117 <
  ["writev", 1044, "fd:fd", "size:uint32"], // 118 >
  ["writev", 1044, "res:errno", "data:bytebuf"], // 119 <
  ["preadv", 1036, "fd:fd", "pos:uint64"], // 120 >
  ["preadv", 1036, "res:errno", "size:uint32", "data:bytebuf"], // 121 <
  ["pwritev", 1044, "fd:fd", "size:uint32", "pos:uint64"], // 122 >
  ["pwritev", 1044, "res:errno", "data:bytebuf"], // 123 <
  ["dup", 37, "fd:fd"], // 124 >
  ["dup", 37, "res:fd"], // 125 <
  ["signalfd", 33, "fd:fd", "mask:uint32:x", "flags:flags8:x"], // 126 >
  ["signalfd", 33, "res:fd"], // 127 <
  ["kill", 0, "pid:pid", "sig:sigtype"], // 128 >
  ["kill", 0, "res:errno"], // 129 <
  ["tkill", 0, "tid:pid", "sig:sigtype"], // 130 >
  ["tkill", 0, "res:errno"], // 131 <
  ["tgkill", 0, "pid:pid", "tid:pid", "sig:sigtype"], // 132 >
  ["tgkill", 0, "res:errno"], // 133 <
  ["nanosleep", 1152, "interval:reltime"], // 134 >
  ["nanosleep", 1152, "res:errno"], // 135 <
  ["timerfd_create", 1057, "clockid:uint8", "flags:flags8:x"], // 136 >
  ["timerfd_create", 1057, "res:fd"], // 137 <
  ["inotify_init", 33, "flags:flags8:x"], // 138 >
  ["inotify_init", 33, "res:fd"], // 139 <
  ["getrlimit", 1024, "resource:flags8/rlimit_resources"], // 140 >
  ["getrlimit", 1024, "res:errno", "cur:int64", "max:int64"], // 141 <
  ["setrlimit", 1024, "resource:flags8/rlimit_resources"], // 142 >
  ["setrlimit", 1024, "res:errno", "cur:int64", "max:int64"], // 143 <
  ["prlimit", 0, "pid:pid", "resource:flags8/rlimit_resources"], // 144 >
  ["prlimit", 0, "res:errno", "newcur:int64", "newmax:int64", "oldcur:int64", "oldmax:int64"], // 145 <
  ["switch", 1792, "next:pid"], // 146 >
  ["NA2", 832], // 147 <
  ["drop", 256, "ratio:uint32"], // 148 >
  ["drop", 256, "ratio:uint32"], // 149 <
  ["fcntl", 1060, "fd:fd", "cmd:flags8/fcntl_commands"], // 150 >
  ["fcntl", 1060, "res:fd"], // 151 <
  ["switch", 1024, "next:pid", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32"], // 152 >
  ["NA2", 64], // 153 <
  ["execve", 544], // 154 >
  ["execve", 544, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32"], // 155 <
  ["clone", 544], // 156 >
  ["clone", 544, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32"], // 157 <
  ["brk", 1024, "addr:uint64:x"], // 158 >
  ["brk", 1024, "res:uint64:x", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32"], // 159 <
  ["mmap", 1024, "addr:uint64:x", "length:uint64", "prot:flags32:x/prot_flags", "flags:flags32:x/mmap_flags", "fd:fd", "offset:uint64"], // 160 >
  ["mmap", 1024, "res:uint64:x", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32"], // 161 <
  ["mmap2", 1024, "addr:uint64:x", "length:uint64", "prot:flags32:x/prot_flags", "flags:flags32:x/mmap_flags", "fd:fd", "pgoffset:uint64"], // 162 >
  ["mmap2", 1024, "res:uint64:x", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32"], // 163 <
  ["munmap", 1024, "addr:uint64:x", "length:uint64"], // 164 >
  ["munmap", 1024, "res:errno", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32"], // 165 <
  ["splice", 1028, "fd_in:fd", "fd_out:fd", "size:uint64", "flags:flags32:x/splice_flags"], // 166 >
  ["splice", 1028, "res:errno"], // 167 <
  ["ptrace", 0, "request:flags16/ptrace_requests", "pid:pid"], // 168 >
  ["ptrace", 0, "res:errno", "addr:dyn:x~ptrace_dynamic_param", "data:dyn:x~ptrace_dynamic_param"], // 169 <
  ["ioctl", 4, "fd:fd", "request:uint64:x", "argument:uint64:x"], // 170 >
  ["ioctl", 4, "res:errno"], // 171 <
  ["execve", 544], // 172 >
  ["execve", 544, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "env:bytebuf"], // 173 <
  ["rename", 0], // 174 >
  ["rename", 0, "res:errno", "oldpath:fspath", "newpath:fspath"], // 175 <
  ["renameat", 0], // 176 >
  ["renameat", 0, "res:errno", "olddirfd:fd", "oldpath:fsrelpath@1", "newdirfd:fd", "newpath:fsrelpath@3"], // 177 <
  ["symlink", 0], // 178 >
  ["symlink", 0, "res:errno", "target:charbuf", "linkpath:fspath"], // 179 <
  ["symlinkat", 0], // 180 >
  ["symlinkat", 0, "res:errno", "target:charbuf", "linkdirfd:fd", "linkpath:fsrelpath@2"], // 181 <
  ["fork", 544], // 182 >
  ["fork", 544, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32"], // 183 <
  ["vfork", 544], // 184 >
  ["vfork", 544, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32"], // 185 <
  ["procexit", 32, "status:errno", "ret:errno", "sig:sigtype", "core:uint8"], // 186 >
  ["NA1", 64], // 187 <
  ["sendfile", 1028, "out_fd:fd", "in_fd:fd", "offset:uint64", "size:uint64"], // 188 >
  ["sendfile", 1028, "res:errno", "offset:uint64"], // 189 <
  ["quotactl", 0, "cmd:flags16/quotactl_cmds", "type:flags8/quotactl_types", "id:uint32", "quota_fmt:flags8/quotactl_quota_fmts"], // 190 >
  ["quotactl", 0, "res:errno", "special:charbuf", "quotafilepath:charbuf", "dqb_bhardlimit:uint64", "dqb_bsoftlimit:uint64", "dqb_curspace:uint64", "dqb_ihardlimit:uint64", "dqb_isoftlimit:uint64", "dqb_btime:reltime", "dqb_itime:reltime", "dqi_bgrace:reltime", "dqi_igrace:reltime", "dqi_flags:flags8/quotactl_dqi_flags", "quota_fmt_out:flags8/quotactl_quota_fmts"], // 191 <
  ["setresuid", 32, "ruid:uid", "euid:uid", "suid:uid"], // 192 >
  ["setresuid", 32, "res:errno"], // 193 <
  ["setresgid", 32, "rgid:gid", "egid:gid", "sgid:gid"], // 194 >
  ["setresgid", 32, "res:errno"], // 195 <
  ["sysdigevent", 256, "event_type:uint32", "event_data:uint64"], // 196 >
  ["sysdigevent", 64], // 197 <
  ["setuid", 32, "uid:uid"], // 198 >
  ["setuid", 32, "res:errno"], // 199 <
  ["setgid", 32, "gid:gid"], // 200 >
  ["setgid", 32, "res:errno"], // 201 <
  ["getuid", 1024], // 202 >
  ["getuid", 1024, "uid:uid"], // 203 <
  ["geteuid", 1024], // 204 >
  ["geteuid", 1024, "euid:uid"], // 205 <
  ["getgid", 1024], // 206 >
  ["getgid", 1024, "gid:gid"], // 207 <
  ["getegid", 1024], // 208 >
  ["getegid", 1024, "egid:gid"], // 209 <
  ["getresuid", 1024], // 210 >
  ["getresuid", 1024, "res:errno", "ruid:uid", "euid:uid", "suid:uid"], // 211 <
  ["getresgid", 1024], // 212 >
  ["getresgid", 1024, "res:errno", "rgid:gid", "egid:gid", "sgid:gid"], // 213 <
  ["execve", 544], // 214 >
  ["execve", 544, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "env:bytebuf"], // 215 <
  ["clone", 544], // 216 >
  ["clone", 544, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32"], // 217 <
  ["fork", 544], // 218 >
  ["fork", 544, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32"], // 219 <
  ["vfork", 544], // 220 >
  ["vfork", 544, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32"], // 221 <
  ["clone", 32], // 222 >
  ["clone", 32, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32", "vtid:pid", "vpid:pid"], // 223 <
  ["fork", 32], // 224 >
  ["fork", 32, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32", "vtid:pid", "vpid:pid"], // 225 <
  ["vfork", 32], // 226 >
  ["vfork", 32, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32", "vtid:pid", "vpid:pid"], // 227 <
  ["container", 800, "id:charbuf", "type:uint32", "name:charbuf", "image:charbuf"], // 228 >
  ["container", 576], // 229 <
  ["execve", 32], // 230 >
  ["execve", 32, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "env:bytebuf"], // 231 <
  ["signaldeliver", 1024, "spid:pid", "dpid:pid", "sig:sigtype"], // 232 >
  ["signaldeliver", 64], // 233 <
  ["procinfo", 1280, "cpu_usr:uint64", "cpu_sys:uint64"], // 234 >
  ["NA2", 64], // 235 <
  ["getdents", 1028, "fd:fd"], // 236 >
  ["getdents", 1028, "res:errno"], // 237 <
  ["getdents64", 1028, "fd:fd"], // 238 >
  ["getdents64", 1028, "res:errno"], // 239 <
  ["setns", 4, "fd:fd", "nstype:flags32:x/clone_flags"], // 240 >
  ["setns", 4, "res:errno"], // 241 <
  ["flock", 4, "fd:fd", "operation:flags32:x/flock_flags"], // 242 >
  ["flock", 4, "res:errno"], // 243 <
  ["cpu_hotplug", 288, "cpu:uint32", "action:uint32"], // 244 >
  ["NA2", 64], // 245 <
  ["accept", 33], // 246 >
  ["accept", 33, "fd:fd", "tuple:socktuple", "queuepct:uint8", "queuelen:uint32", "queuemax:uint32"], // 247 <
  ["accept", 33, "flags:int32:x"], // 248 >
  ["accept", 33, "fd:fd", "tuple:socktuple", "queuepct:uint8", "queuelen:uint32", "queuemax:uint32"], // 249 <
  ["semop", 1024, "semid:int32"], // 250 >
  ["semop", 1024, "res:errno", "nsops:uint32", "sem_num_0:uint16", "sem_op_0:int16", "sem_flg_0:flags16:x/semop_flags", "sem_num_1:uint16", "sem_op_1:int16", "sem_flg_1:flags16:x/semop_flags"], // 251 <
  ["semctl", 1024, "semid:int32", "semnum:int32", "cmd:flags16:x/semctl_commands", "val:int32"], // 252 >
  ["semctl", 1024, "res:errno"], // 253 <
  ["ppoll", 1152, "fds:fdlist", "timeout:reltime", "sigmask:sigset"], // 254 >
  ["ppoll", 1152, "res:errno", "fds:fdlist"], // 255 <
  ["mount", 32, "flags:flags32:x/mount_flags"], // 256 >
  ["mount", 32, "res:errno", "dev:charbuf", "dir:fspath", "type:charbuf"], // 257 <
  ["umount", 32, "flags:flags32:x/umount_flags"], // 258 >
  ["umount", 32, "res:errno", "name:fspath"], // 259 <
  ["k8s", 288, "json:charbuf"], // 260 >
  ["NA3", 64], // 261 <
  ["semget", 1024, "key:int32:x", "nsems:int32", "semflg:flags32:x/semget_flags"], // 262 >
  ["semget", 1024, "res:errno"], // 263 <
  ["access", 1024, "mode:flags32:x/access_flags"], // 264 >
  ["access", 1024, "res:errno", "name:fspath"], // 265 <
  ["chroot", 32], // 266 >
  ["chroot", 32, "res:errno", "path:fspath"], // 267 <
  ["tracer", 0, "id:int64", "tags:charbufarray", "args:charbuf_pair_array"], // 268 >
  ["tracer", 0, "id:int64", "tags:charbufarray", "args:charbuf_pair_array"], // 269 <
  ["mesos", 288, "json:charbuf"], // 270 >
  ["NA4", 64], // 271 <
  ["container", 32, "json:charbuf"], // 272 >
  ["container", 64], // 273 <
  ["setsid", 32], // 274 >
  ["setsid", 32, "res:pid"], // 275 <
  ["mkdir", 0, "mode:uint32:x"], // 276 >
  ["mkdir", 0, "res:errno", "path:fspath"], // 277 <
  ["rmdir", 0], // 278 >
  ["rmdir", 0, "res:errno", "path:fspath"], // 279 <
  ["notification", 256, "id:charbuf", "desc:charbuf"], // 280 >
  ["NA4", 64], // 281 <
  ["execve", 544], // 282 >
  ["execve", 544, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "env:bytebuf", "tty:int32"], // 283 <
  ["unshare", 0, "flags:flags32:x/clone_flags"], // 284 >
  ["unshare", 0, "res:errno"], // 285 <
  ["infra", 256, "source:charbuf", "name:charbuf", "description:charbuf", "scope:charbuf"], // 286 >
  ["NA4", 64], // 287 <
  ["execve", 544, "filename:fspath"], // 288 >
  ["execve", 544, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "env:bytebuf", "tty:int32"], // 289 <
  ["page_fault", 1280, "addr:uint64:x", "ip:uint64:x", "error:flags32:x/pf_flags"], // 290 >
  ["NA5", 64], // 291 <
  ["execve", 32, "filename:fspath"], // 292 >
  ["execve", 32, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "env:bytebuf", "tty:int32", "vpgid:pid", "loginuid:int32", "flags:flags32:x/execve_flags", "cap_inheritable:uint64:x", "cap_permitted:uint64:x", "cap_effective:uint64:x", "exe_ino:uint64", "exe_ino_ctime:abstime", "exe_ino_mtime:abstime", "uid:uint32", "trusted_exepath:fspath", "pgid:pid", "gid:uint32"], // 293 <
  ["setpgid", 32, "pid:pid", "pgid:pid"], // 294 >
  ["setpgid", 32, "res:pid"], // 295 <
  ["bpf", 1, "cmd:int64"], // 296 >
  ["bpf", 1, "res_or_fd:dyn~bpf_dynamic_param"], // 297 <
  ["seccomp", 0, "op:uint64"], // 298 >
  ["seccomp", 0, "res:errno"], // 299 <
  ["unlink", 0], // 300 >
  ["unlink", 0, "res:errno", "path:fspath"], // 301 <
  ["unlinkat", 0], // 302 >
  ["unlinkat", 0, "res:errno", "dirfd:fd", "name:fsrelpath@1", "flags:flags32:x/unlinkat_flags"], // 303 <
  ["mkdirat", 0], // 304 >
  ["mkdirat", 0, "res:errno", "dirfd:fd", "path:fsrelpath@1", "mode:uint32:x"], // 305 <
  ["openat", 33, "dirfd:fd", "name:fsrelpath@0", "flags:flags32:x/file_flags", "mode:uint32:o"], // 306 >
  ["openat", 33, "fd:fd", "dirfd:fd", "name:fsrelpath@1", "flags:flags32:x/file_flags", "mode:uint32:o", "dev:uint32:x"], // 307 <
  ["link", 0], // 308 >
  ["link", 0, "res:errno", "oldpath:fspath", "newpath:fspath"], // 309 <
  ["linkat", 0], // 310 >
  ["linkat", 0, "res:errno", "olddir:fd", "oldpath:fsrelpath@1", "newdir:fd", "newpath:fsrelpath@3", "flags:flags32:x/linkat_flags"], // 311 <
  ["fchmodat", 0], // 312 >
  ["fchmodat", 0, "res:errno", "dirfd:fd", "filename:fsrelpath@1", "mode:mode:o/chmod_mode"], // 313 <
  ["chmod", 0], // 314 >
  ["chmod", 0, "res:errno", "filename:fspath", "mode:mode:o/chmod_mode"], // 315 <
  ["fchmod", 0], // 316 >
  ["fchmod", 0, "res:errno", "fd:fd", "mode:mode:o/chmod_mode"], // 317 <
  ["renameat2", 0], // 318 >
  ["renameat2", 0, "res:errno", "olddirfd:fd", "oldpath:fsrelpath@1", "newdirfd:fd", "newpath:fsrelpath@3", "flags:flags32:x/renameat2_flags"], // 319 <
  ["userfaultfd", 33], // 320 >
  ["userfaultfd", 33, "res:errno", "flags:flags32:x/file_flags"], // 321 <
  ["pluginevent", 2048, "plugin ID:uint32", "event_data:bytebuf"], // 322 >
  ["pluginevent", 64], // 323 <
  ["container", 2080, "json:charbuf"], // 324 >
  ["container", 64], // 325 <
  ["openat2", 33, "dirfd:fd", "name:fsrelpath@1", "flags:flags32:x/file_flags", "mode:uint32:o", "resolve:flags32:x/openat2_flags"], // 326 >
  ["openat2", 33, "fd:fd", "dirfd:fd", "name:fsrelpath@1", "flags:flags32:x/file_flags", "mode:uint32:o", "resolve:flags32:x/openat2_flags"], // 327 <
  ["mprotect", 1024, "addr:uint64:x", "length:uint64", "prot:flags32:x/prot_flags"], // 328 >
  ["mprotect", 1024, "res:errno"], // 329 <
  ["execveat", 32, "dirfd:fd", "pathname:fsrelpath@0", "flags:flags32:x/execveat_flags"], // 330 >
  ["execveat", 32, "res:errno", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:uint64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "env:bytebuf", "tty:int32", "vpgid:pid", "loginuid:int32", "flags:flags32:x/execve_flags", "cap_inheritable:uint64:x", "cap_permitted:uint64:x", "cap_effective:uint64:x", "exe_ino:uint64", "exe_ino_ctime:abstime", "exe_ino_mtime:abstime", "uid:uint32", "trusted_exepath:fspath", "pgid:pid", "gid:uint32"], // 331 <
  ["copy_file_range", 28, "fdin:fd", "offin:uint64", "len:uint64"], // 332 >
  ["copy_file_range", 28, "res:errno", "fdout:fd", "offout:uint64"], // 333 <
  ["clone3", 32], // 334 >
  ["clone3", 32, "res:pid", "exe:charbuf", "args:bytebuf", "tid:pid", "pid:pid", "ptid:pid", "cwd:charbuf", "fdlimit:int64", "pgft_maj:uint64", "pgft_min:uint64", "vm_size:uint32", "vm_rss:uint32", "vm_swap:uint32", "comm:charbuf", "cgroups:bytebuf", "flags:flags32:x/clone_flags", "uid:uint32", "gid:uint32", "vtid:pid", "vpid:pid"], // 335 <
];
