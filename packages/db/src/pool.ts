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
  /**
   * Run the statements marked with hotStatement() as named prepared statements, parsed and planned
   * once per connection (on a PostgreSQL server only: the embedded database shares one session
   * between its clients, where two connections' statements of the same name would collide).
   */
  prepareHot?: boolean;
  /**
   * Plan every statement with parameters once, generically (`plan_cache_mode`), the unnamed ones
   * too: only for a pool that runs nothing but hot statements on keys (the bot's inbox writes). The
   * planner otherwise kept choosing a custom plan for statements that take an array, and an
   * analytics query over a time range must keep its custom plan.
   */
  genericPlans?: boolean;
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
    options: options.genericPlans ? '-c jit=off -c plan_cache_mode=force_generic_plan' : '-c jit=off',
    types: typeParsers,
    ...(options.prepareHot ? { Client: preparingClient() } : {}),
  });
  // An idle client losing its connection (database restarted) must not crash the process;
  // the next query gets a fresh connection.
  pool.on('error', () => {});
  return pool;
}

/** statement text → its prepared statement's name */
const HOT = new Map<string, string>();

/**
 * Marks a statement the services run many times a second (the webhook's inbox write, the reply
 * pipeline's reads and writes): in a pool made with `prepareHot` it is parsed and planned once per
 * connection instead of on every call. At 1,000 msg/s parsing and planning the bot's three inbox
 * statements took more of PostgreSQL's time than running them. Returns the text unchanged.
 */
export function hotStatement(text: string): string {
  if (!HOT.has(text)) HOT.set(text, `botpulse_hot_${HOT.size + 1}`);
  return text;
}

/**
 * A pg client class that names the hot statements. Which server it talks to is learnt once per pool:
 * the first hot statement waits for a `version()` query on its client (PGlite names itself there),
 * run before it, never alongside it (pg warns about a query queued behind another).
 */
function preparingClient(): typeof pg.Client {
  let server: 'postgres' | 'embedded' | undefined;
  return class PreparingClient extends pg.Client {
    // pg's query() has many overloads; this passes every form through and only names the hot ones
    // biome-ignore lint/suspicious/noExplicitAny: see above
    override query(config: any, values?: any, callback?: any): any {
      const name = typeof config === 'string' && Array.isArray(values) ? HOT.get(config) : undefined;
      if (name === undefined || server === 'embedded') return super.query(config, values, callback);
      if (server === 'postgres') return super.query({ name, text: config, values }, callback);
      const learnt = super.query("SELECT position('PGlite' in version()) > 0 AS embedded").then(
        (r: pg.QueryResult<{ embedded: boolean }>) => {
          server = r.rows[0]?.embedded ? 'embedded' : 'postgres';
        },
        // not learnt (the connection failed): this statement runs unnamed, the next one asks again
        () => undefined,
      );
      const run = () =>
        server === undefined ? super.query(config, values, callback) : this.query(config, values, callback);
      if (typeof callback !== 'function') return learnt.then(run);
      void learnt.then(run);
      return undefined;
    }
  };
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
