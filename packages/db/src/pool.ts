import pg from 'pg';

export type Db = pg.Pool;
export type DbClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** `date` stays a 'YYYY-MM-DD' string: it is a calendar day, not an instant. */
const DATE_OID = 1082;

/**
 * The one place numbers are normalised: `count(*)` and `sum()` come back as int8/numeric, which
 * `pg` hands over as strings. Our counts stay far below 2^53, so they become plain numbers.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (v: string) => v;
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** statement_timeout for every connection, ms (0 = none) */
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

export function createPool(url: string, options: PoolOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'botpulse',
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 0,
    // Our queries are short and index-driven; JIT compilation (hundreds of ms) only ever made them
    // slower when a stale estimate crossed its cost threshold.
    options: '-c jit=off',
    types: typeParsers,
  });
  // An idle client losing its connection (database restarted) must not crash the process;
  // the next query gets a fresh connection.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` in a transaction on one client; rolls back on any error. */
export async function withTransaction<T>(db: Db, fn: (client: DbClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Advisory lock keys (transaction-scoped only: the embedded server multiplexes one session). */
export const LOCKS = {
  /** held while inserting conversations, so ids are handed out in commit order (taken inside store_conversations(), migration 004) */
  feed: 7_100_001,
  /** held while folding the rollup queue into the rollups */
  rollup: 7_100_002,
} as const;

/**
 * Whether an error means the database cannot be reached right now (refused, reset, timed out,
 * shutting down) rather than a bad query: callers answer 503 and retry, never 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (typeof e.code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(e.code))
      return true;
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now),
    // 53300 (too many connections), 55000 with "not accepting connections"
    if (e.code.startsWith('08') || /^57P0[1-3]$/.test(e.code) || e.code === '53300') return true;
    if (e.code === '55000' && /not accepting connections/i.test(e.message ?? '')) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    e.message ?? '',
  );
}
