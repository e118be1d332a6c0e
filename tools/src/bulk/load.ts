import { pipeline } from 'node:stream/promises';
import {
  buildRollups,
  type Db,
  type DbClient,
  dropForBulk,
  foldRollupQueue,
  LOCKS,
  ROLLUP_TABLES,
  rollupsEmpty,
} from '@botpulse/db';
import { from as copyFrom } from 'pg-copy-streams';

import {
  type BulkRow,
  COLUMNS,
  COPY_IN,
  COPY_SOURCE,
  CREATE_BULK_USERS,
  copyLines,
  FINISH_USERS,
  isCopyRefused,
  moveSql,
  STAGING,
  TYPES,
  UNNEST_SOURCE,
  unnestParams,
} from './staging';

export type { BulkRow } from './staging';

export type BulkMethod = 'copy' | 'insert';

/**
 * work_mem of the bulk transactions on a PostgreSQL server (the default 4 MB sends the set-wise
 * statements' sorts and hashes of a 50k chunk, and the fold's of 250k rows, to disk). The embedded
 * database keeps its own: its memory is the admin's and the bot's too.
 */
const BULK_WORK_MEM = '256MB';

/**
 * How the secondary indexes of `conversations` are kept: updated row by row as chunks go in
 * ('keep'), or dropped, the whole load done in one transaction and the indexes built once at the end
 * ('rebuild': the way PostgreSQL's "Populating a Database" advises; conversations stay locked
 * meanwhile). 'auto': 'rebuild' when `conversations` is empty and the server takes COPY (never on
 * the embedded database, whose one session every client shares).
 * A rebuild into a store with no conversations and no rollups also leaves the rollup queue and the
 * users foreign key aside: the rows go in unqueued and unchecked, the key is validated once at the
 * end and the rollups computed from the whole table at once (buildRollups()), in the same
 * transaction.
 */
export type IndexMode = 'auto' | 'keep' | 'rebuild';

/** The trigger that queues each new conversation for the fold (migration 001). */
const QUEUE_TRIGGER = 'conversations_rollup_queue';

export interface BulkTotals {
  /** rows handed to the loader */
  rows: number;
  /** rows that became new conversations (the others' `mid` was already stored) */
  inserted: number;
  /** users created */
  newUsers: number;
  method: BulkMethod;
  /** whether the indexes were dropped and built once at the end */
  rebuiltIndexes: boolean;
  /** where the time went, ms: staging (COPY), moving into the tables, building indexes, rollups */
  timings: { stage: number; move: number; indexes: number; rollups: number };
}

/** Where a load's database time went, for the CLIs' last line. */
export function describeTimings(totals: Pick<BulkTotals, 'timings' | 'rebuiltIndexes'>): string {
  const t = totals.timings;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return (
    `database time: staging ${s(t.stage)}, tables ${s(t.move)}, indexes ${s(t.indexes)}, rollups ${s(t.rollups)}` +
    (totals.rebuiltIndexes ? ' (indexes built once at the end)' : '')
  );
}

/**
 * Loads conversations in chunks, on one connection, each chunk in its own transaction: with
 * `COPY` into a temporary staging table where the server takes it, else (the embedded database)
 * with one INSERT … SELECT FROM unnest(…) per chunk; then, from the staged rows, users and
 * conversations in one set-wise statement (`mid` already stored: skipped). `finish()` folds what was
 * loaded into the analytics rollups, set-wise, in large batches after the load.
 */
export class BulkLoader {
  private client: DbClient | undefined;
  private method: BulkMethod | undefined;
  /**
   * Rebuild mode (the one transaction is open): the statements that build the dropped indexes again
   * and, into an empty store, add the dropped foreign keys back; run in finish().
   */
  private rebuild: { indexes: string[]; keys?: string[] } | undefined;
  private readonly totals = { rows: 0, inserted: 0, newUsers: 0 };
  private readonly timings = { stage: 0, move: 0, indexes: 0, rollups: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: { method?: BulkMethod; indexes?: IndexMode } = {},
  ) {}

  /** Conversations stored so far (committed). */
  get inserted(): number {
    return this.totals.inserted;
  }

  /** How rows go in: 'copy' where the server accepts COPY FROM STDIN, else 'insert'. */
  async open(): Promise<BulkMethod> {
    if (this.method) return this.method;
    this.client = await this.db.connect();
    this.client.on('error', () => {});
    this.method = this.options.method ?? (await this.probeCopy());
    const mode = this.options.indexes ?? 'auto';
    if (mode === 'rebuild' || (mode === 'auto' && this.method === 'copy'))
      await this.beginRebuild(mode === 'auto');
    return this.method;
  }

  private async isEmpty(client: DbClient): Promise<boolean> {
    const { rows } = await client.query<{ empty: boolean }>(
      'SELECT NOT EXISTS (SELECT 1 FROM conversations) AS empty',
    );
    return rows[0]!.empty;
  }

  /**
   * Rebuild mode: one transaction for the whole load, with the feed and rollup locks, and every
   * index of `conversations` but the keys dropped (their definitions kept to build them again in
   * finish(); a failure rolls back, indexes included). `onlyIfEmpty` ('auto'): not when the table
   * holds conversations (decided under the feed lock, so no writer slips in between).
   */
  private async beginRebuild(onlyIfEmpty: boolean): Promise<void> {
    const client = this.client!;
    await client.query('BEGIN');
    try {
      // The rollup lock before any table lock: a user deletion takes it, then conversations'.
      await client.query('SELECT pg_advisory_xact_lock($1), pg_advisory_xact_lock($2)', [
        LOCKS.feed,
        LOCKS.rollup,
      ]);
      const empty = await this.isEmpty(client);
      if (onlyIfEmpty && !empty) {
        await client.query('ROLLBACK');
        return;
      }
      await this.dropIndexesInTransaction(client);
      if (empty && (await rollupsEmpty(client))) await this.dropQueueAndKeys(client);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      this.rebuild = undefined;
      throw err;
    }
  }

  private async dropIndexesInTransaction(client: DbClient): Promise<void> {
    await this.raiseWorkMem(client);
    const indexes = await dropForBulk(client, 'conversations', 'secondary indexes');
    await client.query(CREATE_BULK_USERS);
    this.rebuild = { indexes };
  }

  /** Rows go in unqueued (the rollups are built at the end) and their users checked once, at the end. */
  private async dropQueueAndKeys(client: DbClient): Promise<void> {
    await client.query(`ALTER TABLE conversations DISABLE TRIGGER ${QUEUE_TRIGGER}`);
    this.rebuild!.keys = await dropForBulk(client, 'conversations', 'foreign keys');
  }

  /** For the open transaction only (SET LOCAL): the connection goes back to the pool as it came. */
  private async raiseWorkMem(client: DbClient): Promise<void> {
    if (this.method === 'copy')
      await client.query(`SELECT set_config('work_mem', $1, true)`, [BULK_WORK_MEM]);
  }

  private async probeCopy(): Promise<BulkMethod> {
    const client = this.client!;
    try {
      await client.query(
        `CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (${COLUMNS.map((c, i) => `${c} ${TYPES[i]}`).join(', ')})`,
      );
      await pipeline((async function* () {})(), client.query(copyFrom(COPY_IN)));
      return 'copy';
    } catch (err) {
      if (isCopyRefused(err)) return 'insert';
      throw err;
    }
  }

  /** Loads one chunk (committed when this resolves); returns how many rows were new. */
  async load(rows: readonly BulkRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const method = await this.open();
    const client = this.client!;
    const own = this.rebuild === undefined;
    // Rebuild mode: the chunk runs in the load's one transaction, at its own level. A savepoint
    // would serve nothing (a failure rolls the whole load back) and cost disk and memory until the
    // commit: a TRUNCATE inside it gives the staging table a new file and keeps the old one (10.7 GB
    // for 29M staged rows), where at the transaction's level it empties the table in place; and each
    // released savepoint keeps its transaction context (16 MB a chunk: 23 GB for a 50M load).
    if (own) {
      await client.query('BEGIN');
      await this.raiseWorkMem(client);
    }
    try {
      let result: { inserted: number; new_users: number };
      const t0 = performance.now();
      if (method === 'copy') {
        await client.query(`TRUNCATE ${STAGING}`);
        await pipeline(copyLines(rows), client.query(copyFrom(COPY_IN)));
        this.timings.stage += performance.now() - t0;
        if (own) await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.feed]);
        ({
          rows: [result],
        } = (await client.query(moveSql(COPY_SOURCE, !own))) as unknown as { rows: [typeof result] });
      } else {
        if (own) await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.feed]);
        ({
          rows: [result],
        } = (await client.query(moveSql(UNNEST_SOURCE, !own), unnestParams(rows))) as unknown as {
          rows: [typeof result];
        });
      }
      if (own) await client.query('COMMIT');
      this.timings.move += performance.now() - t0;
      this.totals.rows += rows.length;
      this.totals.inserted += result.inserted;
      this.totals.newUsers += result.new_users;
      return result.inserted;
    } catch (err) {
      // Rebuild mode: the whole load is one transaction, and a failure undoes all of it.
      await client.query('ROLLBACK').catch(() => {});
      if (!own) this.totals.inserted = this.totals.newUsers = this.totals.rows = 0;
      this.rebuild = undefined;
      this.release(true);
      throw err;
    }
  }

  /**
   * Folds everything the load queued into the rollups, set-wise in batches of `batch` rows (the
   * same fold the admin's rollup worker runs), then refreshes the planner's statistics.
   */
  async finish(batch = 250_000, onFold: (folded: number) => void = () => {}): Promise<BulkTotals> {
    const { rebuild } = this;
    const rebuiltIndexes = rebuild !== undefined;
    const t0 = performance.now();
    /** when the rollups began: in the load's transaction (buildRollups()), else after it */
    let rollupsFrom: number | undefined;
    if (rebuild) {
      const client = this.client!;
      try {
        await client.query(FINISH_USERS);
        // GIN (the search trigrams) builds much faster with room to sort.
        await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
        for (const def of rebuild.indexes) await client.query(def);
        if (rebuild.keys) {
          // Validated in one join of the whole table rather than a lookup per row.
          for (const sql of rebuild.keys) await client.query(sql);
          await client.query(`ALTER TABLE conversations ENABLE TRIGGER ${QUEUE_TRIGGER}`);
          rollupsFrom = performance.now();
          await buildRollups(client);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        this.totals.inserted = this.totals.newUsers = this.totals.rows = 0;
        this.release(true);
        throw err;
      } finally {
        this.rebuild = undefined;
      }
    }
    this.release();
    const t1 = rollupsFrom ?? performance.now();
    this.timings.indexes = t1 - t0;
    let folded = 0;
    const fold = this.method === 'copy' ? { workMem: BULK_WORK_MEM } : {};
    for (
      let n = await foldRollupQueue(this.db, batch, true, fold);
      n > 0;
      n = await foldRollupQueue(this.db, batch, true, fold)
    ) {
      folded += n;
      onFold(folded);
    }
    // Many queue rows came and went: reclaim them now rather than at the next autovacuum.
    if (folded > 0) await this.db.query('VACUUM ANALYZE rollup_queue');
    // The planner's statistics for what was just loaded (buildRollups() took those of conversations
    // and user_numbers already, in the load's transaction).
    if (this.totals.inserted > 0)
      await this.db.query(
        `ANALYZE ${rollupsFrom === undefined ? 'conversations, user_numbers, ' : ''}users, ${ROLLUP_TABLES.join(', ')}`,
      );
    this.timings.rollups = performance.now() - t1;
    this.timings.move -= this.timings.stage;
    return { ...this.totals, method: this.method ?? 'insert', rebuiltIndexes, timings: { ...this.timings } };
  }

  /**
   * Gives the connection back (finish() does it; call it when abandoning a load: an open rebuild
   * transaction is then rolled back with the connection).
   */
  release(destroy = false): void {
    this.client?.release(destroy || this.rebuild !== undefined);
    this.client = undefined;
    this.rebuild = undefined;
  }
}
