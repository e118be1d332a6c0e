import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate';
import { createPool, type Db } from './pool';
import { createTestDatabase, type TestDatabase } from './testing';

describe('migrations', () => {
  let tdb: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
  });
  afterAll(async () => {
    await db.end();
    await tdb.drop();
  });

  it('creates the plan tables and indexes and is idempotent', async () => {
    expect(await migrate(tdb.url)).toEqual([]);
    const { rows } = await db.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`,
    );
    const names = rows.map((r) => r.indexname);
    for (const idx of [
      'idx_conversations_timestamp',
      'idx_conversations_user_time',
      'idx_users_last_interaction',
      'idx_metrics_timestamp',
      'idx_metrics_type',
      'idx_conversations_gen_ai_latency',
    ]) {
      expect(names).toContain(idx);
    }
  });

  it('returns counts as numbers and dates as calendar strings', async () => {
    const { rows } = await db.query(`SELECT count(*) AS n, DATE '2026-03-08' AS d, 1.5::numeric AS x`);
    expect(rows[0]).toEqual({ n: 1, d: '2026-03-08', x: 1.5 });
  });

  it('queues every new conversation for the rollups', async () => {
    await db.query(
      `INSERT INTO users (facebook_id, first_seen, last_interaction) VALUES ('u1', now(), now())`,
    );
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at,
         response_time_ms, status, instance_id)
       SELECT 'm' || g, 'u1', 'text', 'hi', now(), now(), 1, 'replied', 'bot-1' FROM generate_series(1, 3) g`,
    );
    const { rows } = await db.query('SELECT count(*) AS n FROM rollup_queue');
    expect(rows[0].n).toBe(3);
  });
});
