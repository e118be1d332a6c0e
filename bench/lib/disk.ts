import { statfs } from 'node:fs/promises';
import type { Db } from '@botpulse/db';

/** Bytes one stored message takes in the database: its tables (heap and TOAST) and its indexes. */
export interface RowBytes {
  tables: number;
  indexes: number;
}

/**
 * Before any history is stored: a little above what a generated history measured here (1M
 * messages: 502 B a message of tables and 443 B of indexes, the trigram search index the largest).
 */
export const FIRST_GUESS: RowBytes = { tables: 600, indexes: 500 };

const GIB = 2 ** 30;

/**
 * What growing a stored history from `stored` to `size` messages needs free on the database's
 * disk: the added rows' tables, and the indexes of all `size` rows, since a bulk load drops them
 * and builds them again at the end, and the old files stay on disk until its transaction commits.
 * Plus 10 % and 1 GiB for the write-ahead log and the sorts' temporary files.
 */
export function bytesToGrow(stored: number, size: number, perRow: RowBytes): number {
  const added = Math.max(0, size - stored);
  if (added === 0) return 0;
  return (added * perRow.tables + size * perRow.indexes) * 1.1 + GIB;
}

/** The bytes per stored message of the database `db` is connected to, measured. */
export async function measureRowBytes(db: Db, messages: number): Promise<RowBytes> {
  const { rows } = await db.query<{ total: string; indexes: string }>(
    `SELECT pg_database_size(current_database())::text AS total,
            coalesce(sum(pg_indexes_size(c.oid)), 0)::text AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const total = Number(rows[0]!.total);
  const indexes = Number(rows[0]!.indexes);
  const n = Math.max(1, messages);
  return { tables: (total - indexes) / n, indexes: indexes / n };
}

/** Whether a connection string names a server on this machine (a loopback address or a socket). */
export function isLocalServer(databaseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return false; // not a URL (pg also takes other forms): not checked
  }
  const host = url.searchParams.get('host') ?? decodeURIComponent(url.hostname);
  return host === '' || host.startsWith('/') || ['localhost', '127.0.0.1', '[::1]', '::1'].includes(host);
}

/**
 * Free bytes on the disk that holds the database server's files, where this process can see it:
 * undefined for a server on another machine, or when its data directory cannot be read from here
 * (`data_directory` needs a superuser or pg_read_all_settings).
 */
export async function freeDiskBytes(
  db: Db,
  databaseUrl: string,
): Promise<{ bytes: number; dir: string } | undefined> {
  if (!isLocalServer(databaseUrl)) return undefined;
  try {
    const { rows } = await db.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
    const dir = rows[0]!.dir;
    const fs = await statfs(dir);
    return { bytes: fs.bavail * fs.bsize, dir };
  } catch {
    return undefined;
  }
}

/** 1.2 GB, 850 MB */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
