/**
 * The machine's listening TCP sockets as the kernel reports them (/proc/net/tcp and tcp6), and
 * which process owns one: what `ss -ltnp` shows, without depending on it being installed.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export type ListeningSocket = { address: string; port: number; inode: string };

const listenState = '0A';

/** 0100007F → 127.0.0.1 (the kernel prints the address as one little-endian word). */
const ipv4 = (hex: string): string => [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');

/** Four little-endian words → an IPv6 address, compressed as usual (::1, ::, ::ffff:7f00:1). */
const ipv6 = (hex: string): string => {
  const groups: string[] = [];
  for (let word = 0; word < 4; word++) {
    const bytes = [6, 4, 2, 0].map((i) => hex.slice(word * 8 + i, word * 8 + i + 2)).join('');
    groups.push(bytes.slice(0, 4), bytes.slice(4, 8));
  }
  // the WHATWG URL parser prints an IPv6 host in its canonical, compressed form
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
};

const parse = (table: string, family: 4 | 6): ListeningSocket[] =>
  table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === listenState)
    .map((fields) => {
      const [addressHex = '', portHex = ''] = (fields[1] ?? '').split(':');
      return {
        address: family === 4 ? ipv4(addressHex) : ipv6(addressHex),
        port: Number.parseInt(portHex, 16),
        inode: fields[9] ?? '',
      };
    });

export const listeningSockets = async (): Promise<ListeningSocket[]> => [
  ...parse(await readFile('/proc/net/tcp', 'utf8'), 4),
  ...parse(await readFile('/proc/net/tcp6', 'utf8').catch(() => ''), 6),
];

export const isLoopback = (address: string): boolean => address === '127.0.0.1' || address === '::1';

/** The ids of the processes that hold one of these socket inodes open (the listener's owner). */
export const pidsHoldingSockets = async (inodes: readonly string[]): Promise<number[]> => {
  const wanted = new Set(inodes.map((inode) => `socket:[${inode}]`));
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // processes come and go, and others' descriptors may be unreadable: skip what cannot be read
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      if (wanted.has(target)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
};

/** The process listening on this TCP port, found through the socket's inode. */
export const pidListeningOn = async (port: number): Promise<number | undefined> => {
  const inodes = (await listeningSockets()).filter((s) => s.port === port).map((s) => s.inode);
  if (inodes.length === 0) return undefined;
  const [pid] = await pidsHoldingSockets(inodes);
  return pid;
};

/** A process and all its descendants (from /proc/<pid>/stat's parent ids). */
export const processTree = async (root: number): Promise<number[]> => {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parents.set(Number(entry), ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
};

/** Every listening socket held open by one of these processes. */
export const socketsOfProcesses = async (pids: readonly number[]): Promise<ListeningSocket[]> => {
  const held = new Set<string>();
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) held.add(inode);
    }
  }
  return (await listeningSockets()).filter((s) => held.has(s.inode));
};
