/**
 * Users and groups by id, as libsinsp resolves `user.name`, `group.name` and `uid` parameters: from the
 * capture's user list when replaying, from the host's /etc/passwd and /etc/group when live.
 */
import { readFileSync } from 'node:fs';

/** One passwd entry. */
export interface UserInfo {
  uid: number;
  gid: number;
  name: string;
  homedir: string;
  shell: string;
}

/** One group entry. */
export interface GroupInfo {
  gid: number;
  name: string;
}

/** Users and groups by numeric id. */
export class UserTable {
  readonly users = new Map<number, UserInfo>();
  readonly groups = new Map<number, GroupInfo>();

  addUser(user: UserInfo): void {
    this.users.set(user.uid, user);
  }

  addGroup(group: GroupInfo): void {
    this.groups.set(group.gid, group);
  }

  user(uid: number): UserInfo | undefined {
    return this.users.get(uid);
  }

  group(gid: number): GroupInfo | undefined {
    return this.groups.get(gid);
  }
}

/** Parses passwd(5) text; malformed lines are skipped. */
export function parsePasswd(text: string): UserInfo[] {
  const out: UserInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ uid, gid, name: f[0] ?? '', homedir: f[5] ?? '', shell: f[6] ?? '' });
  }
  return out;
}

/** Parses group(5) text; malformed lines are skipped. */
export function parseGroup(text: string): GroupInfo[] {
  const out: GroupInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ gid, name: f[0] ?? '' });
  }
  return out;
}

/** The host's users and groups; a missing or unreadable file leaves that half empty. */
export function loadHostUsers(root = '/'): UserTable {
  const table = new UserTable();
  const read = (p: string): string => {
    try {
      return readFileSync(`${root.replace(/\/$/, '')}${p}`, 'utf8');
    } catch {
      return '';
    }
  };
  for (const u of parsePasswd(read('/etc/passwd'))) table.addUser(u);
  for (const g of parseGroup(read('/etc/group'))) table.addGroup(g);
  return table;
}
