import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../pool';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { getGenAiLatency } from './getGenAiLatency';

const HOUR = 3_600_000;

describe('getGenAiLatency', () => {
  let tdb: TestDatabase;
  let db: Db;
  const start = Date.UTC(2026, 11, 7);
  const end = start + 24 * HOUR;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
    await db.query(
      `INSERT INTO users (facebook_id, first_seen, last_interaction) VALUES ('u1', now(), now())`,
    );
    // [ms since start, model, generate_ms]: Gemini replies of 1..100 ms in the range; around them
    // rule replies (a generate time, no model), Gemini replies without a generate time, and Gemini
    // replies just outside the range: none of those may count.
    const rows: Array<[number, string | null, number | null]> = [];
    for (let i = 1; i <= 100; i++) rows.push([i * 60_000, 'gemini-2.5-flash', i]);
    for (let i = 0; i < 20; i++) rows.push([i * 60_000 + 1, null, 10_000]);
    rows.push([5 * HOUR, 'gemini-2.5-flash', null]);
    rows.push([-1, 'gemini-2.5-flash', 50_000]);
    rows.push([24 * HOUR, 'gemini-2.5-flash', 50_000]);
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at, response_time_ms,
                                  status, instance_id, model, generate_ms)
       SELECT 'm' || n, 'u1', 'text', 'hi', to_timestamp(($4::float8 + t) / 1000.0), now(), 10, 'replied', 'bot-1', m, g
         FROM unnest($1::float8[], $2::text[], $3::float8[]) WITH ORDINALITY AS x(t, m, g, n)`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), start],
    );
  });
  afterAll(async () => {
    await db.end();
    await tdb.drop();
  });

  it("averages the range's Gemini replies and takes their p95, nothing else", async () => {
    const l = await getGenAiLatency(db, new Date(start), new Date(end));
    expect(l.avg_ms).toBeCloseTo(50.5, 9);
    // percentile_cont(0.95) of 1..100: 95 + 0.05 × (96 − 95)
    expect(l.p95_ms).toBeCloseTo(95.05, 9);
  });

  it('is null for a range without a Gemini reply', async () => {
    expect(await getGenAiLatency(db, new Date(end + HOUR), new Date(end + 2 * HOUR))).toEqual({
      avg_ms: null,
      p95_ms: null,
    });
  });
});
