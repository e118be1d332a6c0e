import { createPool, type Db } from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkLoader, type BulkRow } from '../../tools/src/bulk/load';

// A bulk load into an empty store runs in one transaction (indexes dropped and built once at the
// end): each chunk is COPYed into a temporary staging table that is emptied for the next one. That
// staging must not leave a file behind per chunk until the commit: a 40M-row --scale load kept
// 10.7 GB of them (4,404 files). Only a PostgreSQL server takes COPY (the embedded database loads
// with INSERT … unnest, without staging): this runs where TEST_DATABASE_URL is set, as in CI.

const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) {
  if (process.env.CI) throw new Error('bulk-load-disk needs TEST_DATABASE_URL (a PostgreSQL server) in CI');
  console.warn(
    '\n⚠ bulk-load-disk: SKIPPED, no TEST_DATABASE_URL (COPY staging needs a PostgreSQL server)\n',
  );
}

const CHUNKS = 12;
const PER_CHUNK = 2_000;
const TEXT = 'x'.repeat(1_000);

function chunk(c: number): BulkRow[] {
  const base = Date.UTC(2026, 0, 1);
  return Array.from({ length: PER_CHUNK }, (_, i) => {
    const n = c * PER_CHUNK + i;
    return {
      mid: `m_disk_${n}`,
      facebookId: String(6_512_000_000_000_000 + (n % 500)),
      firstName: null,
      lastName: null,
      kind: 'text',
      messageText: `${n} ${TEXT}`,
      replyText: null,
      ts: base + n * 1_000,
      responseTimeMs: 100,
      generateMs: null,
      sendMs: null,
      status: 'replied',
      error: null,
      instanceId: 'bulk-disk',
      model: null,
      modelVersion: null,
      inputTokens: null,
      cachedTokens: null,
      outputTokens: null,
      reasoningTokens: null,
      finishReason: null,
      blockReason: null,
      costUsd: null,
      priceVersion: null,
    };
  });
}

describe.runIf(serverUrl)('a bulk load into an empty store (one transaction, COPY staging)', () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase({ serverUrl });
    db = createPool(database.url, { max: 3 });
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('empties its staging table in place between chunks instead of keeping a file per chunk until the commit', async () => {
    const loader = new BulkLoader(db, { indexes: 'rebuild' });
    expect(await loader.open()).toBe('copy');
    for (let c = 0; c < CHUNKS; c++) await loader.load(chunk(c));
    // Seen from another session while the load's transaction is still open (it holds conversations
    // locked): the files of temporary tables in the database's directory, which are the load's
    // staging and its users (superuser functions; the server of the tests runs as postgres).
    const { rows } = await db.query<{ temp: string | null }>(
      `SELECT sum((pg_stat_file(dir || '/' || f, true)).size)::text AS temp
         FROM (SELECT 'base/' || oid AS dir FROM pg_database WHERE datname = current_database()) d,
              LATERAL pg_ls_dir(d.dir) f
        WHERE f LIKE 't%'`,
    );
    const staged = CHUNKS * PER_CHUNK * TEXT.length;
    const totals = await loader.finish();
    expect(totals.inserted).toBe(CHUNKS * PER_CHUNK);
    expect(totals.rebuiltIndexes).toBe(true);
    const temp = Number(rows[0]!.temp ?? 0);
    // Before: every chunk's staging stayed on disk, the whole load's text again (24 MB here).
    // Now: one chunk's (2 MB).
    expect(temp).toBeGreaterThan(staged / CHUNKS / 2);
    expect(temp).toBeLessThan(staged / 4);
  });
});
