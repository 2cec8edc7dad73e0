/** Syscall state: threads, fds, users and containers, rebuilt from events, capture tables and /proc. */
export type { FdInfo, FdTable, FdType, IpTuple } from './fd.js';
export { FD_TYPECHAR, L4PROTO_NAMES, endpoint, ipTupleName } from './fd.js';
export type { ThreadInfo } from './thread.js';
export { blankThread } from './thread.js';
export { ThreadTable, MAX_ANCESTRY } from './thread-table.js';
export type { UserInfo, GroupInfo } from './users.js';
export { UserTable, parsePasswd, parseGroup, loadHostUsers } from './users.js';
export type { CgroupMatch, ContainerInfo, ContainerMount } from './container.js';
export {
  HOST_CONTAINER_ID,
  containerIdFromCgroupPath,
  matchCgroupPath,
  containerIdFromCgroups,
  parseCgroupList,
  parseProcCgroup,
} from './container.js';
export { ipv4ToString, ipv6ToString, isV4Mapped } from './ip.js';
export type { LocalInterface } from './local-addresses.js';
export { LocalAddresses, ipv6Words } from './local-addresses.js';
export type { ProcSeedCounts, ProcSocket } from './proc-seed.js';
export { seedFromProc, kernelOpenFlagsToPpm, parseHexEndpoint, parseNetTable, IP_NET_TABLES, readSocketTables, readCgroupControllers, namedCgroups } from './proc-seed.js';
