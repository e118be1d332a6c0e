import pg from 'pg';
import { isDatabaseUnavailable } from './errors';

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

/**
 * The one way to take a client from the pool. A checked-out client whose connection is cut
 * (terminated backend, restart, failover) emits 'error'; without a listener that event ends the
 * process. Here it is caught, the failure reaches the caller as a rejected query, and the client is
 * released on every path (destroyed, not reused, when its connection failed).
 */
export async function withClient<T>(db: Db, fn: (client: DbClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } catch (err) {
    if (isDatabaseUnavailable(err)) broken ??= err as Error;
    // A transaction `fn` left open must not go back to the pool (a no-op outside one).
    else if (!broken) await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    // A broken client keeps the listener: its socket may still report the failure after release.
    if (!broken) client.off('error', onError);
    client.release(broken ?? false);
  }
}

/** Runs `fn` in a transaction on one client; rolls back on any error. */
export function withTransaction<T>(db: Db, fn: (client: DbClient) => Promise<T>): Promise<T> {
  return withClient(db, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  });
}

/** Advisory lock keys (transaction-scoped only: the embedded server multiplexes one session). */
export const LOCKS = {
  /** held while inserting conversations, so ids are handed out in commit order (taken inside store_conversations(), migration 004) */
  feed: 7_100_001,
  /** held while folding the rollup queue into the rollups */
  rollup: 7_100_002,
} as const;
