import { readdirSync, readFileSync } from 'node:fs';
import type { Db } from '@botpulse/db';

/**
 * User + system CPU seconds so far of the bot, the admin and the PostgreSQL server. The server's
 * figure is the postmaster's own time, the time of its children that have exited (the kernel adds
 * it to the parent when it reaps them), and the time of those still running: every backend,
 * however short-lived (a pool's connection closed mid-run, an autovacuum worker), and the
 * background writers the writes cost, counted exactly once between two readings.
 */
export async function cpuTicks(
  db: Db,
  botPid: number | undefined,
  adminPid: number | undefined,
): Promise<{ bot: number; admin: number; pg: number } | undefined> {
  if (botPid === undefined || adminPid === undefined) return undefined;
  try {
    const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = procStat(rows[0]!.pid)?.ppid;
    const bot = procStat(botPid);
    const admin = procStat(adminPid);
    if (postmaster === undefined || !bot || !admin) return undefined;
    const server = procStat(postmaster);
    if (!server) return undefined;
    let pg = server.self + server.children;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const child = procStat(Number(entry));
      if (child?.ppid === postmaster) pg += child.self;
    }
    return { bot: bot.self, admin: admin.self, pg };
  } catch {
    return undefined;
  }
}

/**
 * From /proc/<pid>/stat (Linux; USER_HZ is 100 there): the parent's pid, utime + stime, and
 * cutime + cstime (exited children it waited for), in seconds; undefined elsewhere.
 */
function procStat(pid: number): { ppid: number; self: number; children: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      self: (Number(f[11]) + Number(f[12])) / 100,
      children: (Number(f[13]) + Number(f[14])) / 100,
    };
  } catch {
    return undefined;
  }
}
