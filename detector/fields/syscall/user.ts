/** `user.*` and `group.*`: the credentials of the thread, resolved against the user table. */
import type { SyscallEvent } from '../../sources/syscall/index.js';
import { defineFields, type FieldDef } from './define.js';

const known = (e: SyscallEvent) => e.thread;
const uid = (e: SyscallEvent): number | undefined => known(e)?.uid;
const gid = (e: SyscallEvent): number | undefined => known(e)?.gid;

/** libsinsp keeps the login uid as unsigned 32 bits and reports it as a signed 64-bit value. */
function loginuid(e: SyscallEvent): number | undefined {
  const v = known(e)?.loginuid;
  return v === undefined ? undefined : v | 0;
}

const DEFS: FieldDef[] = [
  { name: 'user.uid', type: 'uint', desc: 'user id', get: uid },
  {
    name: 'user.name',
    type: 'string',
    desc: 'user name',
    get: (e) => {
      const u = uid(e);
      return u === undefined ? undefined : e.ctx.users.user(u)?.name;
    },
  },
  {
    name: 'user.homedir',
    type: 'string',
    desc: 'home directory of the user',
    get: (e) => {
      const u = uid(e);
      return u === undefined ? undefined : e.ctx.users.user(u)?.homedir;
    },
  },
  {
    name: 'user.shell',
    type: 'string',
    desc: 'login shell of the user',
    get: (e) => {
      const u = uid(e);
      return u === undefined ? undefined : e.ctx.users.user(u)?.shell;
    },
  },
  { name: 'user.loginuid', type: 'int', desc: 'audit login uid; -1 when unset', get: loginuid },
  {
    name: 'user.loginname',
    type: 'string',
    desc: 'name of the audit login user',
    get: (e) => {
      const l = loginuid(e);
      return l === undefined || l < 0 ? undefined : e.ctx.users.user(l)?.name;
    },
  },
  { name: 'group.gid', type: 'uint', desc: 'group id', get: gid },
  {
    name: 'group.name',
    type: 'string',
    desc: 'group name',
    get: (e) => {
      const g = gid(e);
      return g === undefined ? undefined : e.ctx.users.group(g)?.name;
    },
  },
];

export const USER_FIELDS = defineFields(DEFS);
