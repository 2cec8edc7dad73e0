/**
 * Flag and enum name tables used to render event parameters the way Falco prints them
 * (`flags=4097(O_RDONLY|O_CLOEXEC)`). Values are the driver's portable PPM encodings, not the host
 * kernel's constants: capture files and drivers store the PPM values. Order matters for rendering:
 * names are tried in the order listed, as libsinsp does.
 */
export const FLAG_TABLES: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  file_flags: [["O_LARGEFILE", 2048], ["O_DIRECTORY", 1024], ["O_DIRECT", 512], ["O_TRUNC", 256], ["O_SYNC", 128], ["O_NONBLOCK", 64], ["O_EXCL", 32], ["O_DSYNC", 16], ["O_APPEND", 8], ["O_CREAT", 4], ["O_RDWR", 3], ["O_WRONLY", 2], ["O_RDONLY", 1], ["O_CLOEXEC", 4096], ["O_NONE", 0], ["O_TMPFILE", 8192]],
  clone_flags: [["CLONE_FILES", 1], ["CLONE_FS", 2], ["CLONE_IO", 4], ["CLONE_NEWIPC", 8], ["CLONE_NEWNET", 16], ["CLONE_NEWNS", 32], ["CLONE_NEWPID", 64], ["CLONE_NEWUTS", 128], ["CLONE_PARENT", 256], ["CLONE_PARENT_SETTID", 512], ["CLONE_PTRACE", 1024], ["CLONE_SIGHAND", 2048], ["CLONE_SYSVSEM", 4096], ["CLONE_THREAD", 8192], ["CLONE_UNTRACED", 16384], ["CLONE_VM", 32768], ["CLONE_INVERTED", 65536], ["NAME_CHANGED", 131072], ["CLOSED", 262144], ["CLONE_NEWUSER", 1048576], ["CLONE_CHILD_CLEARTID", 8388608], ["CLONE_CHILD_SETTID", 16777216], ["CLONE_SETTLS", 33554432], ["CLONE_STOPPED", 67108864], ["CLONE_VFORK", 134217728], ["CLONE_NEWCGROUP", 268435456]],
  socket_families: [["AF_NFC", 39], ["AF_ALG", 38], ["AF_CAIF", 37], ["AF_IEEE802154", 36], ["AF_PHONET", 35], ["AF_ISDN", 34], ["AF_RXRPC", 33], ["AF_IUCV", 32], ["AF_BLUETOOTH", 31], ["AF_TIPC", 30], ["AF_CAN", 29], ["AF_LLC", 26], ["AF_WANPIPE", 25], ["AF_PPPOX", 24], ["AF_IRDA", 23], ["AF_SNA", 22], ["AF_RDS", 21], ["AF_ATMSVC", 20], ["AF_ECONET", 19], ["AF_ASH", 18], ["AF_PACKET", 17], ["AF_ROUTE", 16], ["AF_NETLINK", 16], ["AF_KEY", 15], ["AF_SECURITY", 14], ["AF_NETBEUI", 13], ["AF_DECnet", 12], ["AF_ROSE", 11], ["AF_INET6", 10], ["AF_X25", 9], ["AF_ATMPVC", 8], ["AF_BRIDGE", 7], ["AF_NETROM", 6], ["AF_APPLETALK", 5], ["AF_IPX", 4], ["AF_AX25", 3], ["AF_INET", 2], ["AF_LOCAL", 1], ["AF_UNIX", 1], ["AF_UNSPEC", 0]],
  shutdown_how: [["SHUT_RDWR", 2], ["SHUT_WR", 1], ["SHUT_RD", 0]],
  sockopt_levels: [["SOL_SOCKET", 1], ["SOL_TCP", 2], ["UNKNOWN", 0]],
  sockopt_options: [["SO_COOKIE", 53], ["SO_MEMINFO", 52], ["SO_PEERGROUPS", 51], ["SO_ATTACH_BPF", 50], ["SO_INCOMING_CPU", 49], ["SO_BPF_EXTENSIONS", 48], ["SO_MAX_PACING_RATE", 47], ["SO_BUSY_POLL", 46], ["SO_SELECT_ERR_QUEUE", 45], ["SO_LOCK_FILTER", 44], ["SO_NOFCS", 43], ["SO_PEEK_OFF", 42], ["SO_WIFI_STATUS", 41], ["SO_RXQ_OVFL", 40], ["SO_DOMAIN", 39], ["SO_PROTOCOL", 38], ["SO_TIMESTAMPING", 37], ["SO_MARK", 36], ["SO_TIMESTAMPNS", 35], ["SO_PASSSEC", 34], ["SO_PEERSEC", 31], ["SO_ACCEPTCONN", 30], ["SO_TIMESTAMP", 29], ["SO_PEERNAME", 28], ["SO_DETACH_FILTER", 27], ["SO_ATTACH_FILTER", 26], ["SO_BINDTODEVICE", 25], ["SO_SECURITY_ENCRYPTION_NETWORK", 24], ["SO_SECURITY_ENCRYPTION_TRANSPORT", 23], ["SO_SECURITY_AUTHENTICATION", 22], ["SO_SNDTIMEO", 21], ["SO_RCVTIMEO", 20], ["SO_SNDLOWAT", 19], ["SO_RCVLOWAT", 18], ["SO_PEERCRED", 17], ["SO_PASSCRED", 16], ["SO_REUSEPORT", 15], ["SO_BSDCOMPAT", 14], ["SO_LINGER", 13], ["SO_PRIORITY", 12], ["SO_NO_CHECK", 11], ["SO_OOBINLINE", 10], ["SO_KEEPALIVE", 9], ["SO_RCVBUFFORCE", 33], ["SO_SNDBUFFORCE", 32], ["SO_RCVBUF", 8], ["SO_SNDBUF", 7], ["SO_BROADCAST", 6], ["SO_DONTROUTE", 5], ["SO_ERROR", 4], ["SO_TYPE", 3], ["SO_REUSEADDR", 2], ["SO_DEBUG", 1], ["UNKNOWN", 0]],
  futex_operations: [["FUTEX_CLOCK_REALTIME", 256], ["FUTEX_PRIVATE_FLAG", 128], ["FUTEX_CMP_REQUEUE_PI", 12], ["FUTEX_WAIT_REQUEUE_PI", 11], ["FUTEX_WAKE_BITSET", 10], ["FUTEX_WAIT_BITSET", 9], ["FUTEX_TRYLOCK_PI", 8], ["FUTEX_UNLOCK_PI", 7], ["FUTEX_LOCK_PI", 6], ["FUTEX_WAKE_OP", 5], ["FUTEX_CMP_REQUEUE", 4], ["FUTEX_REQUEUE", 3], ["FUTEX_FD", 2], ["FUTEX_WAKE", 1], ["FUTEX_WAIT", 0]],
  lseek_whence: [["SEEK_END", 2], ["SEEK_CUR", 1], ["SEEK_SET", 0]],
  rlimit_resources: [["RLIMIT_UNKNOWN", 255], ["RLIMIT_RTTIME", 15], ["RLIMIT_RTPRIO", 14], ["RLIMIT_NICE", 13], ["RLIMIT_MSGQUEUE", 12], ["RLIMIT_SIGPENDING", 11], ["RLIMIT_LOCKS", 10], ["RLIMIT_AS", 9], ["RLIMIT_MEMLOCK", 8], ["RLIMIT_NOFILE", 7], ["RLIMIT_NPROC", 6], ["RLIMIT_RSS", 5], ["RLIMIT_CORE", 4], ["RLIMIT_STACK", 3], ["RLIMIT_DATA", 2], ["RLIMIT_FSIZE", 1], ["RLIMIT_CPU", 0]],
  fcntl_commands: [["F_GETPIPE_SZ", 29], ["F_SETPIPE_SZ", 28], ["F_NOTIFY", 27], ["F_DUPFD_CLOEXEC", 26], ["F_CANCELLK", 25], ["F_GETLEASE", 24], ["F_SETLEASE", 23], ["F_GETOWN_EX", 22], ["F_SETOWN_EX", 21], ["F_SETLKW64", 19], ["F_SETLK64", 18], ["F_GETLK64", 17], ["F_GETSIG", 15], ["F_SETSIG", 13], ["F_GETOWN", 12], ["F_SETOWN", 10], ["F_SETLKW", 9], ["F_SETLK", 8], ["F_GETLK", 6], ["F_SETFL", 5], ["F_GETFL", 4], ["F_SETFD", 3], ["F_GETFD", 2], ["F_DUPFD", 1], ["F_OFD_GETLK", 30], ["F_OFD_SETLK", 31], ["F_OFD_SETLKW", 32], ["UNKNOWN", 0]],
  prot_flags: [["PROT_READ", 1], ["PROT_WRITE", 2], ["PROT_EXEC", 4], ["PROT_SEM", 8], ["PROT_GROWSDOWN", 16], ["PROT_GROWSUP", 32], ["PROT_SAO", 64], ["PROT_NONE", 0]],
  mmap_flags: [["MAP_SHARED", 1], ["MAP_PRIVATE", 2], ["MAP_FIXED", 4], ["MAP_ANONYMOUS", 8], ["MAP_32BIT", 16], ["MAP_RENAME", 32], ["MAP_NORESERVE", 64], ["MAP_POPULATE", 128], ["MAP_NONBLOCK", 256], ["MAP_GROWSDOWN", 512], ["MAP_DENYWRITE", 1024], ["MAP_EXECUTABLE", 2048], ["MAP_INHERIT", 4096], ["MAP_FILE", 8192], ["MAP_LOCKED", 16384]],
  splice_flags: [["SPLICE_F_MOVE", 1], ["SPLICE_F_NONBLOCK", 2], ["SPLICE_F_MORE", 4], ["SPLICE_F_GIFT", 8]],
  ptrace_requests: [["PTRACE_SINGLEBLOCK", 38], ["PTRACE_SYSEMU_SINGLESTEP", 37], ["PTRACE_SYSEMU", 36], ["PTRACE_ARCH_PRCTL", 35], ["PTRACE_SET_THREAD_AREA", 34], ["PTRACE_GET_THREAD_AREA", 33], ["PTRACE_OLDSETOPTIONS", 32], ["PTRACE_SETFPXREGS", 31], ["PTRACE_GETFPXREGS", 30], ["PTRACE_SETFPREGS", 29], ["PTRACE_GETFPREGS", 28], ["PTRACE_SETREGS", 27], ["PTRACE_GETREGS", 26], ["PTRACE_SETSIGMASK", 25], ["PTRACE_GETSIGMASK", 24], ["PTRACE_PEEKSIGINFO", 23], ["PTRACE_LISTEN", 22], ["PTRACE_INTERRUPT", 21], ["PTRACE_SEIZE", 20], ["PTRACE_SETREGSET", 19], ["PTRACE_GETREGSET", 18], ["PTRACE_SETSIGINFO", 17], ["PTRACE_GETSIGINFO", 16], ["PTRACE_GETEVENTMSG", 15], ["PTRACE_SETOPTIONS", 14], ["PTRACE_SYSCALL", 13], ["PTRACE_DETACH", 12], ["PTRACE_ATTACH", 11], ["PTRACE_SINGLESTEP", 10], ["PTRACE_KILL", 9], ["PTRACE_CONT", 8], ["PTRACE_POKEUSR", 7], ["PTRACE_POKEDATA", 6], ["PTRACE_POKETEXT", 5], ["PTRACE_PEEKUSR", 4], ["PTRACE_PEEKDATA", 3], ["PTRACE_PEEKTEXT", 2], ["PTRACE_TRACEME", 1], ["PTRACE_UNKNOWN", 0]],
  quotactl_cmds: [["Q_QUOTAON", 1], ["Q_QUOTAOFF", 2], ["Q_GETFMT", 4], ["Q_GETINFO", 8], ["Q_SETINFO", 16], ["Q_GETQUOTA", 32], ["Q_SETQUOTA", 64], ["Q_SYNC", 128], ["Q_XQUOTAON", 256], ["Q_XQUOTAOFF", 512], ["Q_XGETQUOTA", 1024], ["Q_XSETQLIM", 2048], ["Q_XGETQSTAT", 4096], ["Q_XQUOTARM", 8192], ["Q_XQUOTASYNC", 16384]],
  quotactl_types: [["USRQUOTA", 1], ["GRPQUOTA", 2]],
  quotactl_quota_fmts: [["QFMT_NOT_USED", 1], ["QFMT_VFS_OLD", 2], ["QFMT_VFS_V0", 4], ["QFMT_VFS_V1", 8]],
  quotactl_dqi_flags: [["DQF_NONE", 1], ["V1_DQF_RSQUASH", 2]],
  flock_flags: [["LOCK_SH", 1], ["LOCK_EX", 2], ["LOCK_NB", 4], ["LOCK_UN", 8], ["LOCK_NONE", 0]],
  semop_flags: [["IPC_NOWAIT", 1], ["SEM_UNDO", 2]],
  semctl_commands: [["IPC_STAT", 1], ["IPC_SET", 2], ["IPC_RMID", 4], ["IPC_INFO", 8], ["SEM_INFO", 16], ["SEM_STAT", 32], ["GETALL", 64], ["GETNCNT", 128], ["GETPID", 256], ["GETVAL", 512], ["GETZCNT", 1024], ["SETALL", 2048], ["SETVAL", 4096]],
  mount_flags: [["RDONLY", 1], ["NOSUID", 2], ["NODEV", 4], ["NOEXEC", 8], ["SYNCHRONOUS", 16], ["REMOUNT", 32], ["MANDLOCK", 64], ["DIRSYNC", 128], ["NOATIME", 1024], ["NODIRATIME", 2048], ["BIND", 4096], ["MOVE", 8192], ["REC", 16384], ["SILENT", 32768], ["POSIXACL", 65536], ["UNBINDABLE", 131072], ["PRIVATE", 262144], ["SLAVE", 524288], ["SHARED", 1048576], ["RELATIME", 2097152], ["KERNMOUNT", 4194304], ["I_VERSION", 8388608], ["STRICTATIME", 16777216], ["LAZYTIME", 33554432], ["NOSEC", 268435456], ["BORN", 536870912], ["ACTIVE", 1073741824], ["NOUSER", 2147483648]],
  umount_flags: [["FORCE", 1], ["DETACH", 2], ["EXPIRE", 4], ["NOFOLLOW", 8]],
  semget_flags: [["IPC_EXCL", 16384], ["IPC_CREAT", 8192]],
  access_flags: [["F_OK", 0], ["R_OK", 4], ["W_OK", 2], ["X_OK", 1]],
  pf_flags: [["PROTECTION_VIOLATION", 1], ["PAGE_NOT_PRESENT", 2], ["WRITE_ACCESS", 4], ["READ_ACCESS", 8], ["USER_FAULT", 16], ["SUPERVISOR_FAULT", 32], ["RESERVED_PAGE", 64], ["INSTRUCTION_FETCH", 128]],
  execve_flags: [["EXE_WRITABLE", 1]],
  unlinkat_flags: [["AT_REMOVEDIR", 512]],
  linkat_flags: [["AT_SYMLINK_FOLLOW", 1024], ["AT_EMPTY_PATH", 4096]],
  chmod_mode: [["S_IXOTH", 1], ["S_IWOTH", 2], ["S_IROTH", 4], ["S_IXGRP", 8], ["S_IWGRP", 16], ["S_IRGRP", 32], ["S_IXUSR", 64], ["S_IWUSR", 128], ["S_IRUSR", 256], ["S_ISVTX", 512], ["S_ISGID", 1024], ["S_ISUID", 2048]],
  renameat2_flags: [["RENAME_NOREPLACE", 1], ["RENAME_EXCHANGE", 2], ["RENAME_WHITEOUT", 4]],
  openat2_flags: [["RESOLVE_BENEATH", 1], ["RESOLVE_IN_ROOT", 2], ["RESOLVE_NO_MAGICLINKS", 4], ["RESOLVE_NO_SYMLINKS", 8], ["RESOLVE_NO_XDEV", 16], ["RESOLVE_CACHED", 32]],
  execveat_flags: [["AT_EMPTY_PATH", 1], ["AT_SYMLINK_NOFOLLOW", 2]],
};

/** Dynamic-type parameters: the first byte of the value selects the entry (`~table`). */
export const DYN_TABLES: Readonly<Record<string, readonly string[]>> = {
  sockopt_dynamic_param: [":bytebuf:x", ":errno", ":uint32", ":uint64", ":reltime"],
  ptrace_dynamic_param: [":uint64:x", ":sigtype"],
  bpf_dynamic_param: [":fd", ":errno"],
};
